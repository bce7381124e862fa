from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_amount


class CrmNegotiationMinutes(models.Model):
    """Minutes of a negotiation meeting (商务谈判纪要): the terms agreed and the
    points still open, signed by the customer."""

    _name = "crm.negotiation.minutes"
    _description = "Negotiation Minutes"
    _inherit = ["mail.thread", "mail.activity.mixin", "crm.signed.document.mixin"]
    _order = "meeting_date desc, id desc"
    _check_company_auto = True

    _signed_content_fields = (
        "name",
        "lead_id",
        "partner_id",
        "order_id",
        "meeting_date",
        "location",
        "customer_attendee_ids",
        "internal_attendee_ids",
        "notes",
        "version",
    )
    _signed_optional_fields = ("agreed_amount", "agreed_payment_term_id", "agreed_delivery_date")
    _signed_line_fields = {"term_ids": ("sequence", "topic", "description", "status", "responsible", "due_date")}
    _signed_report = "crm_sales_process.crm_negotiation_minutes_report"
    _signed_content_template = "crm_sales_process.crm_negotiation_minutes_content"
    _signed_sequence_code = "crm.negotiation.minutes"
    _signed_partner_source = "lead_id.partner_id"
    _signed_mail_template = "crm_sales_process.mail_template_negotiation_minutes_sign"
    _process_fields = ("version", "origin_id")

    lead_id = fields.Many2one(
        "crm.lead",
        string="Opportunity",
        required=True,
        index=True,
        ondelete="restrict",
        check_company=True,
        tracking=True,
    )
    order_id = fields.Many2one(
        "sale.order",
        string="Quotation",
        check_company=True,
        domain="[('opportunity_id', '=', lead_id)]",
        tracking=True,
    )
    meeting_date = fields.Datetime(required=True, default=fields.Datetime.now, tracking=True)
    location = fields.Char()
    customer_attendee_ids = fields.Many2many(
        "res.partner",
        "crm_negotiation_minutes_customer_rel",
        "minutes_id",
        "partner_id",
        string="Customer attendees",
        domain="[('id', 'child_of', partner_id)]",
    )
    internal_attendee_ids = fields.Many2many(
        "res.users",
        "crm_negotiation_minutes_user_rel",
        "minutes_id",
        "user_id",
        string="Our attendees",
        default=lambda self: self.env.user,
    )
    term_ids = fields.One2many("crm.negotiation.minutes.term", "minutes_id", string="Terms", copy=True)
    notes = fields.Html(string="Other notes")
    # what the contract must say (compared with the order when its approval is requested)
    agreed_amount = fields.Monetary(
        string="Agreed total",
        currency_field="agreed_currency_id",
        tracking=True,
        help="The contract total agreed in the negotiation, taxes included.",
    )
    agreed_currency_id = fields.Many2one(
        "res.currency",
        string="Agreed currency",
        compute="_compute_agreed_currency_id",
        store=True,
        readonly=False,
        precompute=True,
    )
    agreed_payment_term_id = fields.Many2one(
        "account.payment.term", string="Agreed payment terms", check_company=True, tracking=True
    )
    agreed_delivery_date = fields.Date(string="Agreed delivery date", tracking=True)
    version = fields.Integer(default=1, readonly=True, copy=False)
    origin_id = fields.Many2one(
        "crm.negotiation.minutes", string="Previous version", readonly=True, copy=False, index="btree_not_null"
    )
    agreed_count = fields.Integer(compute="_compute_term_counts", string="Agreed terms")
    open_count = fields.Integer(compute="_compute_term_counts", string="Open items")

    _sql_constraints = [
        (
            "name_version_company_uniq",
            "unique(name, version, company_id)",
            "Minutes references are unique per company and version.",
        ),
    ]

    @api.depends("order_id")
    def _compute_agreed_currency_id(self):
        for minutes in self:
            minutes.agreed_currency_id = (
                minutes.order_id.currency_id or minutes.agreed_currency_id or minutes.company_id.currency_id
            )

    @api.constrains("order_id", "lead_id")
    def _check_order_of_lead(self):
        self.order_id._check_quotation_of(self)

    @api.depends("term_ids.status")
    def _compute_term_counts(self):
        for minutes in self:
            minutes.agreed_count = len(minutes.term_ids.filtered(lambda term: term.status == "agreed"))
            minutes.open_count = len(minutes.term_ids) - minutes.agreed_count

    @api.depends("name", "version")
    def _compute_display_name(self):
        for minutes in self:
            minutes.display_name = (
                self.env._("%(name)s (version %(version)s)", name=minutes.name, version=minutes.version)
                if minutes.version > 1
                else minutes.name
            )

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def _signed_signer_candidates(self):
        """The customer's attendees (decision makers first), then the opportunity's decision makers and contact."""
        attendees = self.customer_attendee_ids.sorted(lambda partner: partner.decision_role != "decision_maker")
        return attendees | self._signed_lead_signers(self.lead_id)

    def _signed_content(self):
        """The agreed total is signed with its currency."""
        content = super()._signed_content()
        if self.agreed_amount:
            content["agreed_currency_id"] = self.agreed_currency_id.id
        return content

    def _signed_frozen_fields(self):
        return super()._signed_frozen_fields() | {"agreed_currency_id"}

    def _signed_snapshot_values(self):
        """The attendees as named on the minutes, and the quotation with its amount."""
        values = super()._signed_snapshot_values()
        values.update(
            {
                "customer_attendees": [
                    [attendee.name or "", attendee.function or ""] for attendee in self.customer_attendee_ids
                ],
                "internal_attendees": self.internal_attendee_ids.mapped("name"),
                "order": self.order_id.name or "",
                "amount_total": self.order_id.amount_total,
                "currency_id": self.order_id.currency_id.id,
            }
        )
        return values

    def _signed_amount_str(self):
        """The quotation's amount as the minutes show it (the copy once confirmed)."""
        shown = self._signed_shown()
        currency = self.env["res.currency"].browse(shown.get("currency_id")).exists()
        if not shown.get("order") or not currency:
            return ""
        return format_amount(self.env, shown.get("amount_total") or 0.0, currency)

    def _signed_empty_message(self):
        return self.env._(
            "%(minutes)s have no terms: write down what was agreed and what is still open first.",
            minutes=self.display_name,
        )

    def action_new_version(self):
        """A new draft version copied from these minutes; unsigned minutes are replaced by it."""
        self.ensure_one()
        if self.state == "draft":
            raise UserError(self.env._("These minutes are still a draft: edit them directly."))
        new = self._process().copy(
            {
                "name": self.name,
                "version": self.version + 1,
                "origin_id": self.id,
            }
        )
        if not self.signed_on and self.state != "cancelled":
            self.action_cancel()
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": new.id,
            "view_mode": "form",
        }

    def _get_report_base_filename(self):
        self.ensure_one()
        return self.env._("Negotiation minutes %(name)s", name=self.display_name)
