"""Record that the customer was told of a delivery exception by phone, visit or message."""

from odoo import fields, models

from ..models.sale_delivery_exception import NOTIFY_CHANNELS


class SaleDeliveryExceptionNotify(models.TransientModel):
    _name = "sale.delivery.exception.notify"
    _description = "Record Customer Notification"

    exception_id = fields.Many2one("sale.delivery.exception", required=True, ondelete="cascade")
    commercial_partner_id = fields.Many2one(related="exception_id.partner_id.commercial_partner_id")
    channel = fields.Selection(
        [channel for channel in NOTIFY_CHANNELS if channel[0] != "email"],
        string="How",
        required=True,
        default="phone",
        help="Emails are sent from the exception (Notify by Email), which records them.",
    )
    partner_ids = fields.Many2many(
        "res.partner",
        string="Who was told",
        required=True,
        domain="[('commercial_partner_id', '=', commercial_partner_id)]",
    )
    note = fields.Text(string="What was said", help="The customer's answer, what was agreed.")

    def action_confirm(self):
        self.ensure_one()
        exception = self.exception_id
        exception.check_access("write")
        exception._mark_notified(self.channel, self.partner_ids, note=(self.note or "").strip())
        return {"type": "ir.actions.act_window_close"}
