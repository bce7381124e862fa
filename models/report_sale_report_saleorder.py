from odoo import api, models


class ReportSaleReportSaleorder(models.AbstractModel):
    _inherit = "report.sale.report_saleorder"

    @api.model
    def _get_report_values(self, docids, data=None):
        self.env["sale.order"].browse(docids)._contract_check_printable()
        return super()._get_report_values(docids, data=data)
