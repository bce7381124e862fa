from odoo import models
from odoo.exceptions import ValidationError


class SaleOrder(models.Model):
    _inherit = "sale.order"

    def action_confirm(self):
        res = super().action_confirm()
        self.partner_id._mark_customer_progress()
        return res

    def _check_quotation_of(self, documents):
        """Refuse sales documents (minutes, reviews) that quote another opportunity's order."""
        for document in documents:
            if document.order_id and document.order_id.opportunity_id != document.lead_id:
                raise ValidationError(
                    self.env._(
                        "Quotation %(order)s belongs to another opportunity than %(lead)s: "
                        "choose one of this opportunity's quotations.",
                        order=document.order_id.name,
                        lead=document.lead_id.name,
                    )
                )
