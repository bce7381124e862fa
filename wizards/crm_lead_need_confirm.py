from odoo import api, fields, models
from odoo.exceptions import UserError


class CrmLeadNeedConfirm(models.TransientModel):
    """The rep records that the customer confirmed needs by email or in a meeting.

    Confirmation by signature comes only from the signed needs confirmation list.
    """

    _name = "crm.lead.need.confirm"
    _description = "Confirm Customer Needs"

    need_ids = fields.Many2many("crm.lead.need", string="Needs", required=True)
    lead_id = fields.Many2one("crm.lead", compute="_compute_lead_id")
    customer_id = fields.Many2one("res.partner", compute="_compute_lead_id")
    confirmation_method = fields.Selection(
        [("email", "Email"), ("meeting", "Meeting")], string="Confirmed by", required=True, default="email"
    )
    confirmed_by_id = fields.Many2one(
        "res.partner",
        string="Customer's person",
        required=True,
        domain="[('commercial_partner_id', '=', customer_id)]",
        help="Who confirmed the needs at the customer.",
    )
    confirmed_date = fields.Date(string="Confirmed on", required=True, default=fields.Date.context_today)

    @api.model_create_multi
    def create(self, vals_list):
        methods = dict(self._fields["confirmation_method"].selection)
        if any(vals.get("confirmation_method", "email") not in methods for vals in vals_list):
            raise UserError(
                self.env._(
                    "Needs are confirmed here by email or in a meeting; by signature only when the customer "
                    "signs a needs confirmation list."
                )
            )
        return super().create(vals_list)

    @api.depends("need_ids")
    def _compute_lead_id(self):
        for wizard in self:
            wizard.lead_id = wizard.need_ids.lead_id[:1]
            wizard.customer_id = wizard.lead_id.partner_id.commercial_partner_id

    def action_confirm(self):
        self.ensure_one()
        self.need_ids.check_access("write")
        if self.need_ids.filtered(lambda need: need.state != "draft"):
            raise UserError(self.env._("Only recorded needs can be confirmed: reset the others first."))
        self.need_ids._mark_confirmed(self.confirmation_method, self.confirmed_by_id, self.confirmed_date)
        return {"type": "ir.actions.act_window_close"}
