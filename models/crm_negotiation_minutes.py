from odoo import api, fields, models
from odoo.exceptions import UserError

MINUTES_STATES = [
    ("draft", "Draft"),
    ("confirmed", "Waiting for Signature"),
    ("signed", "Signed"),
    ("cancelled", "Cancelled"),
]


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
    _signed_line_fields = {"term_ids": ("sequence", "topic", "description", "status", "responsible", "due_date")}
    _signed_report = "crm_sales_process.crm_negotiation_minutes_report"
    _signed_content_template = "crm_sales_process.crm_negotiation_minutes_content"

    name = fields.Char(
        string="Reference", required=True, readonly=True, copy=False, default=lambda self: self.env._("New")
    )
    state = fields.Selection(MINUTES_STATES, default="draft", required=True, readonly=True, copy=False, tracking=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company, readonly=True
    )
    lead_id = fields.Many2one(
        "crm.lead",
        string="Opportunity",
        required=True,
        index=True,
        ondelete="restrict",
        check_company=True,
        tracking=True,
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        compute="_compute_partner_id",
        store=True,
        readonly=False,
        precompute=True,
        check_company=True,
        tracking=True,
    )
    user_id = fields.Many2one(
        "res.users", string="Salesperson", default=lambda self: self.env.user, index=True, tracking=True
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

    @api.depends("lead_id")
    def _compute_partner_id(self):
        for minutes in self:
            if minutes.lead_id.partner_id:
                minutes.partner_id = minutes.lead_id.partner_id.commercial_partner_id

    @api.depends("term_ids.status")
    def _compute_term_counts(self):
        for minutes in self:
            minutes.agreed_count = len(minutes.term_ids.filtered(lambda term: term.status == "agreed"))
            minutes.open_count = len(minutes.term_ids) - minutes.agreed_count

    def _compute_access_url(self):
        super()._compute_access_url()
        for minutes in self:
            minutes.access_url = f"/my/negotiation_minutes/{minutes.id}"

    @api.depends("name", "version")
    def _compute_display_name(self):
        for minutes in self:
            minutes.display_name = (
                self.env._("%(name)s (version %(version)s)", name=minutes.name, version=minutes.version)
                if minutes.version > 1
                else minutes.name
            )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if not vals.get("name") or vals["name"] == self.env._("New"):
                company = self.env["res.company"].browse(vals.get("company_id")) or self.env.company
                vals["name"] = self.env["ir.sequence"].with_company(company).next_by_code(
                    "crm.negotiation.minutes"
                ) or self.env._("New")
        return super().create(vals_list)

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_confirm(self):
        """Freeze the minutes: they are ready for the customer's signature."""
        for minutes in self:
            if minutes.state != "draft":
                raise UserError(self.env._("Only draft minutes can be confirmed."))
            if not minutes.term_ids:
                raise UserError(
                    self.env._(
                        "%(minutes)s have no terms: write down what was agreed and what is still open first.",
                        minutes=minutes.display_name,
                    )
                )
        self.write({"state": "confirmed"})
        return True

    def action_draft(self):
        if any(minutes.state not in ("confirmed", "cancelled") for minutes in self):
            raise UserError(self.env._("Only minutes waiting for a signature or cancelled can go back to draft."))
        self.write({"state": "draft"})
        return True

    def action_cancel(self):
        if any(minutes.signed_on for minutes in self):
            raise UserError(self.env._("Signed minutes cannot be cancelled: they are the record of what was agreed."))
        self.write({"state": "cancelled"})
        return True

    def action_new_version(self):
        """A new draft version copied from these minutes; unsigned minutes are replaced by it."""
        self.ensure_one()
        if self.state == "draft":
            raise UserError(self.env._("These minutes are still a draft: edit them directly."))
        new = self.copy(
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

    def action_send(self):
        """Email the customer the link to read and sign the minutes."""
        self.ensure_one()
        if self.state == "draft":
            self.action_confirm()
        if self.state != "confirmed":
            raise UserError(self.env._("Only minutes waiting for the customer's signature can be sent."))
        self._portal_ensure_token()
        template = self.env.ref("crm_sales_process.mail_template_negotiation_minutes_sign", raise_if_not_found=False)
        return {
            "type": "ir.actions.act_window",
            "res_model": "mail.compose.message",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {
                "default_model": self._name,
                "default_res_ids": self.ids,
                "default_template_id": template.id if template else False,
                "default_composition_mode": "comment",
                "default_email_layout_xmlid": "mail.mail_notification_layout_with_responsible_signature",
                "mark_so_as_sent": False,
            },
        }

    def action_preview(self):
        """Open the customer's portal page of the minutes."""
        self.ensure_one()
        return {"type": "ir.actions.act_url", "target": "new", "url": self.get_portal_url()}

    def _get_report_base_filename(self):
        self.ensure_one()
        return self.env._("Negotiation minutes %(name)s", name=self.display_name)
