from odoo import api, models
from odoo.exceptions import ValidationError

# What an order's approvers approve (its lines: sale.order.line below).
ORDER_APPROVAL_FIELDS = (
    "partner_id",
    "pricelist_id",
    "currency_id",
    "payment_term_id",
    "validity_date",
    "fiscal_position_id",
    "amount_untaxed",
    "amount_tax",
    "amount_total",
    "commitment_date",
    "minutes_difference_reason",
)
ORDER_LINE_APPROVAL_FIELDS = (
    "display_type",
    "product_id",
    "name",
    "product_uom_qty",
    "product_uom",
    "price_unit",
    "discount",
    "tax_id",
)


class SaleOrder(models.Model):
    """An approval holds for the order that was approved: its lines, quantities, prices,
    discounts, taxes, payment terms and validity (see tier.validation in tier_validation.py)."""

    _inherit = "sale.order"

    _approval_fields = ORDER_APPROVAL_FIELDS
    _approval_line_fields = {
        "order_line": ORDER_LINE_APPROVAL_FIELDS,
        "clause_ids": ("sequence", "type_id", "name", "content"),
    }

    def write(self, vals):
        res = super().write(vals)
        self._approval_recheck_quotations()
        return res

    def _approval_recheck_quotations(self):
        """After a change of quotations: restart the approvals (of the quotations themselves,
        and of the solution reviews that approved them) whose content is no longer what was approved."""
        quotations = self.filtered(lambda order: order.state in ("draft", "sent"))
        if not quotations:
            return
        quotations._approval_recheck()
        reviews = self.env["crm.solution.review"].search(
            [("order_id", "in", quotations.ids), ("state", "in", ("to_review", "approved"))]
        )
        reviews._approval_recheck()

    def action_confirm(self):
        self._approval_check_current()
        self._contract_check_approved(self.env._("confirming it"))
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


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        lines.order_id._approval_recheck_quotations()
        return lines

    def write(self, vals):
        res = super().write(vals)
        self.order_id._approval_recheck_quotations()
        return res

    def unlink(self):
        orders = self.order_id
        res = super().unlink()
        orders.exists()._approval_recheck_quotations()
        return res
