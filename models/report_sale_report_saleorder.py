from odoo import api, models
from odoo.exceptions import UserError


class ReportSaleReportSaleorder(models.AbstractModel):
    _inherit = "report.sale.report_saleorder"

    @api.model
    def _get_report_values(self, docids, data=None):
        """sale_tier_validation's print block (same rule), its error translated."""
        for order in self.env["sale.order"].browse(docids):
            if order.company_id.sale_report_print_block and (
                order.need_validation or (order.review_ids and order.validation_status != "validated")
            ):
                raise UserError(self.env._("Quotation printing is blocked until the order is approved."))
        return super()._get_report_values(docids, data=data)
