from odoo import api, models


class ReportSaleReportSaleorderProForma(models.AbstractModel):
    """The pro-forma invoice is the contract's amount for the customer: printed under the same rule."""

    _name = "report.sale.report_saleorder_pro_forma"
    _description = "Pro-Forma Invoice Report"

    @api.model
    def _get_report_values(self, docids, data=None):
        docs = self.env["sale.order"].browse(docids)
        docs._contract_check_printable()
        return {"doc_ids": docids, "doc_model": "sale.order", "docs": docs, "data": data}
