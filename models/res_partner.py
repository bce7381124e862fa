import logging
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL, format_amount, format_date

from .crm_process_guard import ProcessGuard

_logger = logging.getLogger(__name__)

LEVELS = [("high", "High"), ("medium", "Medium"), ("low", "Low")]
CUSTOMER_GRADES = [("a", "A"), ("b", "B"), ("c", "C")]
# A contact's role in the customer's buying decision (also the role of a lead's stakeholder).
DECISION_ROLES = [
    ("decision_maker", "Decision maker"),
    ("influencer", "Influencer"),
    ("user", "User"),
    ("gatekeeper", "Gatekeeper"),
]
# A change of one of these may complete what a customer code needs.
CODE_INPUTS = {"industry_id", "state_id", "region_id", "is_company", "parent_id"}


class ResPartner(ProcessGuard, models.Model):
    """Customer profile: code (M-HU-001), A/B/C customer grade, sales profile, decision roles."""

    _inherit = "res.partner"

    # the code is given once by the numbering, the grade computed from the levels, progress recorded
    _process_fields = (
        "customer_code",
        "customer_code_company_id",
        "customer_code_prefix",
        "customer_grade",
        "last_progress_date",
    )

    # Customer code
    region_id = fields.Many2one(
        "crm.sales.region",
        string="Sales region",
        compute="_compute_region_id",
        store=True,
        readonly=False,
        index="btree_not_null",
        help="From the province, unless set by hand.",
    )
    customer_code = fields.Char(
        readonly=True,
        copy=False,
        index="btree_not_null",
        tracking=True,
        help="Industry code - region code - number, given once when both are known.",
    )
    customer_code_prefix = fields.Char(
        string="Code prefix", compute="_compute_customer_code_prefix", store=True, index="btree_not_null"
    )
    customer_code_company_id = fields.Many2one("res.company", readonly=True, copy=False)
    company_customer_code = fields.Char(related="commercial_partner_id.customer_code", string="Company code")
    # Customer grade
    match_level = fields.Selection(LEVELS, tracking=True, help="How well the customer's needs match our offer.")
    value_level = fields.Selection(LEVELS, tracking=True, help="Budget, decision level and potential of the customer.")
    customer_grade = fields.Selection(
        CUSTOMER_GRADES,
        compute="_compute_customer_grade",
        store=True,
        index=True,
        tracking=True,
        help="A: high match and high value; C: a low match or value; B otherwise.",
    )
    last_progress_date = fields.Datetime(
        readonly=True,
        copy=False,
        help="Last stage move of one of its leads, confirmed order or done activity.",
    )
    # Sales profile
    employee_range = fields.Selection(
        [("1_49", "1-49"), ("50_199", "50-199"), ("200_499", "200-499"), ("500_999", "500-999"), ("1000", "1000+")],
        string="Employees",
    )
    profile_currency_id = fields.Many2one("res.currency", compute="_compute_profile_currency_id")
    annual_revenue = fields.Monetary(currency_field="profile_currency_id")
    expected_annual_value = fields.Monetary(currency_field="profile_currency_id")
    established_date = fields.Date(string="Established on")
    customer_source_id = fields.Many2one("utm.source", string="Customer source")
    customer_first_contact_date = fields.Datetime(
        string="First contact",
        compute="_compute_customer_first_contact_date",
        help="The earliest first contact of the customer's leads.",
    )
    need_tag_ids = fields.Many2many("crm.need.tag", string="Needs")
    # Who may sign contracts for the customer (授权签字人)
    is_legal_representative = fields.Boolean(
        string="Legal representative",
        tracking=True,
        help="The customer's legal representative (法定代表人) signs contracts without a power of attorney.",
    )
    power_attorney_ids = fields.One2many("crm.power.attorney", "partner_id", string="Powers of attorney")
    decision_role = fields.Selection(
        DECISION_ROLES,
        help="The contact's role in the customer's buying decision.",
    )
    main_contact_id = fields.Many2one("res.partner", compute="_compute_main_contact_id", string="Main contact")
    main_contact_function = fields.Char(compute="_compute_main_contact_id", string="Contact's job position")
    # the person alone: a contact's display name repeats the company's name, which the lists already show
    main_contact_name = fields.Char(compute="_compute_main_contact_id", string="Main contact's name")

    _sql_constraints = [
        (
            "customer_code_company_uniq",
            "unique(customer_code, customer_code_company_id)",
            "This customer code is already used in this company.",
        ),
    ]

    @api.depends("state_id", "company_id")
    def _compute_region_id(self):
        Region = self.env["crm.sales.region"]
        for partner in self:
            partner.region_id = Region._for_state(partner.state_id, partner.company_id or self.env.company)

    @api.depends("customer_code")
    def _compute_customer_code_prefix(self):
        for partner in self:
            partner.customer_code_prefix = (partner.customer_code or "").rpartition("-")[0] or False

    @api.depends("match_level", "value_level")
    def _compute_customer_grade(self):
        for partner in self:
            levels = {partner.match_level, partner.value_level}
            if not all(levels):
                partner.customer_grade = False
            elif "low" in levels:
                partner.customer_grade = "c"
            elif levels == {"high"}:
                partner.customer_grade = "a"
            else:
                partner.customer_grade = "b"

    @api.depends("company_id")
    def _compute_profile_currency_id(self):
        for partner in self:
            partner.profile_currency_id = (partner.company_id or self.env.company).currency_id

    def _compute_customer_first_contact_date(self):
        leads = (
            self.env["crm.lead"]
            .with_context(active_test=False)
            .search([("partner_id", "child_of", self.commercial_partner_id.ids), ("first_contact_date", "!=", False)])
        )
        first = {}
        for lead in leads:
            key = lead.partner_id.commercial_partner_id.id
            first[key] = min(first.get(key, lead.first_contact_date), lead.first_contact_date)
        for partner in self:
            partner.customer_first_contact_date = first.get(partner.commercial_partner_id.id, False)

    def _compute_main_contact_id(self):
        for partner in self:
            contacts = partner.child_ids.filtered(lambda child: child.type == "contact")
            main = contacts.filtered(lambda child: child.decision_role == "decision_maker")[:1] or contacts[:1]
            partner.main_contact_id = main
            partner.main_contact_name = main.name
            partner.main_contact_function = main.function

    @api.model_create_multi
    def create(self, vals_list):
        self._check_level_access(
            self.browse(),
            [vals for vals in vals_list if {"match_level", "value_level"} & set(vals)],
        )
        partners = super().create(vals_list)
        partners._assign_customer_codes()
        return partners

    def write(self, vals):
        # grading a customer, or handing a graded one to a colleague, is the owner's (or a manager's) call
        handed_over = vals.get("user_id") and self.commercial_partner_id.filtered("customer_grade")
        if {"match_level", "value_level"} & set(vals) or handed_over:
            self._check_level_access(self.commercial_partner_id, [vals])
        res = super().write(vals)
        if CODE_INPUTS & set(vals):
            self._assign_customer_codes()
        return res

    def _process_fields_hint(self, field_names):
        if field_names & {"customer_code", "customer_code_company_id", "customer_code_prefix"}:
            return self.env._(
                "A customer gets its code once it has an industry and a sales region; a sales manager can "
                "regenerate it."
            )
        if "customer_grade" in field_names:
            return self.env._("The grade follows the match and value levels.")
        return super()._process_fields_hint(field_names)

    def _process_prepare_vals(self, vals_list, creating):
        """A code given by server code (data files, migrations) is unique in its company too."""
        vals_list = super()._process_prepare_vals(vals_list, creating)
        if creating:
            for vals in vals_list:
                if vals.get("customer_code") and not vals.get("customer_code_company_id"):
                    vals["customer_code_company_id"] = vals.get("company_id") or self.env.company.id
        return vals_list

    @api.model
    def _check_level_access(self, customers, vals_list):
        """Salesmen grade their own customers; sales managers grade any. ``customers``: the
        graded customers that exist; ``vals_list``: the values graded (a new customer's
        salesperson is in them, or in the parent company they are created under)."""
        if self.env.su or self.env.user.has_group("sales_team.group_sale_manager"):
            return
        names = customers.filtered(lambda p: p.user_id and p.user_id != self.env.user).mapped("display_name")
        for vals in vals_list:
            parent = self.browse(vals.get("parent_id")).commercial_partner_id
            owner = self.env["res.users"].browse(vals["user_id"]) if vals.get("user_id") else parent.user_id
            if owner and owner != self.env.user:
                names.append(parent.display_name or vals.get("name") or ", ".join(customers.mapped("display_name")))
        if names:
            raise AccessError(
                self.env._(
                    "You can only change the match and value levels of your own customers (not %(names)s).",
                    names=", ".join(names),
                )
            )

    def _assign_customer_codes(self, force=False):
        """Give a code to each customer company (or individual) that has an industry and a region."""
        Sequence = self.env["crm.customer.code.sequence"]
        for partner in self:
            if partner.parent_id or (partner.customer_code and not force):
                continue
            industry_code, region_code = partner.industry_id.code, partner.region_id.code
            if not industry_code or not region_code:
                continue
            prefix = f"{industry_code}-{region_code}"
            company = partner.company_id or self.env.company
            number = Sequence._next_number(prefix, company)
            partner.sudo().write({"customer_code": f"{prefix}-{number:03d}", "customer_code_company_id": company.id})

    def action_regenerate_customer_code(self):
        """Sales managers: a new code from the current industry and region."""
        if not self.env.user.has_group("sales_team.group_sale_manager"):
            raise AccessError(self.env._("Only sales managers can regenerate customer codes."))
        for partner in self:
            if not partner.industry_id.code or not partner.region_id.code:
                raise UserError(
                    self.env._(
                        "%(name)s needs an industry with a code and a sales region before it can get a code.",
                        name=partner.display_name,
                    )
                )
        self._assign_customer_codes(force=True)
        return True

    def _mark_customer_progress(self):
        """Record that the customers of these partners made progress now.

        A process date nothing computes from, set on every stage move: one UPDATE of the
        commercial partners (found in SQL too), without the partner write's synchronisation of
        commercial fields and addresses. It is not an edit of the customer: its "last updated"
        stays the last edit (and a form open on it is not told it changed)."""
        partner_ids = [partner_id for partner_id in self.ids if partner_id]
        if not partner_ids:
            return
        self.env["res.partner"].flush_model(["last_progress_date", "commercial_partner_id"])
        self.env.cr.execute(
            SQL(
                "UPDATE res_partner SET last_progress_date = %s "
                "WHERE id IN (SELECT commercial_partner_id FROM res_partner WHERE id IN %s) RETURNING id",
                fields.Datetime.now(),
                tuple(partner_ids),
            )
        )
        customers = self.browse(row[0] for row in self.env.cr.fetchall())
        customers.invalidate_recordset(["last_progress_date"], flush=False)

    @api.model
    def _cron_demote_stale_customers(self, batch_size=1000):
        """A customers without progress for the company's delay become B, with the reason in the chatter.

        ``batch_size`` customers per transaction: a demoted customer leaves the search, so a run cut
        short goes on where it stopped and no customer gets the note twice. Returns the number of
        customers demoted."""
        now = fields.Datetime.now()
        domains = {}
        for company in self.env["res.company"].search([]):
            threshold = now - timedelta(days=company.customer_stale_days)
            companies = [company.id, False] if company == self.env.company else [company.id]
            domains[company] = [
                ("customer_grade", "=", "a"),
                ("company_id", "in", companies),
                "|",
                ("last_progress_date", "<", threshold),
                "&",
                ("last_progress_date", "=", False),
                ("create_date", "<", threshold),
            ]
        total = sum(self.search_count(domain) for domain in domains.values())
        demoted = 0
        for company, domain in domains.items():
            while partners := self.search(domain, limit=batch_size, order="id"):
                bodies = {
                    partner.id: self.env._(
                        "Customer grade lowered from A to B: no progress since %(date)s (more than %(days)s days).",
                        # a note anyone reads: the date in the company's zone
                        date=company._local_datetime_str(
                            partner.last_progress_date or partner.create_date, date_only=True
                        ),
                        days=company.customer_stale_days,
                    )
                    for partner in partners
                }
                # one statement and one batch of notes, whatever the number of customers
                # (field tracking would post a message per customer)
                self.env.cr.execute(
                    SQL(
                        "UPDATE res_partner SET value_level = 'medium', customer_grade = 'b', "
                        "write_uid = %s, write_date = %s WHERE id IN %s",
                        self.env.uid,
                        now,
                        tuple(partners.ids),
                    )
                )
                partners.invalidate_recordset(["value_level", "customer_grade", "write_uid", "write_date"])
                partners._message_log_batch(bodies)
                demoted += len(partners)
                self.env["ir.cron"]._batch_done(demoted, total - demoted)
        _logger.info("Customer grades: %s stale A customer(s) demoted to B", demoted)
        return demoted

    def _contract_signing_refusal(self, customer, amount, currency, day, company):
        """Why this contact may not sign a contract of ``amount`` ``currency`` for ``customer``
        on ``day`` (a sentence in the reader's language), or "" when he may."""
        self.ensure_one()
        if self.is_company or self.commercial_partner_id != customer.commercial_partner_id:
            return self.env._(
                "%(signer)s is not a contact of %(customer)s.",
                signer=self.display_name,
                customer=customer.commercial_partner_id.display_name,
            )
        if self.is_legal_representative:
            return ""
        powers = (
            self.sudo()
            .with_context(active_test=False)
            .power_attorney_ids.filtered(lambda power: power.company_id == company)
        )
        if any(power._covers(amount, currency, day, company) for power in powers):
            return ""
        if not powers.filtered("active"):
            return self.env._(
                "%(signer)s is neither the legal representative of %(customer)s nor holds a power of attorney: "
                "record the power of attorney on the contact, or choose an authorised signer.",
                signer=self.name,
                customer=customer.commercial_partner_id.name,
            )
        return self.env._(
            "The power of attorney of %(signer)s does not cover %(amount)s on %(day)s (%(powers)s).",
            signer=self.name,
            amount=format_amount(self.env, amount, currency),
            day=format_date(self.env, day),
            powers="; ".join(power._describe() for power in powers.filtered("active")),
        )
