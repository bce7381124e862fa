from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import format_amount, format_date


class CrmPowerAttorney(models.Model):
    """A power of attorney (授权委托书): the customer authorises one of its contacts to sign
    contracts up to an amount, for a period. With the legal representative, the only people
    whose signature binds the customer on a contract."""

    _name = "crm.power.attorney"
    _description = "Power of Attorney"
    _inherit = ["mail.thread"]
    _order = "date_to desc, id desc"
    _check_company_auto = True
    _rec_name = "partner_id"

    partner_id = fields.Many2one(
        "res.partner",
        string="Authorised contact",
        required=True,
        index=True,
        ondelete="cascade",
        tracking=True,
        domain="[('is_company', '=', False), ('parent_id', '!=', False)]",
        help="The customer's contact who may sign contracts for it.",
    )
    commercial_partner_id = fields.Many2one(
        related="partner_id.commercial_partner_id", string="Customer", store=True, index=True
    )
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    date_from = fields.Date(string="Valid from", required=True, default=fields.Date.context_today, tracking=True)
    date_to = fields.Date(string="Valid until", required=True, tracking=True)
    amount_limit = fields.Monetary(
        string="Amount ceiling",
        currency_field="currency_id",
        tracking=True,
        help="Highest contract total (in this currency) the contact may sign; 0 means no ceiling.",
    )
    currency_id = fields.Many2one(
        "res.currency", required=True, default=lambda self: self.env.company.currency_id, tracking=True
    )
    attachment_ids = fields.Many2many(
        "ir.attachment",
        "crm_power_attorney_attachment_rel",
        "power_attorney_id",
        "attachment_id",
        string="Signed document",
        help="The scanned power of attorney, signed and stamped by the customer.",
    )
    note = fields.Text()
    active = fields.Boolean(default=True, tracking=True)
    state = fields.Selection(
        [("valid", "Valid"), ("future", "Not yet valid"), ("expired", "Expired")],
        compute="_compute_state",
        search="_search_state",
    )

    _sql_constraints = [
        ("dates_check", "CHECK(date_from <= date_to)", "A power of attorney ends after it starts."),
        ("amount_limit_check", "CHECK(amount_limit >= 0)", "The amount ceiling cannot be negative."),
    ]

    @api.depends("date_from", "date_to")
    @api.depends_context("tz")
    def _compute_state(self):
        today = fields.Date.context_today(self)
        for power in self:
            power.state = power._state_on(today)

    def _state_on(self, day):
        if self.date_from and day < self.date_from:
            return "future"
        if self.date_to and day > self.date_to:
            return "expired"
        return "valid"

    def _search_state(self, operator, value):
        if operator not in ("=", "!=") or value not in ("valid", "future", "expired"):
            raise ValidationError(self.env._("Search the validity with one of its values."))
        today = fields.Date.context_today(self)
        domain = {
            "valid": [("date_from", "<=", today), ("date_to", ">=", today)],
            "future": [("date_from", ">", today)],
            "expired": [("date_to", "<", today)],
        }[value]
        return domain if operator == "=" else ["!", *domain]

    @api.constrains("partner_id", "attachment_ids")
    def _check_document(self):
        for power in self:
            if not power.attachment_ids:
                raise ValidationError(
                    self.env._(
                        "Attach the signed power of attorney of %(contact)s: without the document it authorises "
                        "nobody.",
                        contact=power.partner_id.display_name,
                    )
                )

    def _covers(self, amount, currency, day, company):
        """Whether this power lets its contact sign a contract of ``amount`` ``currency`` on ``day``."""
        self.ensure_one()
        if not self.active or self._state_on(day) != "valid":
            return False
        if not self.amount_limit:
            return True
        amount_here = currency._convert(amount, self.currency_id, company, day)
        return self.currency_id.compare_amounts(amount_here, self.amount_limit) <= 0

    def _describe(self):
        """The validity and ceiling (2026-01-01 to 2026-12-31, up to 500,000.00 CNY) in the reader's language."""
        self.ensure_one()
        limit = (
            format_amount(self.env, self.amount_limit, self.currency_id)
            if self.amount_limit
            else self.env._("no ceiling")
        )
        return self.env._(
            "%(start)s – %(end)s, up to %(limit)s",
            start=format_date(self.env, self.date_from),
            end=format_date(self.env, self.date_to),
            limit=limit,
        )
