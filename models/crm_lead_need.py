from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from .crm_process_guard import ProcessGuard

NEED_TYPES = [("rigid", "Rigid (must have)"), ("flexible", "Flexible"), ("potential", "Potential")]
CONFIRMATION_METHODS = [("email", "Email"), ("signature", "Signature"), ("meeting", "Meeting")]
NEED_SEQUENCE_CODE = "crm.lead.need"
# What the customer confirmed: it changes only after the need is reset to draft.
CONFIRMED_CONTENT = {"lead_id", "need_type", "description"}


class CrmLeadNeed(ProcessGuard, models.Model):
    """One customer need found in discovery (刚性/柔性/潜在需求), numbered XQ-00001 per
    company and confirmed by the customer by email, in a meeting or by signature."""

    _name = "crm.lead.need"
    _description = "Customer Need"
    _inherit = ["mail.thread"]
    _order = "lead_id, sequence, id"
    # numbered by the company's sequence; confirmed through the Confirm dialog or the signed list only
    _process_fields = ("code", "state", "confirmation_method", "confirmed_by_id", "confirmed_date")
    _rec_name = "code"
    _check_company_auto = True

    lead_id = fields.Many2one("crm.lead", required=True, ondelete="cascade", index=True)
    code = fields.Char(readonly=True, copy=False, index="btree_not_null")
    need_type = fields.Selection(NEED_TYPES, string="Type", required=True, default="rigid", tracking=True)
    description = fields.Text(required=True, tracking=True)
    tag_ids = fields.Many2many("crm.need.tag", string="Tags")
    priority = fields.Selection([("0", "Normal"), ("1", "High"), ("2", "Very high")], default="0")
    sequence = fields.Integer(default=10)
    state = fields.Selection(
        [("draft", "Recorded"), ("confirmed", "Confirmed"), ("cancelled", "Cancelled")],
        default="draft",
        required=True,
        copy=False,
        tracking=True,
    )
    confirmation_method = fields.Selection(CONFIRMATION_METHODS, copy=False, tracking=True)
    confirmed_by_id = fields.Many2one(
        "res.partner",
        string="Confirmed by",
        copy=False,
        tracking=True,
        check_company=True,
        help="The customer's person who confirmed.",
    )
    confirmed_date = fields.Date(string="Confirmed on", copy=False)
    company_id = fields.Many2one(related="lead_id.company_id", store=True, index=True)
    partner_id = fields.Many2one(
        related="lead_id.partner_id", string="Customer", store=True, index="btree_not_null", tracking=False
    )
    user_id = fields.Many2one(related="lead_id.user_id", string="Salesperson", tracking=False)

    @api.constrains("state", "confirmation_method", "confirmed_by_id", "confirmed_date")
    def _check_confirmation(self):
        for need in self.filtered(lambda need: need.state == "confirmed"):
            if not (need.confirmation_method and need.confirmed_by_id and need.confirmed_date):
                raise ValidationError(
                    self.env._(
                        "Need %(code)s is confirmed: say how (email, meeting or signature), who at the customer "
                        "confirmed it and when.",
                        code=need.code or need.description,
                    )
                )
            customer = need.lead_id.partner_id.commercial_partner_id
            if not customer:
                raise ValidationError(
                    self.env._("Set the customer of lead %(lead)s before confirming its needs.", lead=need.lead_id.name)
                )
            if need.confirmed_by_id.commercial_partner_id != customer:
                raise ValidationError(
                    self.env._(
                        "%(person)s is not a contact of %(customer)s: a need is confirmed by the customer's people.",
                        person=need.confirmed_by_id.display_name,
                        customer=customer.display_name,
                    )
                )

    def _process_prepare_vals(self, vals_list, creating):
        vals_list = super()._process_prepare_vals(vals_list, creating)
        if creating:
            self._assign_codes(vals_list)
        return vals_list

    def _process_fields_hint(self, field_names):
        return self.env._(
            "A need is confirmed with Confirm (email or meeting) or when the customer signs a needs confirmation "
            "list; Reset and Cancel change its state."
        )

    def write(self, vals):
        if CONFIRMED_CONTENT.intersection(vals) and not self._is_process_call():
            confirmed = self.filtered(lambda need: need.state == "confirmed")
            if confirmed:
                raise UserError(
                    self.env._(
                        "Need %(code)s was confirmed by the customer: reset it to Recorded before changing it "
                        "(it will need a new confirmation).",
                        code=confirmed[0].code,
                    )
                )
        return super().write(vals)

    def unlink(self):
        if self.filtered(lambda need: need.state == "confirmed"):
            raise UserError(
                self.env._("A need the customer confirmed cannot be deleted: cancel it, or reset it to Recorded first.")
            )
        return super().unlink()

    @api.model
    def _assign_codes(self, vals_list):
        """XQ-00001…: each company numbers its own needs (its sequence is created on first use)."""
        leads = self.env["crm.lead"].browse([vals["lead_id"] for vals in vals_list if vals.get("lead_id")])
        company_of = {lead.id: lead.company_id for lead in leads}
        sequences = {}
        for vals in vals_list:
            company = company_of.get(vals.get("lead_id")) or self.env.company
            if company not in sequences:
                sequences[company] = self._need_sequence(company)
            vals["code"] = sequences[company].next_by_id()

    @api.model
    def _need_sequence(self, company):
        Sequence = self.env["ir.sequence"].sudo()
        sequence = Sequence.search([("code", "=", NEED_SEQUENCE_CODE), ("company_id", "=", company.id)], limit=1)
        return sequence or Sequence.create(
            {
                "name": self.env._("Customer needs (%(company)s)", company=company.name),
                "code": NEED_SEQUENCE_CODE,
                "prefix": "XQ-",
                "padding": 5,
                "company_id": company.id,
            }
        )

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_open_confirm(self):
        """Record the customer's confirmation (email or meeting) of these needs."""
        self.check_access("write")
        if self.filtered(lambda need: need.state != "draft"):
            raise UserError(self.env._("Only recorded needs can be confirmed: reset the others first."))
        if len(self.lead_id) != 1:
            raise UserError(self.env._("Confirm the needs of one lead at a time."))
        if not self.lead_id.partner_id:
            raise UserError(
                self.env._("Set the customer of %(lead)s before confirming its needs.", lead=self.lead_id.name)
            )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Confirm Needs"),
            "res_model": "crm.lead.need.confirm",
            "view_mode": "form",
            "target": "new",
            "context": {"default_need_ids": self.ids},
        }

    def action_reset(self):
        """Back to Recorded: the content may change, the confirmation is cleared."""
        self.check_access("write")
        self._process().write(
            {"state": "draft", "confirmation_method": False, "confirmed_by_id": False, "confirmed_date": False}
        )
        return True

    def action_cancel(self):
        self.check_access("write")
        self._process().write({"state": "cancelled"})
        return True

    # ------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------

    def _mark_confirmed(self, method, partner, date):
        """The customer (``partner``) confirmed these needs on ``date`` by ``method``.

        The signed confirmation list calls this with ``'signature'``; nothing else may.
        """
        if self.filtered(lambda need: need.state == "cancelled"):
            raise UserError(self.env._("Cancelled needs cannot be confirmed: reset them to Recorded first."))
        self._process().write(
            {
                "state": "confirmed",
                "confirmation_method": method,
                "confirmed_by_id": partner.id,
                "confirmed_date": date,
            }
        )
        return True
