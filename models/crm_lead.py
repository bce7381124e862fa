import logging
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.osv import expression
from odoo.tools import SQL, float_round

_logger = logging.getLogger(__name__)

GRADES = [("a", "A"), ("b", "B"), ("c", "C")]
GRADE_RANK = {"c": 1, "b": 2, "a": 3}
FIRST_CONTACT_STATES = {"pending": "Pending", "on_time": "On time", "late": "Late", "overdue": "Overdue"}
# Fields the grading computes; nobody writes them by hand, import or RPC.
GRADING_COMPUTED_FIELDS = {"grading_score", "grading_complete", "grade"}


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

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------

    @api.depends(
        "grading_line_ids.points",
        "grading_line_ids.option_id",
        "grading_line_ids.criterion_id.max_points",
        "grading_line_ids.criterion_id.active",
    )
    def _compute_grading_score(self):
        for lead in self:
            lines = lead.grading_line_ids.filtered(lambda line: line.criterion_id.active)
            total = sum(lines.mapped("criterion_id.max_points"))
            earned = sum(lines.mapped("points"))
            lead.grading_score = int(float_round(100.0 * earned / total, precision_digits=0)) if total else 0
            lead.grading_complete = bool(lines) and all(line.option_id for line in lines)

    @api.depends("grading_score", "grading_complete", "company_id.grade_a_min", "company_id.grade_b_min")
    def _compute_grade(self):
        Company = self.env["res.company"]
        for lead in self:
            if not lead.grading_complete:
                lead.grade = False
                continue
            company = lead.company_id or self.env.company
            lead.grade = Company._grade_for_score(lead.grading_score, company.grade_a_min, company.grade_b_min)

    @api.depends(
        "create_date",
        "date_open",
        "grade",
        "company_id.first_contact_hours_a",
        "company_id.first_contact_hours_b",
        "company_id.first_contact_hours_c",
    )
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
        leads = super(CrmLead, self.with_context(crm_grading_from_lead=True)).create(vals_list)
        leads = leads.with_env(self.env)
        leads._ensure_grading_lines()
        leads._start_grade_cadence({})
        return leads

    def write(self, vals):
        self._check_grading_not_written(vals)
        if "grading_line_ids" not in vals:
            return super().write(vals)
        old_grades = self._grade_snapshot()
        res = super(CrmLead, self.with_context(crm_grading_from_lead=True)).write(vals)
        self._start_grade_cadence(old_grades)
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
    # Grading helpers
    # ------------------------------------------------------------------

    def _ensure_grading_lines(self):
        """Create an empty answer line for every active criterion the lead lacks."""
        if not self:
            return
        criteria = self.env["crm.grading.criterion"].sudo().search([])
        if not criteria:
            return
        existing = {
            (lead.id, criterion.id)
            for lead, criterion in self.env["crm.lead.grading.line"]
            .sudo()
            ._read_group([("lead_id", "in", self.ids)], ["lead_id", "criterion_id"])
        }
        vals_list = [
            {"lead_id": lead.id, "criterion_id": criterion.id}
            for lead in self
            for criterion in criteria
            if (lead.id, criterion.id) not in existing
            and (not criterion.company_id or criterion.company_id == lead.company_id)
        ]
        if vals_list:
            self.env["crm.lead.grading.line"].sudo().with_context(crm_grading_from_lead=True).create(vals_list)

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
                lead.activity_schedule(
                    activity_type_id=template.activity_type_id.id,
                    summary=template.summary,
                    note=template.note,
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
            lead.activity_schedule(
                "crm_sales_process.mail_activity_type_first_contact_overdue",
                user_id=leader.id,
                note=self.env._(
                    "The first contact of this A lead was due on %(deadline)s and nobody reached the customer yet "
                    "(owner: %(owner)s).",
                    deadline=fields.Datetime.to_string(lead.first_contact_deadline),
                    owner=lead.user_id.name or self.env._("unassigned"),
                ),
            )
            escalated |= lead
        escalated.write({"first_contact_escalated": True})
        _logger.info("First-contact escalation: %s overdue A lead(s) escalated", len(escalated))
        return escalated

    @api.model
    def _demo_backdate(self, lead_ids, days, contact_after_days=False):
        """Demo data only: age leads so the demo pipeline shows every first-contact state."""
        leads = self.browse(lead_ids)
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "UPDATE crm_lead SET create_date = create_date - %(delta)s, date_open = create_date - %(delta)s "
                "WHERE id IN %(ids)s",
                delta=timedelta(days=days),
                ids=tuple(leads.ids),
            )
        )
        leads.invalidate_recordset(["create_date", "date_open"])
        self.env.add_to_compute(self._fields["first_contact_deadline"], leads)
        if contact_after_days:
            for lead in leads:
                lead.first_contact_date = lead.create_date + timedelta(days=contact_after_days)
        leads.flush_recordset()
