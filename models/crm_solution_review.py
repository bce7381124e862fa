from collections import defaultdict
from datetime import timedelta

from lxml import etree

from odoo import api, fields, models
from odoo.exceptions import UserError

# What the reviewers approve: it cannot change once submitted.
CONTENT_FIELDS = {"lead_id", "order_id", "summary", "risks"}
REVIEW_ACTIVITY_DAYS = 2


class CrmSolutionReview(models.Model):
    """方案审核表: the solution and quotation of an opportunity, approved in parallel by
    the legal, commercial and technical reviewers (tier validation) before negotiation.

    Submitting asks the reviewers (one to-do each); the sheet becomes approved when every
    tier approved it, rejected at the first rejection.
    """

    _name = "crm.solution.review"
    _description = "Solution Review"
    _inherit = ["mail.thread", "mail.activity.mixin", "tier.validation"]
    _order = "id desc"
    _check_company_auto = True
    # numbered at creation; submitted, decided and cancelled through the sheet's buttons only
    _process_fields = ("name", "state", "user_id", "submitted_on", "decided_on")
    # the reviewers approve the solution and the quotation as it is: a later change of either
    # asks them again (the quotation's own content is part of the sheet's fingerprint)
    _approval_fields = ("lead_id", "order_id", "summary", "risks")

    _state_from = ["draft", "to_review"]
    _state_to = ["approved"]
    _cancel_state = "cancelled"
    _tier_validation_manual_config = False

    name = fields.Char(
        string="Number", required=True, readonly=True, copy=False, default=lambda self: self.env._("New")
    )
    lead_id = fields.Many2one(
        "crm.lead",
        string="Opportunity",
        required=True,
        index=True,
        ondelete="cascade",
        check_company=True,
        tracking=True,
    )
    order_id = fields.Many2one(
        "sale.order",
        string="Quotation",
        check_company=True,
        tracking=True,
        domain="[('opportunity_id', '=', lead_id), ('state', '!=', 'cancel')]",
    )
    partner_id = fields.Many2one(related="lead_id.partner_id", string="Customer", store=True)
    lead_user_id = fields.Many2one(related="lead_id.user_id", string="Salesperson", store=True)
    user_id = fields.Many2one(
        "res.users", string="Requested by", default=lambda self: self.env.user, tracking=True, readonly=True
    )
    company_id = fields.Many2one(
        "res.company", compute="_compute_company_id", store=True, readonly=False, precompute=True, required=True
    )
    amount_total = fields.Monetary(related="order_id.amount_total", string="Amount")
    currency_id = fields.Many2one(related="order_id.currency_id")
    summary = fields.Html(string="Solution", help="The proposed solution: scope, configuration, delivery, price logic.")
    risks = fields.Html(help="Legal, commercial and technical risks, and how they are handled.")
    submitted_on = fields.Datetime(readonly=True, copy=False)
    decided_on = fields.Datetime(readonly=True, copy=False)
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("to_review", "Under review"),
            ("approved", "Approved"),
            ("rejected", "Rejected"),
            ("cancelled", "Cancelled"),
        ],
        default="draft",
        required=True,
        readonly=True,
        copy=False,
        tracking=True,
        index=True,
    )

    @api.depends("lead_id")
    def _compute_company_id(self):
        for review in self:
            review.company_id = review.lead_id.company_id or review.company_id or self.env.company

    @api.constrains("order_id", "lead_id")
    def _check_order_of_lead(self):
        self.order_id._check_quotation_of(self)

    # ------------------------------------------------------------------
    # Tier validation configuration
    # ------------------------------------------------------------------

    @api.depends("state")
    def _compute_hide_reviews(self):
        # the decisions stay on the sheet once it is approved or rejected
        for review in self:
            review.hide_reviews = review.state not in ("to_review", "approved", "rejected")

    @api.depends("state")
    def _compute_can_review(self):
        res = super()._compute_can_review()
        for review in self.filtered(lambda review: review.state != "to_review"):
            review.can_review = False
        return res

    def _check_tier_state_transition(self, vals):
        # leaving review for "rejected" is a decision, not an edit under validation (write()
        # lets it through only when a tier was rejected)
        if vals.get(self._state_field) == "rejected":
            return False
        return super()._check_tier_state_transition(vals)

    def _add_tier_validation_buttons(self, node, params):
        """The header's own buttons (Submit, Withdraw, Reset) request and restart the validation."""
        return etree.fromstring('<div><field name="validation_status" invisible="1"/></div>')

    def _get_to_validate_message_name(self):
        return self.env._("Solution review")

    def _approval_content(self):
        content = super()._approval_content()
        order = self.order_id
        content["quotation"] = order._approval_content() if order else None
        return content

    def _approval_restart(self):
        """Back under review from wherever the sheet is (approved included), with new reviews and to-dos."""
        self._process().sudo().write({"state": "draft", "submitted_on": False, "decided_on": False})
        self.restart_validation()
        self.request_validation()

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------

    def _process_prepare_vals(self, vals_list, creating):
        vals_list = super()._process_prepare_vals(vals_list, creating)
        if creating:
            self.env["ir.sequence"]._name_new_documents(vals_list, "crm.solution.review")
        return vals_list

    def _process_fields_hint(self, field_names):
        return self.env._(
            "A solution review is submitted with Submit and approved or rejected by its reviewers with Validate "
            "and Reject."
        )

    def write(self, vals):
        if CONTENT_FIELDS.intersection(vals):
            locked = self.filtered(lambda review: review.state != "draft")
            if locked:
                raise UserError(
                    self.env._(
                        "Solution review %(name)s was submitted: its solution, risks and quotation can no longer "
                        "change. Withdraw it (under review) or reset it to draft (rejected or cancelled) to revise it.",
                        name=locked[0].name,
                    )
                )
        return super().write(vals)

    def _review_statuses(self):
        """{review sheet id: set of its tier review statuses}, read from the database.

        Fresh after a decision: the cache of the deciding transaction may still hold
        the computed validation status of before.
        """
        rows = (
            self.env["tier.review"]
            .sudo()
            ._read_group([("model", "=", self._name), ("res_id", "in", self.ids)], ["res_id", "status"])
        )
        statuses = defaultdict(set)
        for res_id, status in rows:
            statuses[res_id].add(status)
        return statuses

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_submit(self):
        """Submit the draft sheet to its legal, commercial and technical reviewers."""
        if any(review.state != "draft" for review in self):
            raise UserError(self.env._("Only a draft solution review can be submitted."))
        for review in self:
            if not review.order_id or not review.summary:
                raise UserError(
                    self.env._(
                        "Describe the solution and choose the quotation of %(name)s before submitting it.",
                        name=review.name,
                    )
                )
        self.request_validation()
        return True

    def action_cancel(self):
        self.check_access("write")
        if any(review.state == "cancelled" for review in self):
            raise UserError(self.env._("This solution review is already cancelled."))
        self._process().write({"state": "cancelled"})
        self._sync_review_activities()
        return True

    def action_draft(self):
        """Reset a rejected or cancelled sheet to draft, to revise it and submit it again."""
        if any(review.state not in ("rejected", "cancelled") for review in self):
            raise UserError(self.env._("Only a rejected or cancelled solution review can be reset to draft."))
        return self.restart_validation()

    def action_view_lead(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "crm.lead",
            "res_id": self.lead_id.id,
            "view_mode": "form",
        }

    # ------------------------------------------------------------------
    # Validation: the sheet follows its tier reviews
    # ------------------------------------------------------------------

    def request_validation(self):
        """Put draft sheets under review, create their tier reviews and give each reviewer a to-do."""
        drafts = self.filtered(lambda review: review.state == "draft")
        missing = drafts.filtered(lambda review: not review.need_validation)
        if missing:
            raise UserError(
                self.env._(
                    "No reviewers are configured for solution review %(name)s. Ask an administrator to set up "
                    "the tier definitions of solution reviews (Settings › Technical › Tier Definition).",
                    name=missing[0].name,
                )
            )
        drafts.check_access("write")
        drafts._process().write({"state": "to_review", "submitted_on": fields.Datetime.now(), "decided_on": False})
        tier_reviews = super().request_validation()
        self._sync_review_activities()
        return tier_reviews

    def restart_validation(self):
        """Back to draft: the tier reviews are removed, the reviewers' to-dos too."""
        for review in self:
            if review.state == "approved":
                raise UserError(
                    self.env._(
                        "Solution review %(name)s is approved: cancel it and request a new review to change it.",
                        name=review.name,
                    )
                )
        # leaving rejected/cancelled for draft removes the reviews (base_tier_validation)
        self.check_access("write")
        self.filtered(lambda review: review.state in ("rejected", "cancelled"))._process().write({"state": "draft"})
        res = super().restart_validation()
        self.filtered(lambda review: review.state == "to_review")._process().write(
            {"state": "draft", "submitted_on": False}
        )
        self._sync_review_activities()
        return res

    def validate_tier(self):
        self._check_under_review()
        return super().validate_tier()

    def reject_tier(self):
        self._check_under_review()
        return super().reject_tier()

    def _validate_tier(self, tiers=False):
        self._check_under_review()
        res = super()._validate_tier(tiers=tiers)
        self._apply_review_decisions()
        return res

    def _rejected_tier(self, tiers=False):
        self._check_under_review()
        res = super()._rejected_tier(tiers=tiers)
        self._apply_review_decisions()
        return res

    def _check_under_review(self):
        for review in self:
            if review.state != "to_review":
                raise UserError(
                    self.env._(
                        "Solution review %(name)s is not waiting for reviews: there is nothing to approve or reject.",
                        name=review.name,
                    )
                )
            if not review.can_review:
                raise UserError(
                    self.env._(
                        "You are not one of the reviewers still expected on solution review %(name)s.",
                        name=review.name,
                    )
                )

    def _apply_review_decisions(self):
        """Approved when every tier approved, rejected at the first rejection."""
        statuses = self._review_statuses()
        now = fields.Datetime.now()
        under_review = self.filtered(lambda review: review.state == "to_review")
        rejected = under_review.filtered(lambda review: "rejected" in statuses.get(review.id, ()))
        approved = under_review.filtered(lambda review: statuses.get(review.id) == {"approved"})
        # the reviewer decides for the sheet, whether or not he may edit it
        rejected._process().sudo().write({"state": "rejected", "decided_on": now})
        approved._process().sudo().write({"state": "approved", "decided_on": now})
        self._sync_review_activities()

    def _sync_review_activities(self):
        """One to-do per reviewer still expected, naming the reviews still asked of him (a user in
        several reviewer groups keeps his to-do until his last review is given); done for who
        decided, removed for the others."""
        activity_type = self.env.ref("crm_sales_process.mail_activity_type_solution_review")
        activities = (
            self.env["mail.activity"]
            .sudo()
            .search(
                [
                    ("res_model", "=", self._name),
                    ("res_id", "in", self.ids),
                    ("activity_type_id", "=", activity_type.id),
                ]
            )
        )
        existing = {(activity.res_id, activity.user_id.id): activity for activity in activities}
        expected = set()
        deadline = self._review_deadline()
        for review in self.filtered(lambda review: review.state == "to_review"):
            pending = review.review_ids.filtered(lambda tier: tier.status in ("waiting", "pending"))
            for user in pending.reviewer_ids:
                expected.add((review.id, user.id))
                env = self.with_context(lang=user.lang).env
                summary = env._(
                    "Review solution %(name)s: %(reviews)s",
                    name=review.name,
                    reviews=", ".join(
                        pending.filtered(lambda tier, u=user: u in tier.reviewer_ids)
                        .definition_id.with_env(env)
                        .mapped("name")
                    ),
                )
                activity = existing.get((review.id, user.id))
                if activity:
                    if activity.summary != summary:
                        activity.summary = summary
                    continue
                review.sudo().activity_schedule(
                    activity_type_id=activity_type.id,
                    date_deadline=deadline,
                    summary=summary,
                    note=env._(
                        "%(requester)s asks for your review of the solution for %(lead)s.",
                        requester=review.user_id.name or self.env.user.name,
                        lead=review.lead_id.name,
                    ),
                    user_id=user.id,
                )
        obsolete = activities.filtered(lambda activity: (activity.res_id, activity.user_id.id) not in expected)
        decided = obsolete.filtered(
            lambda activity: (
                activity.user_id == self.env.user
                and self.browse(activity.res_id).review_ids.filtered(lambda tier: tier.done_by == self.env.user)
            )
        )
        if decided:
            decided.with_user(self.env.user).action_feedback(feedback=self.env._("Decision given."))
        (obsolete - decided).unlink()

    def _review_deadline(self):
        """Reviewers answer within two working days of the company calendar."""
        now = fields.Datetime.now()
        calendar = self.env.company.resource_calendar_id
        planned = calendar and calendar.plan_days(REVIEW_ACTIVITY_DAYS, now, compute_leaves=True)
        return (planned or now + timedelta(days=REVIEW_ACTIVITY_DAYS)).date()
