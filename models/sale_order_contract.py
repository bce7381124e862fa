"""sale.order as the contract (合同): its approval route and what waits for the last approval.

The chain is base_tier_validation's, with the addon's definitions (data/tier_definition_data.xml):
the sales manager (commercial terms), then legal, then the general manager when the amount in
company currency reaches the company's threshold. Until the chain has approved what the order
says now, nothing reaches the customer: no sending, no customer PDF, no portal page or
signature, no confirmation (``_contract_check_approved``, called by each of these paths).
"""

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import format_amount

# the clause of the contract each kind of agreed term of the negotiation minutes goes to
TERM_TOPIC_CLAUSES = {
    "price": "price_payment",
    "payment": "price_payment",
    "delivery": "delivery",
    "scope": "description",
    "liability": "liability",
    "other": "obligations",
}


class SaleOrder(models.Model):
    _inherit = "sale.order"

    # what the approvers saw of the differences with the signed minutes (recorded at the request)
    _process_fields = ("minutes_difference_data",)

    clause_ids = fields.One2many("sale.order.clause", "order_id", string="Contract clauses", copy=True)
    signed_minutes_id = fields.Many2one(
        "crm.negotiation.minutes",
        string="Signed minutes",
        compute="_compute_signed_minutes_id",
        help="The latest negotiation minutes of this opportunity signed by the customer (of this quotation, or of "
        "no quotation): the contract must say what they agreed.",
    )
    minutes_difference_data = fields.Json(
        string="Differences from the minutes (data)",
        readonly=True,
        copy=False,
        help="What the contract said differently from the signed minutes when its approval was requested.",
    )
    minutes_differences = fields.Text(
        string="Differences from the minutes",
        compute="_compute_minutes_differences",
        help="What the contract says differently from the signed minutes, recorded when its approval was requested.",
    )
    minutes_difference_reason = fields.Text(
        string="Reason for the differences",
        copy=False,
        tracking=True,
        help="Why the contract differs from the signed minutes (or have the customer sign new minutes).",
    )

    requires_gm_approval = fields.Boolean(
        string="Needs GM approval",
        compute="_compute_requires_gm_approval",
        store=True,
        help="The total in company currency reaches the company's threshold: the general manager approves "
        "after the sales manager and legal.",
    )
    amount_total_company = fields.Monetary(
        string="Total in company currency",
        compute="_compute_requires_gm_approval",
        store=True,
        currency_field="company_currency_id",
    )
    company_currency_id = fields.Many2one(related="company_id.currency_id", string="Company currency")
    contract_approved = fields.Boolean(
        compute="_compute_contract_approved",
        help="The whole approval chain approved the contract as it is now: it may be sent, printed for the "
        "customer, signed and confirmed.",
    )
    approval_route = fields.Char(
        compute="_compute_approval_route",
        help="Who approves this contract and why (the general manager's threshold applied).",
    )

    @api.depends("amount_total", "currency_rate", "company_id.gm_approval_amount", "company_id.currency_id")
    def _compute_requires_gm_approval(self):
        for order in self:
            company = order.company_id or self.env.company
            amount = order.amount_total / (order.currency_rate or 1.0)
            order.amount_total_company = company.currency_id.round(amount)
            order.requires_gm_approval = (
                company.currency_id.compare_amounts(order.amount_total_company, company.gm_approval_amount) >= 0
            )

    @api.depends("validation_status", "review_ids", "approval_fingerprint", "state")
    def _compute_contract_approved(self):
        unapproved = self._origin._contract_unapproved()
        for order in self:
            order.contract_approved = bool(order._origin) and order._origin not in unapproved

    @api.depends("requires_gm_approval", "amount_total_company", "amount_total", "currency_id")
    @api.depends_context("lang")
    def _compute_approval_route(self):
        for order in self:
            company = order.company_id or self.env.company
            amount = format_amount(self.env, order.amount_total_company, company.currency_id)
            if order.currency_id and order.currency_id != company.currency_id:
                amount = self.env._(
                    "%(amount)s (%(company_amount)s)",
                    amount=format_amount(self.env, order.amount_total, order.currency_id),
                    company_amount=amount,
                )
            threshold = format_amount(self.env, company.gm_approval_amount, company.currency_id)
            if order.requires_gm_approval:
                order.approval_route = self.env._(
                    "GM approval needed: %(amount)s ≥ %(threshold)s. Route: sales manager → legal → general manager.",
                    amount=amount,
                    threshold=threshold,
                )
            else:
                order.approval_route = self.env._(
                    "No GM approval: %(amount)s < %(threshold)s. Route: sales manager → legal.",
                    amount=amount,
                    threshold=threshold,
                )

    @api.depends("opportunity_id.negotiation_minutes_ids.state", "opportunity_id.negotiation_minutes_ids.order_id")
    def _compute_signed_minutes_id(self):
        """The latest signed minutes of each order's opportunity, of the order or of no quotation (one query)."""
        signed = self.env["crm.negotiation.minutes"].search(
            [("lead_id", "in", self.opportunity_id.ids), ("state", "=", "signed")], order="signed_on desc, id desc"
        )
        for order in self:
            order.signed_minutes_id = signed.filtered(
                lambda minutes, order=order: (
                    minutes.lead_id == order.opportunity_id and minutes.order_id.id in (order._origin.id, False)
                )
            )[:1]

    # ------------------------------------------------------------------
    # Clauses
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        orders = super().create(vals_list)
        orders.filtered(lambda order: not order.clause_ids)._contract_add_standard_clauses()
        return orders

    def _contract_clause_types(self):
        """The standard clauses of the orders' companies (one query for the batch)."""
        return self.env["sale.contract.clause.type"].search(
            [("company_id", "in", [False, *self.company_id.ids])], order="sequence, id"
        )

    def _contract_add_standard_clauses(self):
        """Give the orders the clauses of their company's standard contract, with the default texts."""
        all_types = self._contract_clause_types()
        values = []
        for order in self:
            present = order.clause_ids.type_id
            types = all_types.filtered(
                lambda clause_type, order=order: (
                    not clause_type.company_id or clause_type.company_id == order.company_id
                )
            )
            values += [
                {
                    "order_id": order.id,
                    "type_id": clause_type.id,
                    "sequence": clause_type.sequence,
                    "name": clause_type.name,
                    "content": order._contract_clause_text(clause_type),
                }
                for clause_type in types
                if clause_type not in present
            ]
        if values:
            self.env["sale.order.clause"].create(values)

    def _contract_clause_text(self, clause_type):
        """The clause's default text, completed with what the order and its signed minutes say."""
        # in the customer's language, like the contract it is part of
        order = self.with_context(lang=self.partner_id.lang or self.env.lang)
        clause_type = clause_type.with_context(lang=order.env.lang)
        parts = [clause_type.default_text or clause_type.name]
        minutes = order.signed_minutes_id
        if clause_type.kind == "price_payment" and order.payment_term_id:
            parts.append(order.env._("Payment terms: %(terms)s.", terms=order.payment_term_id.name))
        if clause_type.kind == "delivery" and order.commitment_date:
            parts.append(
                order.env._(
                    "Delivery date: %(date)s.",
                    date=order.company_id._local_datetime_str(order.commitment_date, date_only=True),
                )
            )
        topics = [topic for topic, kind in TERM_TOPIC_CLAUSES.items() if kind == clause_type.kind]
        agreed = minutes.term_ids.filtered(lambda term: term.status == "agreed" and term.topic in topics)
        if agreed:
            parts.append(order.env._("Agreed in the negotiation minutes %(minutes)s:", minutes=minutes.display_name))
            parts += [f"- {term.description}" for term in agreed]
        return "\n".join(part for part in parts if part)

    def action_contract_prepare(self):
        """Turn the quotation into the contract: the agreed values of the signed minutes where the
        order has none, and its clauses rebuilt from the standard contract and the minutes."""
        self.ensure_one()
        self._contract_check_clauses_editable()
        minutes = self.signed_minutes_id
        values = {}
        if minutes.agreed_payment_term_id and not self.payment_term_id:
            values["payment_term_id"] = minutes.agreed_payment_term_id.id
        if minutes.agreed_delivery_date and not self.commitment_date:
            values["commitment_date"] = fields.Datetime.to_datetime(minutes.agreed_delivery_date)
        if values:
            self.write(values)
        self.clause_ids.unlink()
        self._contract_add_standard_clauses()
        return True

    def _contract_check_clauses_editable(self):
        for order in self:
            if order.state not in ("draft", "sent") or order.validation_status in ("waiting", "pending"):
                raise UserError(
                    self.env._(
                        "The clauses of %(order)s can no longer change: they are under approval or the contract is "
                        "signed.",
                        order=order.name,
                    )
                )

    # ------------------------------------------------------------------
    # Requesting the approval
    # ------------------------------------------------------------------

    def _contract_minutes_differences(self):
        """Where the contract differs from its signed minutes, language-neutral (kept as what the
        approvers saw): [{"what": "amount"|"payment_term"|"delivery_date", "minutes": …, "order": …,
        "minutes_name": …}], amounts as [amount, currency id], payment terms as ids, dates as ISO."""
        self.ensure_one()
        minutes = self.signed_minutes_id
        if not minutes:
            return []
        differences = []
        if minutes.agreed_amount:
            agreed = minutes.agreed_currency_id._convert(
                minutes.agreed_amount, self.currency_id, self.company_id, fields.Date.context_today(self)
            )
            if self.currency_id.compare_amounts(agreed, self.amount_total):
                differences.append(
                    {
                        "what": "amount",
                        "minutes": [minutes.agreed_amount, minutes.agreed_currency_id.id],
                        "order": [self.amount_total, self.currency_id.id],
                    }
                )
        if minutes.agreed_payment_term_id and minutes.agreed_payment_term_id != self.payment_term_id:
            differences.append(
                {
                    "what": "payment_term",
                    "minutes": minutes.agreed_payment_term_id.id,
                    "order": self.payment_term_id.id or None,
                }
            )
        if minutes.agreed_delivery_date:
            delivery = self.commitment_date and self.company_id._local_datetime_str(
                self.commitment_date, date_only=True
            )
            agreed = fields.Date.to_string(minutes.agreed_delivery_date)
            if delivery != agreed:
                differences.append({"what": "delivery_date", "minutes": agreed, "order": delivery or None})
        for difference in differences:
            difference["minutes_name"] = minutes.display_name
        return differences

    @api.depends("minutes_difference_data")
    @api.depends_context("lang")
    def _compute_minutes_differences(self):
        for order in self:
            order.minutes_differences = order._contract_differences_text(order.minutes_difference_data or [])

    def _contract_differences_text(self, differences):
        """The differences as the reader reads them: one line each, in his language."""
        labels = {
            "amount": self.env._("Total"),
            "payment_term": self.env._("Payment terms"),
            "delivery_date": self.env._("Delivery date"),
        }

        def shown(what, value):
            if not value:
                return self.env._("none")
            if what == "amount":
                return format_amount(self.env, value[0], self.env["res.currency"].browse(value[1]))
            if what == "payment_term":
                return self.env["account.payment.term"].browse(value).exists().name or ""
            return value

        return "\n".join(
            self.env._(
                "%(what)s: %(minutes_value)s in %(minutes)s, %(order_value)s in the contract",
                what=labels[difference["what"]],
                minutes_value=shown(difference["what"], difference["minutes"]),
                minutes=difference["minutes_name"],
                order_value=shown(difference["what"], difference["order"]),
            )
            for difference in differences
        )

    def _contract_check_request(self):
        """What a contract needs before its approval is requested: the required clauses, and a reason
        for each difference from the signed minutes."""
        for order in self.filtered(lambda order: order.state in ("draft", "sent")):
            present = order.clause_ids.filtered(lambda clause: (clause.content or "").strip()).type_id
            missing = order._contract_clause_types().filtered("required") - present
            if missing:
                raise UserError(
                    self.env._(
                        "%(order)s misses required clauses: %(clauses)s. Add them (Contract Details tab, Prepare "
                        "Contract) before requesting the approval.",
                        order=order.name,
                        clauses=", ".join(missing.mapped("name")),
                    )
                )
            differences = order._contract_minutes_differences()
            if differences and not (order.minutes_difference_reason or "").strip():
                raise UserError(
                    self.env._(
                        "%(order)s differs from the signed negotiation minutes:\n%(differences)s\n\nWrite the reason "
                        "for the differences (Contract Details tab), or have the customer sign new minutes.",
                        order=order.name,
                        differences=order._contract_differences_text(differences),
                    )
                )
            if (order.minutes_difference_data or []) != differences:
                order._process().write({"minutes_difference_data": differences or False})

    def action_print_contract_approval_sheet(self):
        return self.env.ref("crm_sales_process.sale_order_contract_approval_report").report_action(self)

    def request_validation(self):
        self._contract_check_request()
        return super().request_validation()

    # ------------------------------------------------------------------
    # What waits for the last approval
    # ------------------------------------------------------------------

    def _contract_unapproved(self):
        """The quotations whose current content is not approved by their whole chain (a confirmed or
        cancelled order is past its approval)."""
        quotations = self.filtered(lambda order: order.state in ("draft", "sent"))
        changed = quotations._approval_changed()
        return quotations.filtered(
            lambda order: (
                order in changed
                or order.need_validation
                or (order.review_ids and order.validation_status != "validated")
            )
        )

    def _contract_check_approved(self, action):
        """Refuse ``action`` (what the user tried, in his words) on orders not approved yet."""
        unapproved = self._contract_unapproved()
        if unapproved:
            order = unapproved[0]
            raise ValidationError(
                self.env._(
                    "%(order)s is not approved yet: %(action)s waits for the last approval. %(next)s",
                    order=order.name,
                    action=action,
                    next=order.next_review
                    or self.env._(
                        "Click Request Validation to ask the sales manager, legal and (above the "
                        "threshold) the general manager."
                    ),
                )
            )

    def action_quotation_send(self):
        self._contract_check_approved(self.env._("sending it to the customer"))
        return super().action_quotation_send()

    def message_post(self, **kwargs):
        if self.env.context.get("mark_so_as_sent"):
            self._contract_check_approved(self.env._("sending it to the customer"))
        return super().message_post(**kwargs)

    def _check_state_sent(self, vals):
        """A quotation becomes "sent" only once approved, whoever writes the state."""
        if vals.get("state") == "sent":
            self.filtered(lambda order: order.state == "draft")._contract_check_approved(self.env._("marking it sent"))

    def write(self, vals):
        self._check_state_sent(vals)
        return super().write(vals)

    def _has_to_be_signed(self):
        """The customer signs only what the whole chain approved."""
        return super()._has_to_be_signed() and not self._contract_unapproved()

    def _contract_check_printable(self):
        """A customer (portal user, public link) gets the PDF of approved contracts only; inside, a
        draft prints marked "not approved", unless the company blocks that too (sale_tier_validation's
        setting, its error translated)."""
        if self.env.user.share:
            self._contract_check_approved(self.env._("printing it for the customer"))
        elif any(self._contract_unapproved().company_id.mapped("sale_report_print_block")):
            raise UserError(self.env._("Quotation printing is blocked until the order is approved."))
