import logging
from contextlib import nullcontext
from datetime import timedelta

from markupsafe import escape

from odoo import api, fields, models
from odoo.exceptions import RedirectWarning, UserError, ValidationError
from odoo.osv import expression
from odoo.tools import SQL, float_round, format_amount


_logger = logging.getLogger(__name__)

GRADES = [("a", "A"), ("b", "B"), ("c", "C")]
GRADE_RANK = {"c": 1, "b": 2, "a": 3}
# Lead fields the evidence-backed checklist outputs look at.
CHECKLIST_EVIDENCE_DEPENDS = (
    "source_id",
    "user_id",
    "grading_complete",
    "first_contact_date",
    "order_ids.state",
    "negotiation_minutes_ids.state",
    "solution_review_ids.state",
    "stakeholder_ids.role",
    "need_ids.state",
    "spin_situation",
    "spin_problem",
    "spin_implication",
    "spin_need_payoff",
    "pain_points",
    "budget_max",
    "decision_timeline",
)
SPIN_FIELDS = ("spin_situation", "spin_problem", "spin_implication", "spin_need_payoff")
FIRST_CONTACT_STATES = {"pending": "Pending", "on_time": "On time", "late": "Late", "overdue": "Overdue"}
# Fields the grading computes; nobody writes them by hand, import or RPC.
GRADING_COMPUTED_FIELDS = {"grading_score", "grading_complete", "grade"}


class StageGateBypass:
    """Lets trusted server code move leads past the gate (manager override, stage
    migration). A context value of this class cannot come from RPC, which only
    carries JSON: that is what makes overrides unforgeable."""

    __slots__ = ("kind", "reason")

    def __init__(self, kind, reason):
        self.kind = kind
        self.reason = reason


class CrmLead(models.Model):
    """Leads graded A/B/C from the rep's answers, with a first-contact SLA
    and a follow-up cadence that depends on the grade."""

    _inherit = "crm.lead"

    # Grading
    grading_line_ids = fields.One2many("crm.lead.grading.line", "lead_id", string="Grading", copy=True)
    grading_score = fields.Integer(
        string="Score",
        compute="_compute_grading_score",
        store=True,
        copy=False,
        aggregator="avg",
        help="0-100: points earned by the answers over the points the active criteria can give.",
    )
    grading_complete = fields.Boolean(compute="_compute_grading_score", store=True, copy=False)
    grade = fields.Selection(
        GRADES,
        compute="_compute_grade",
        store=True,
        index=True,
        tracking=True,
        copy=False,
        help="A, B or C from the score and the company thresholds; empty until every criterion is answered.",
    )
    grade_cadence_launched = fields.Char(
        copy=False,
        readonly=True,
        help="Grades whose follow-up cadence was already scheduled on this lead.",
    )
    # First-contact SLA
    first_contact_deadline = fields.Datetime(
        compute="_compute_first_contact_deadline",
        store=True,
        copy=False,
        help="Assignment (or creation) plus the hours the company allows for the lead's grade.",
    )
    first_contact_date = fields.Datetime(copy=False, tracking=True, readonly=True)
    first_contact_late = fields.Boolean(compute="_compute_first_contact_late", store=True, copy=False)
    first_contact_state = fields.Selection(
        list(FIRST_CONTACT_STATES.items()),
        compute="_compute_first_contact_state",
        search="_search_first_contact_state",
    )
    first_contact_escalated = fields.Boolean(copy=False, readonly=True)
    # Stage checklists, history, stagnation
    checklist_line_ids = fields.One2many(
        "crm.lead.checklist.line", "lead_id", string="Checklist", domain=[("item_id.active", "=", True)]
    )
    checklist_progress = fields.Integer(
        compute="_compute_checklist_progress", help="Share of the current stage's required outputs that are done."
    )
    stage_history_ids = fields.One2many("crm.lead.stage.history", "lead_id", string="Stage history")
    is_stalled = fields.Boolean(
        string="Stalled",
        compute="_compute_is_stalled",
        search="_search_is_stalled",
        help="The lead stayed longer in its stage than the stage allows.",
    )
    stalled_reminded_stage_id = fields.Many2one("crm.stage", copy=False, readonly=True)
    # Negotiation
    negotiation_minutes_ids = fields.One2many("crm.negotiation.minutes", "lead_id", string="Negotiation minutes")
    negotiation_minutes_count = fields.Integer(compute="_compute_document_counts")
    need_confirmation_ids = fields.One2many("crm.need.confirmation", "lead_id", string="Needs confirmation lists")
    need_confirmation_count = fields.Integer(compute="_compute_document_counts")
    # Solution reviews (方案审核表)
    solution_review_ids = fields.One2many("crm.solution.review", "lead_id", string="Solution reviews")
    solution_review_count = fields.Integer(compute="_compute_document_counts")
    # Needs discovery: SPIN notes, budget, timeline, decision chain, needs
    spin_situation = fields.Text(string="Situation", help="The customer's current set-up, in his words.")
    spin_problem = fields.Text(string="Problem", help="The difficulties and dissatisfactions he mentions.")
    spin_implication = fields.Text(string="Implication", help="What these problems cost him (output, money, time).")
    spin_need_payoff = fields.Text(string="Need-payoff", help="What solving them would be worth to him.")
    pain_points = fields.Text(help="The problems the customer wants solved first.")
    budget_min = fields.Monetary(string="Budget from", currency_field="company_currency")
    budget_max = fields.Monetary(string="Budget up to", currency_field="company_currency")
    decision_timeline = fields.Char(
        string="Timeline", help="When the customer decides, buys and wants to go live (e.g. 6月底定标, 9月投产)."
    )
    stakeholder_ids = fields.One2many("crm.lead.stakeholder", "lead_id", string="Decision chain", copy=True)
    need_ids = fields.One2many("crm.lead.need", "lead_id", string="Needs")
    need_count = fields.Integer(compute="_compute_document_counts")

    @api.constrains("budget_min", "budget_max")
    def _check_budget_range(self):
        for lead in self:
            if lead.budget_min < 0 or lead.budget_max < 0:
                raise ValidationError(self.env._("A budget cannot be negative (lead %(lead)s).", lead=lead.name))
            if lead.budget_max and lead.budget_min > lead.budget_max:
                raise ValidationError(
                    self.env._(
                        "The budget of %(lead)s starts above its upper limit (%(min)s > %(max)s): "
                        "correct the budget range.",
                        lead=lead.name,
                        min=format_amount(self.env, lead.budget_min, lead.company_currency),
                        max=format_amount(self.env, lead.budget_max, lead.company_currency),
                    )
                )

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------

    @api.depends("need_ids", "need_confirmation_ids", "solution_review_ids", "negotiation_minutes_ids")
    def _compute_document_counts(self):
        """Smart-button counts of the lead's sales documents, one group-by per kind."""
        for field_name, model in (
            ("need_count", "crm.lead.need"),
            ("need_confirmation_count", "crm.need.confirmation"),
            ("solution_review_count", "crm.solution.review"),
            ("negotiation_minutes_count", "crm.negotiation.minutes"),
        ):
            counts = dict(self.env[model]._read_group([("lead_id", "in", self.ids)], ["lead_id"], ["__count"]))
            for lead in self:
                lead[field_name] = counts.get(lead._origin, 0)

    # Answers re-grade their lead through the ORM. Configuration changes (points,
    # archived criteria, thresholds, deadlines) re-grade in SQL: see _regrade().
    @api.depends("grading_line_ids.points", "grading_line_ids.option_id")
    def _compute_grading_score(self):
        for lead in self:
            lines = lead.grading_line_ids.filtered(lambda line: line.criterion_id.active)
            total = sum(lines.mapped("criterion_id.max_points"))
            earned = sum(lines.mapped("points"))
            lead.grading_score = int(float_round(100.0 * earned / total, precision_digits=0)) if total else 0
            lead.grading_complete = bool(lines) and all(line.option_id for line in lines)

    @api.depends("grading_score", "grading_complete")
    def _compute_grade(self):
        Company = self.env["res.company"]
        for lead in self:
            if not lead.grading_complete:
                lead.grade = False
                continue
            company = lead.company_id or self.env.company
            lead.grade = Company._grade_for_score(lead.grading_score, company.grade_a_min, company.grade_b_min)

    @api.depends("create_date", "date_open", "grade")
    def _compute_first_contact_deadline(self):
        for lead in self:
            if not lead.grade:
                lead.first_contact_deadline = False
                continue
            start = max(filter(None, [lead.create_date, lead.date_open]), default=fields.Datetime.now())
            company = lead.company_id or self.env.company
            hours = company[f"first_contact_hours_{lead.grade}"]
            lead.first_contact_deadline = start + timedelta(hours=hours)

    @api.depends("first_contact_date", "first_contact_deadline")
    def _compute_first_contact_late(self):
        for lead in self:
            lead.first_contact_late = bool(
                lead.first_contact_date
                and lead.first_contact_deadline
                and lead.first_contact_date > lead.first_contact_deadline
            )

    @api.depends("first_contact_date", "first_contact_late", "first_contact_deadline")
    def _compute_first_contact_state(self):
        now = fields.Datetime.now()
        for lead in self:
            if lead.first_contact_date:
                lead.first_contact_state = "late" if lead.first_contact_late else "on_time"
            elif lead.first_contact_deadline and lead.first_contact_deadline < now:
                lead.first_contact_state = "overdue"
            else:
                lead.first_contact_state = "pending"

    def _search_first_contact_state(self, operator, value):
        if operator not in ("=", "!=", "in", "not in"):
            raise UserError(self.env._("The first-contact state can only be searched for equality."))
        values = {value} if isinstance(value, str) else set(value or [])
        if operator in ("!=", "not in"):
            values = set(FIRST_CONTACT_STATES) - values
        now = fields.Datetime.now()
        state_domains = {
            "pending": [
                ("first_contact_date", "=", False),
                "|",
                ("first_contact_deadline", "=", False),
                ("first_contact_deadline", ">=", now),
            ],
            "overdue": [("first_contact_date", "=", False), ("first_contact_deadline", "<", now)],
            "on_time": [("first_contact_date", "!=", False), ("first_contact_late", "=", False)],
            "late": [("first_contact_date", "!=", False), ("first_contact_late", "=", True)],
        }
        return expression.OR([state_domains[state] for state in values if state in state_domains] or [[(0, "=", 1)]])

    @api.depends(
        "stage_id",
        "checklist_line_ids.manual_done",
        "checklist_line_ids.attachment_ids",
        *CHECKLIST_EVIDENCE_DEPENDS,
    )
    def _compute_checklist_progress(self):
        lines_by_lead, done = self._checklist_state()
        for lead in self:
            required = [
                line
                for line in lines_by_lead.get(lead._origin.id, [])
                if line.stage_id == lead.stage_id and line.item_id.required
            ]
            finished = sum(line.id in done for line in required)
            lead.checklist_progress = round(100 * finished / len(required)) if required else 100

    @api.depends("stage_id.max_days", "date_last_stage_update")
    def _compute_is_stalled(self):
        now = fields.Datetime.now()
        for lead in self:
            max_days = lead.stage_id.max_days
            lead.is_stalled = bool(
                max_days
                and lead.active
                and lead.date_last_stage_update
                and lead.date_last_stage_update < now - timedelta(days=max_days)
            )

    def _search_is_stalled(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Search stalled leads with “is set” or “is not set”."))
        self.env["crm.lead"].flush_model(["stage_id", "date_last_stage_update"])
        self.env["crm.stage"].flush_model(["max_days"])
        query = SQL(
            "SELECT lead.id FROM crm_lead lead JOIN crm_stage stage ON stage.id = lead.stage_id "
            "WHERE stage.max_days > 0 AND lead.date_last_stage_update < %s - make_interval(days => stage.max_days)",
            fields.Datetime.now(),
        )
        self.env.cr.execute(query)
        stalled_ids = [row[0] for row in self.env.cr.fetchall()]
        positive = (operator == "=") == value
        return [("id", "in" if positive else "not in", stalled_ids)]

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------

    @api.model
    def default_get(self, fields_list):
        defaults = super().default_get(fields_list)
        if "grading_line_ids" in fields_list and not defaults.get("grading_line_ids"):
            criteria = self.env["crm.grading.criterion"].search([("company_id", "in", [False, self.env.company.id])])
            defaults["grading_line_ids"] = [fields.Command.create({"criterion_id": c.id}) for c in criteria]
        return defaults

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._check_grading_not_written(vals)
        # a lead created directly in a later stage (in the values, or as a default of the
        # context: the kanban's quick create in a column) must have earned it; the savepoint
        # undoes the creation when it has not
        gated = (
            any(vals.get("stage_id") for vals in vals_list) or self.env.context.get("default_stage_id")
        ) and not isinstance(self.env.context.get("crm_stage_gate_bypass"), StageGateBypass)
        with self.env.cr.savepoint() if gated else nullcontext():
            leads = super(CrmLead, self.with_context(crm_grading_from_lead=True)).create(vals_list)
            leads = leads.with_env(self.env)
            leads._ensure_grading_lines()
            leads._ensure_checklist_lines()
            if gated:
                for stage in leads.stage_id:
                    leads.filtered(lambda lead, s=stage: lead.stage_id == s)._check_stage_gate(stage, from_start=True)
        leads._record_stage_moves({lead: (self.env["crm.stage"], False) for lead in leads if lead.stage_id})
        leads._start_grade_cadence({})
        leads.filtered(lambda lead: lead.partner_id and not lead.stakeholder_ids)._load_decision_chain()
        return leads

    def write(self, vals):
        self._check_grading_not_written(vals)
        moves = {}
        if vals.get("stage_id"):
            target = self.env["crm.stage"].browse(vals["stage_id"])
            bypass = self.env.context.get("crm_stage_gate_bypass")
            if not isinstance(bypass, StageGateBypass):
                bypass = None
                self._check_stage_gate(target)
            moves = {lead: (lead.stage_id, lead.date_last_stage_update) for lead in self if lead.stage_id != target}
        if "grading_line_ids" in vals:
            old_grades = self._grade_snapshot()
            res = super(CrmLead, self.with_context(crm_grading_from_lead=True)).write(vals)
            self._start_grade_cadence(old_grades)
        else:
            res = super().write(vals)
        if moves:
            self.browse([lead.id for lead in moves])._record_stage_moves(moves, bypass)
        if vals.get("partner_id"):
            self.filtered(lambda lead: not lead.stakeholder_ids)._load_decision_chain()
        return res

    def _check_grading_not_written(self, vals):
        forged = GRADING_COMPUTED_FIELDS.intersection(vals)
        if forged:
            raise UserError(
                self.env._(
                    "The grade and the score of a lead are computed from its grading answers and cannot be set "
                    "directly (%(fields)s). Answer the grading questions instead.",
                    fields=", ".join(sorted(self._fields[name].string for name in forged)),
                )
            )

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_log_first_contact(self):
        """Record that the rep reached the customer now (a visit, a call from a mobile…)."""
        self.check_access("write")
        leads = self.filtered(lambda lead: not lead.first_contact_date)
        if not leads:
            raise UserError(self.env._("The first contact of this lead is already recorded."))
        leads.sudo().write({"first_contact_date": fields.Datetime.now()})
        return True

    def action_open_checklist(self):
        """The lead's stage outputs, grouped by stage, to tick or document."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Checklist: %(lead)s", lead=self.name),
            "res_model": "crm.lead.checklist.line",
            "view_mode": "list",
            "domain": [("lead_id", "=", self.id), ("item_id.active", "=", True)],
            "context": {"default_lead_id": self.id, "search_default_groupby_stage": 1},
        }

    def _action_lead_documents(self, action_xmlid, **defaults):
        """The window action of ``action_xmlid`` limited to this lead's records."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(action_xmlid)
        action["domain"] = [("lead_id", "=", self.id)]
        action["context"] = {"default_lead_id": self.id, **defaults}
        return action

    def action_open_negotiation_minutes(self):
        """The lead's negotiation minutes; a new one starts with the lead's customer and quotation."""
        return self._action_lead_documents(
            "crm_sales_process.crm_negotiation_minutes_action",
            default_order_id=self.order_ids.filtered(lambda order: order.state != "cancel")[:1].id,
            default_customer_attendee_ids=self.partner_id.ids,
        )

    def action_request_need_confirmation(self):
        """A needs confirmation list of the lead's needs, for the customer to sign."""
        self.ensure_one()
        if not self.need_ids.filtered(lambda need: need.state != "cancelled"):
            raise UserError(
                self.env._("Record the customer's needs on %(lead)s before asking him to confirm them.", lead=self.name)
            )
        confirmation = self.env["crm.need.confirmation"].create({"lead_id": self.id})
        return {
            "type": "ir.actions.act_window",
            "res_model": "crm.need.confirmation",
            "res_id": confirmation.id,
            "view_mode": "form",
        }

    def action_open_need_confirmations(self):
        return self._action_lead_documents("crm_sales_process.crm_need_confirmation_action")

    def action_request_solution_review(self):
        """A draft solution review of the lead's latest quotation, to describe and submit."""
        self.ensure_one()
        orders = self.order_ids.filtered(lambda order: order.state != "cancel")
        quotation = (orders.filtered(lambda order: order.state in ("draft", "sent")) or orders).sorted("id")[-1:]
        review = self.env["crm.solution.review"].create({"lead_id": self.id, "order_id": quotation.id})
        return {
            "type": "ir.actions.act_window",
            "res_model": "crm.solution.review",
            "res_id": review.id,
            "view_mode": "form",
        }

    def action_view_solution_reviews(self):
        return self._action_lead_documents("crm_sales_process.crm_solution_review_action")

    def action_load_decision_chain(self):
        """Add the customer's contacts that have a decision role to the decision chain."""
        self.check_access("write")
        without_customer = self.filtered(lambda lead: not lead.partner_id)
        if without_customer:
            raise UserError(self.env._("Set the customer of %(lead)s first.", lead=without_customer[0].display_name))
        if not self._load_decision_chain():
            raise UserError(
                self.env._(
                    "No new contact of %(customer)s has a decision role. Give the customer's contacts their role "
                    "(decision maker, influencer…) or add the people here by hand.",
                    customer=", ".join(self.partner_id.commercial_partner_id.mapped("display_name")),
                )
            )
        return True

    def action_open_needs(self):
        """The lead's needs, to record, confirm and analyse."""
        return self._action_lead_documents("crm_sales_process.crm_lead_need_action")

    def action_mark_invalid(self):
        """Open the core lost wizard with the "Invalid lead" reason selected."""
        action = self.env["ir.actions.act_window"]._for_xml_id("crm.crm_lead_lost_action")
        action["context"] = {
            "dialog_size": "medium",
            "default_lead_ids": self.ids,
            "default_lost_reason_id": self.env.ref("crm_sales_process.crm_lost_reason_invalid_lead").id,
        }
        return action

    # ------------------------------------------------------------------
    # Decision chain
    # ------------------------------------------------------------------

    def _load_decision_chain(self):
        """Create a stakeholder line for each contact of the leads' customers that has a
        decision role and is not listed yet; returns the created lines."""
        leads = self.filtered("partner_id")
        if not leads:
            return self.env["crm.lead.stakeholder"]
        customers = leads.partner_id.commercial_partner_id
        contacts = self.env["res.partner"].search(
            [("commercial_partner_id", "in", customers.ids), ("decision_role", "!=", False)]
        )
        vals_list = []
        for lead in leads:
            listed = lead.stakeholder_ids.partner_id
            for contact in contacts:
                if contact.commercial_partner_id == lead.partner_id.commercial_partner_id and contact not in listed:
                    vals_list.append(
                        {
                            "lead_id": lead.id,
                            "partner_id": contact.id,
                            "role": contact.decision_role,
                            "department": contact.function,
                        }
                    )
        return self.env["crm.lead.stakeholder"].create(vals_list)

    def _merge_dependences(self, opportunities):
        """The merged lead keeps the needs and the decision chains of the others."""
        res = super()._merge_dependences(opportunities)
        opportunities.need_ids._process().sudo().write(
            {"lead_id": self.id}
        )
        listed = self.stakeholder_ids.partner_id
        moved = self.env["crm.lead.stakeholder"]
        for line in opportunities.stakeholder_ids:
            if line.partner_id not in listed:
                listed |= line.partner_id
                moved |= line
        moved.sudo().write({"lead_id": self.id})
        return res

    # ------------------------------------------------------------------
    # Grading helpers
    # ------------------------------------------------------------------

    def _ensure_grading_lines(self):
        """Create an empty answer line for every active criterion the lead lacks."""
        criteria = self.env["crm.grading.criterion"].sudo().search([])
        # empty answers change no grade: no cadence check for them
        self.with_context(crm_grading_from_lead=True)._ensure_lines(
            "crm.lead.grading.line",
            "criterion_id",
            criteria,
            lambda lead, criterion: not criterion.company_id or criterion.company_id == lead.company_id,
        )

    def _ensure_lines(self, line_model, item_field, items, applies):
        """Give each lead one line per item (criterion, checklist item…) it lacks, in one create."""
        if not self or not items:
            return
        Line = self.env[line_model].sudo()
        existing = set(Line._read_group([("lead_id", "in", self.ids)], ["lead_id", item_field]))
        vals_list = [
            {"lead_id": lead.id, item_field: item.id}
            for lead in self
            for item in items
            if (lead, item) not in existing and applies(lead, item)
        ]
        if vals_list:
            Line.create(vals_list)

    @api.model
    def _regrade(self, criteria=None, companies=None):
        """Re-grade, in two queries, the leads a configuration change affects.

        ``criteria``: leads answering these criteria (their points or weight changed);
        ``companies``: leads of these companies (their thresholds or deadlines changed).
        Scores, grades, first-contact deadlines and lateness are rewritten in SQL, so the
        number of queries does not grow with the number of leads; each lead whose grade
        changed gets a note saying so. Won and lost leads keep the grade they were closed
        with (the analytics compare grades at closing time). Cadences are not started.
        """
        self.env.flush_all()
        cr = self.env.cr
        conditions = []
        if criteria:
            criterion_ids = tuple(criteria.ids)
            cr.execute(
                SQL(
                    "UPDATE crm_lead_grading_line line SET points = opt.points "
                    "FROM crm_grading_criterion_option opt "
                    "WHERE opt.id = line.option_id AND line.criterion_id IN %s "
                    "AND line.points IS DISTINCT FROM opt.points",
                    criterion_ids,
                )
            )
            conditions.append(
                SQL(
                    "lead.id IN (SELECT lead_id FROM crm_lead_grading_line WHERE criterion_id IN %s)",
                    criterion_ids,
                )
            )
        if companies:
            conditions.append(SQL("lead.company_id IN %s", tuple(companies.ids)))
            if self.env.company in companies:
                conditions.append(SQL("lead.company_id IS NULL"))
        if not conditions:
            return self.browse()
        cr.execute(
            SQL(
                """
                WITH answers AS (
                    SELECT line.lead_id,
                           COALESCE(SUM(line.points) FILTER (WHERE crit.active), 0) AS earned,
                           COALESCE(SUM(crit.max_points) FILTER (WHERE crit.active), 0) AS total,
                           COALESCE(BOOL_AND(line.option_id IS NOT NULL) FILTER (WHERE crit.active), FALSE)
                               AS complete
                      FROM crm_lead_grading_line line
                      JOIN crm_grading_criterion crit ON crit.id = line.criterion_id
                      JOIN crm_lead lead ON lead.id = line.lead_id
                     WHERE (%(where)s) AND lead.active AND COALESCE(lead.probability, 0) < 100
                  GROUP BY line.lead_id
                ), scored AS (
                    SELECT answers.lead_id, answers.complete,
                           CASE WHEN answers.total > 0
                                THEN ROUND(100.0 * answers.earned / answers.total)::int ELSE 0 END AS score
                      FROM answers
                ), graded AS (
                    SELECT scored.*,
                           CASE WHEN NOT scored.complete THEN NULL
                                WHEN scored.score >= company.grade_a_min THEN 'a'
                                WHEN scored.score >= company.grade_b_min THEN 'b'
                                ELSE 'c' END AS grade,
                           company.first_contact_hours_a, company.first_contact_hours_b,
                           company.first_contact_hours_c
                      FROM scored
                      JOIN crm_lead lead ON lead.id = scored.lead_id
                      JOIN res_company company ON company.id = COALESCE(lead.company_id, %(company)s)
                ), planned AS (
                    SELECT graded.lead_id, graded.score, graded.complete, graded.grade,
                           GREATEST(lead.create_date, lead.date_open) + make_interval(hours =>
                               CASE graded.grade WHEN 'a' THEN graded.first_contact_hours_a
                                                 WHEN 'b' THEN graded.first_contact_hours_b
                                                 ELSE graded.first_contact_hours_c END) AS deadline
                      FROM graded
                      JOIN crm_lead lead ON lead.id = graded.lead_id
                )
                UPDATE crm_lead lead
                   SET grading_score = planned.score,
                       grading_complete = planned.complete,
                       grade = planned.grade,
                       first_contact_deadline = CASE WHEN planned.grade IS NULL THEN NULL ELSE planned.deadline END,
                       first_contact_late = COALESCE(lead.first_contact_date > planned.deadline
                                                     AND planned.grade IS NOT NULL, FALSE)
                  FROM planned, crm_lead old
                 WHERE lead.id = planned.lead_id AND old.id = lead.id
                   AND (lead.grading_score, lead.grading_complete, lead.grade, lead.first_contact_deadline)
                       IS DISTINCT FROM (planned.score, planned.complete, planned.grade,
                                         CASE WHEN planned.grade IS NULL THEN NULL ELSE planned.deadline END)
             RETURNING lead.id, old.grade, lead.grade
                """,
                where=SQL(" OR ").join(conditions),
                company=self.env.company.id,
            )
        )
        changes = {lead_id: (old, new) for lead_id, old, new in cr.fetchall() if old != new}
        self.env["crm.lead.grading.line"].invalidate_model(["points"])
        self.invalidate_model(
            ["grading_score", "grading_complete", "grade", "first_contact_deadline", "first_contact_late"]
        )
        if changes:
            self.browse(changes)._log_grade_changes(changes)
        _logger.info("Re-grade: %s lead(s) changed grade", len(changes))
        return self.browse(changes)

    def _log_grade_changes(self, changes):
        """Note "grade changed from X to Y" on each lead, in one batch of messages.

        ``changes``: {lead id: (old grade, new grade)}.
        """
        labels = dict(self._fields["grade"]._description_selection(self.env))
        none = self.env._("not graded")
        self._message_log_batch(
            {
                lead_id: escape(
                    self.env._(
                        "Grade changed from %(old)s to %(new)s after the grading settings changed.",
                        old=labels.get(old, none),
                        new=labels.get(new, none),
                    )
                )
                for lead_id, (old, new) in changes.items()
            }
        )

    def _grade_snapshot(self):
        return {lead.id: lead.grade for lead in self}

    def _start_grade_cadence(self, old_grades):
        """Schedule the follow-up cadence of the grade each lead just reached.

        A cadence starts when a lead first gets a grade or its grade rises, once per grade.
        """
        if self.env.context.get("mail_activity_automation_skip"):
            return
        today = fields.Date.context_today(self)
        plans = {}
        for lead in self:
            grade, old = lead.grade, old_grades.get(lead.id)
            launched = lead.grade_cadence_launched or ""
            if not grade or grade in launched or lead.probability >= 100 or not lead.active:
                continue
            if old and GRADE_RANK[grade] <= GRADE_RANK[old]:
                continue
            key = (grade, lead.company_id.id)
            if key not in plans:
                plans[key] = self.env["mail.activity.plan"]._crm_grade_plan(grade, lead.company_id)
            plan = plans[key]
            lead.sudo().grade_cadence_launched = launched + grade
            if not plan:
                continue
            for template in plan.template_ids:
                responsible = template._determine_responsible(lead.user_id or self.env.user, lead)["responsible"]
                # the activity speaks the language of the user who gets it
                text = template.with_context(lang=responsible.lang)
                lead.activity_schedule(
                    activity_type_id=template.activity_type_id.id,
                    summary=text.summary,
                    note=text.note,
                    user_id=responsible.id,
                    date_deadline=template._get_date_deadline(today),
                )
            # logged, not posted: reps without an email address must still be able to grade
            lead._message_log(
                body=self.env._(
                    "Grade %(grade)s reached: the follow-up cadence “%(plan)s” was scheduled.",
                    grade=dict(GRADES)[grade],
                    plan=plan.name,
                ),
            )

    # ------------------------------------------------------------------
    # Stage checklists and the gate
    # ------------------------------------------------------------------

    def _checklist_state(self):
        """The leads' checklist lines and which are done: one query for the lines, one
        per kind of document their evidence needs.

        Evidence read from the lead itself (source, SPIN notes, budget…) is read on the
        records of ``self``: in a form with unsaved changes these are the values on
        screen, so the progress shown is the one the lead will have once saved.

        Returns ({lead id: [lines]}, {ids of the done lines}), saved ids as keys.
        """
        leads = {lead._origin.id or lead.id: lead for lead in self}
        saved_ids = [lead_id for lead_id in leads if isinstance(lead_id, int)]
        # an archived output is no longer asked for: it neither blocks the gate nor counts in the progress
        lines = (
            self.env["crm.lead.checklist.line"]
            .sudo()
            .search([("lead_id", "in", saved_ids), ("item_id.active", "=", True)])
        )
        kinds = set(lines.item_id.mapped("evidence"))

        def groups(needed_by, model, lead_field, domain, *groupby):
            """(lead id, *values) of ``model`` records matching ``domain``, in one query,
            read only when an output with one of the ``needed_by`` evidences is there."""
            if not kinds & set(needed_by):
                return set()
            rows = self.env[model].sudo()._read_group([(lead_field, "in", saved_ids), *domain], [lead_field, *groupby])
            return {(lead.id, *values) for lead, *values in rows}

        order_states = groups(("quotation", "order_confirmed"), "sale.order", "opportunity_id", [], "state")
        signed_minutes = groups(("minutes_signed",), "crm.negotiation.minutes", "lead_id", [("state", "=", "signed")])
        approved_reviews = groups(("solution_review",), "crm.solution.review", "lead_id", [("state", "=", "approved")])
        with_decision_maker = groups(
            ("stakeholders",), "crm.lead.stakeholder", "lead_id", [("role", "=", "decision_maker")]
        )
        need_states = groups(("needs_confirmed",), "crm.lead.need", "lead_id", [("state", "!=", "cancelled")], "state")

        def written(*names):
            return lambda lead, line: all((lead[name] or "").strip() for name in names)

        evidence = {
            "manual": lambda lead, line: line.manual_done,
            "attachment": lambda lead, line: bool(line.attachment_ids),
            "source": lambda lead, line: bool(lead.source_id),
            "owner": lambda lead, line: bool(lead.user_id),
            "grading": lambda lead, line: lead.grading_complete,
            "first_contact": lambda lead, line: bool(lead.first_contact_date),
            "quotation": lambda lead, line: any(
                (line.lead_id.id, state) in order_states for state in ("draft", "sent", "sale")
            ),
            "order_confirmed": lambda lead, line: (line.lead_id.id, "sale") in order_states,
            "minutes_signed": lambda lead, line: (line.lead_id.id,) in signed_minutes,
            "solution_review": lambda lead, line: (line.lead_id.id,) in approved_reviews,
            "stakeholders": lambda lead, line: (line.lead_id.id,) in with_decision_maker,
            "needs_confirmed": lambda lead, line: (
                (line.lead_id.id, "confirmed") in need_states and (line.lead_id.id, "draft") not in need_states
            ),
            "spin": written(*SPIN_FIELDS),
            "pain_points": written("pain_points"),
            "timeline": written("decision_timeline"),
            "budget": lambda lead, line: lead.budget_max > 0,
        }
        lines_by_lead, done = {}, set()
        for line in lines:
            lines_by_lead.setdefault(line.lead_id.id, []).append(line)
            if evidence[line.item_id.evidence](leads[line.lead_id.id], line):
                done.add(line.id)
        return lines_by_lead, done

    def _ensure_checklist_lines(self):
        """Create the checklist lines of every active stage output the leads lack."""
        items = self.env["crm.stage.checklist.item"].sudo().search([])
        self._ensure_lines("crm.lead.checklist.line", "item_id", items, lambda lead, item: True)

    def _gate_missing(self, target_stage, from_start=False):
        """{lead: checklist lines missing to move forward to ``target_stage``}."""
        missing = {}
        if not target_stage:
            return missing
        lines_by_lead, done = self._checklist_state()
        pipelines = {}
        for lead in self:
            if lead.team_id not in pipelines:
                pipeline = self.env["crm.stage"]._pipeline_for(lead.team_id)
                # a new lead starts where the pipeline puts new leads
                first = from_start and self._stage_find(team_id=lead.team_id.id, domain=[("fold", "=", False)])
                pipelines[lead.team_id] = (pipeline, {stage.id: index for index, stage in enumerate(pipeline)}, first)
            pipeline, order, first = pipelines[lead.team_id]
            current = first if from_start else lead.stage_id
            if target_stage.id not in order:
                continue
            # no stage, an archived one or another team's: the lead starts from the beginning
            start = order.get(current.id, 0)
            if order[target_stage.id] <= start and current.id in order:
                continue  # moving back (or staying) is free
            passed = set(pipeline[start : order[target_stage.id]].ids)
            lacking = [
                line
                for line in lines_by_lead.get(lead.id, [])
                if line.item_id.required and line.item_id.stage_id.id in passed and line.id not in done
            ]
            if lacking:
                missing[lead] = lacking
        return missing

    def _check_stage_gate(self, target_stage, from_start=False):
        """Refuse a forward move past stages whose required outputs are missing."""
        if target_stage and not target_stage.active:
            raise UserError(
                self.env._("“%(stage)s” is an archived stage: leads cannot be moved into it.", stage=target_stage.name)
            )
        missing = self._gate_missing(target_stage, from_start=from_start)
        if not missing:
            return
        details = "\n".join(
            self.env._(
                "• %(lead)s: %(items)s",
                lead=lead.display_name,
                items=", ".join(f"{line.item_id.stage_id.name} / {line.item_id.name}" for line in lines),
            )
            for lead, lines in missing.items()
        )
        message = self.env._(
            "These leads cannot move to “%(stage)s” before their stage outputs are done:\n%(details)s\n"
            "Complete the checklist, or ask a sales manager to override.",
            stage=target_stage.name,
            details=details,
        )
        if len(self) == 1 and not from_start:
            action = self.env["ir.actions.act_window"]._for_xml_id("crm_sales_process.crm_lead_stage_gate_action")
            action["context"] = {"default_lead_id": self.id, "default_stage_id": target_stage.id}
            raise RedirectWarning(message, action, self.env._("Open the checklist"))
        raise UserError(message)

    def _record_stage_moves(self, moves, bypass=None):
        """One history row per stage change; overrides are also said in the chatter.

        ``moves``: {lead: (previous stage, date it entered that stage)}.
        """
        now = fields.Datetime.now()
        vals_list = []
        for lead, (stage_from, entered) in moves.items():
            vals_list.append(
                {
                    "lead_id": lead.id,
                    "stage_from_id": stage_from.id,
                    "stage_to_id": lead.stage_id.id,
                    "user_id": self.env.uid,
                    "date": now,
                    "days_in_stage": (now - entered).total_seconds() / 86400 if entered else 0.0,
                    "grading_score": lead.grading_score,
                    "grade": lead.grade,
                    "is_override": bool(bypass and bypass.kind == "override"),
                    "is_migration": bool(bypass and bypass.kind == "migration"),
                    "override_reason": bypass.reason if bypass else False,
                }
            )
        self.env["crm.lead.stage.history"].sudo().create(vals_list)
        # a stage move (not the first stage of a new lead) is progress with the customer
        self.browse(
            [lead.id for lead, (stage_from, _entered) in moves.items() if stage_from]
        ).partner_id._mark_customer_progress()
        if bypass and bypass.kind == "override":
            for lead, (stage_from, _entered) in moves.items():
                lead.message_post(
                    body=self.env._(
                        "Moved from “%(origin)s” to “%(target)s” by a manager's override: %(reason)s",
                        origin=stage_from.name,
                        target=lead.stage_id.name,
                        reason=bypass.reason,
                    ),
                    subtype_xmlid="mail.mt_note",
                )

    @api.model
    def _cron_remind_stalled_leads(self):
        """Give the owner of each stalled lead one reminder per stage it stalls in."""
        leads = self.search([("is_stalled", "=", True), ("user_id", "!=", False), ("probability", "<", 100)])
        leads = leads.filtered(lambda lead: lead.stalled_reminded_stage_id != lead.stage_id)
        for lead in leads:
            lead.activity_schedule(
                "mail.mail_activity_data_todo",
                user_id=lead.user_id.id,
                summary=self.env._("Stalled in %(stage)s", stage=lead.stage_id.name),
                note=self.env._(
                    "This lead has been in “%(stage)s” for more than %(days)s days: move it on or mark it lost.",
                    stage=lead.stage_id.name,
                    days=lead.stage_id.max_days,
                ),
            )
            lead.stalled_reminded_stage_id = lead.stage_id
        _logger.info("Stalled leads: %s owner(s) reminded", len(leads))
        return leads

    # ------------------------------------------------------------------
    # First contact
    # ------------------------------------------------------------------

    def _message_post_after_hook(self, message, msg_vals):
        if not self.first_contact_date and self._is_customer_contact_message(message):
            self.sudo().first_contact_date = message.date or fields.Datetime.now()
        return super()._message_post_after_hook(message, msg_vals)

    def _is_customer_contact_message(self, message):
        """A done call/meeting/email activity, or a message sent to the customer."""
        if message.mail_activity_type_id:
            return message.mail_activity_type_id.counts_as_first_contact
        if message.message_type not in ("comment", "email_outgoing"):
            return False
        if message.subtype_id != self.env.ref("mail.mt_comment"):
            return False
        if not message.author_id.user_ids.filtered(lambda user: not user.share):
            return False
        internal_partners = message.partner_ids.user_ids.filtered(lambda user: not user.share).partner_id
        return bool(message.partner_ids - internal_partners)

    @api.model
    def _cron_escalate_overdue_first_contact(self):
        """Give the team leader one activity for each A lead whose first contact is overdue."""
        leads = self.search(
            [
                ("grade", "=", "a"),
                ("first_contact_state", "=", "overdue"),
                ("first_contact_escalated", "=", False),
                ("probability", "<", 100),
                ("team_id.user_id", "!=", False),
            ]
        )
        escalated = self.browse()
        for lead in leads:
            leader = lead.team_id.user_id
            if not lead.with_user(leader).has_access("read"):
                continue
            # the leader reads it: in his language and time zone
            env = self.with_context(lang=leader.lang).env
            lead.activity_schedule(
                "crm_sales_process.mail_activity_type_first_contact_overdue",
                user_id=leader.id,
                note=env._(
                    "The first contact of this A lead was due on %(deadline)s and nobody reached the customer yet "
                    "(owner: %(owner)s).",
                    deadline=lead.company_id.with_env(env)._local_datetime_str(
                        lead.first_contact_deadline, tz=leader.tz
                    ),
                    owner=lead.user_id.name or env._("unassigned"),
                ),
            )
            escalated |= lead
        escalated.write({"first_contact_escalated": True})
        _logger.info("First-contact escalation: %s overdue A lead(s) escalated", len(escalated))
        return escalated
