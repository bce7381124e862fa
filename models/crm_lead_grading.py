"""Grading of leads: the rep's answers, the score and the A/B/C grade they give, the re-grade
when the grading settings change, and the follow-up cadence each grade starts.

This is the first extension of ``crm.lead`` in this addon (models/__init__.py imports it
first): it brings the process-field guard (ProcessGuard) to leads, and its
``create`` gives a new lead its answer lines before the gate (crm_lead_gate.py) looks at
the grade.
"""

import logging

from markupsafe import escape

from odoo import api, fields, models
from odoo.tools import SQL, float_round
from odoo.tools.mail import generate_tracking_message_id

from .crm_process_guard import ProcessGuard

_logger = logging.getLogger(__name__)

GRADES = [("a", "A"), ("b", "B"), ("c", "C")]
GRADE_RANK = {"c": 1, "b": 2, "a": 3}
GRADING_FIELDS = frozenset({"grading_score", "grading_complete", "grade"})


class CrmLead(ProcessGuard, models.Model):
    """Leads graded A/B/C from the rep's answers, with a follow-up cadence per grade."""

    _inherit = "crm.lead"
    # the score and the grade follow from the answers; the cadences from the grades reached
    _process_fields = (*GRADING_FIELDS, "grade_cadence_launched")

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

    @api.model
    def default_get(self, fields_list):
        defaults = super().default_get(fields_list)
        if "grading_line_ids" in fields_list and not defaults.get("grading_line_ids"):
            criteria = self.env["crm.grading.criterion"].search([("company_id", "in", [False, self.env.company.id])])
            defaults["grading_line_ids"] = [fields.Command.create({"criterion_id": c.id}) for c in criteria]
        return defaults

    @api.model_create_multi
    def create(self, vals_list):
        # the empty answer lines are added in one INSERT below, not one default per lead
        vals_list = [{"grading_line_ids": [], **vals} for vals in vals_list]
        leads = super(CrmLead, self.with_context(crm_grading_from_lead=True)).create(vals_list)
        leads = leads.with_env(self.env)
        # leads created with some answers may lack others: their completeness changes
        answered = [lead.id for lead, vals in zip(leads, vals_list, strict=True) if vals["grading_line_ids"]]
        leads._ensure_grading_lines(changed=leads.browse(answered))
        leads._start_grade_cadence({})
        return leads

    def write(self, vals):
        if "grading_line_ids" not in vals:
            return super().write(vals)
        old_grades = self._grade_snapshot()
        res = super(CrmLead, self.with_context(crm_grading_from_lead=True)).write(vals)
        self._start_grade_cadence(old_grades)
        return res

    def _process_fields_hint(self, field_names):
        if field_names & GRADING_FIELDS:
            return self.env._("Answer the grading questions: the score and the grade follow from the answers.")
        return super()._process_fields_hint(field_names)

    def _ensure_grading_lines(self, changed=None):
        """Give the leads an empty answer line for every active criterion of their company they
        lack, in one INSERT whatever the number of leads (an ORM create costs milliseconds per
        lead on imports). What depends on the answers (completeness, score, grade…) is then
        recomputed for the leads of ``changed`` (default: all); new leads created without
        answers need no recompute: empty lines change nothing of what they have."""
        if not self:
            return
        # graded before the empty lines exist (new leads: from the cache, without a query), so
        # that only the leads of ``changed`` read their lines again
        self.mapped("grading_complete")
        self.env["crm.lead.grading.line"].flush_model()
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO crm_lead_grading_line
                       (lead_id, criterion_id, criterion_sequence, company_id, points,
                        create_uid, create_date, write_uid, write_date)
                SELECT new.lead_id, crit.id, crit.sequence, new.company_id, 0, %(uid)s, %(now)s, %(uid)s, %(now)s
                  FROM unnest(%(lead_ids)s::int[], %(company_ids)s::int[]) AS new(lead_id, company_id)
                  JOIN crm_grading_criterion crit
                    ON crit.active AND (crit.company_id IS NULL OR crit.company_id = new.company_id)
              ORDER BY new.lead_id, crit.sequence, crit.id
                    ON CONFLICT (lead_id, criterion_id) DO NOTHING
                """,
                uid=self.env.uid,
                now=fields.Datetime.now(),
                lead_ids=self.ids,
                company_ids=[lead.company_id.id or None for lead in self],
            )
        )
        self.invalidate_recordset(["grading_line_ids"])
        (self if changed is None else changed).modified(["grading_line_ids"])

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
             RETURNING lead.id, old.grade, lead.grade, old.grading_complete IS DISTINCT FROM lead.grading_complete
                """,
                where=SQL(" OR ").join(conditions),
                company=self.env.company.id,
            )
        )
        rows = cr.fetchall()
        changes = {lead_id: (old, new) for lead_id, old, new, _completeness in rows if old != new}
        # a lead that became complete (or not) has its Grading output done (or not)
        self.env.add_to_compute(self._fields["checklist_progress"], self.browse(row[0] for row in rows if row[3]))
        self.env["crm.lead.grading.line"].invalidate_model(["points"])
        self.invalidate_model(
            ["grading_score", "grading_complete", "grade", "first_contact_deadline", "first_contact_late"]
        )
        if changes:
            self.browse(changes)._log_grade_changes(changes)
        _logger.info("Re-grade: %s lead(s) changed grade", len(changes))
        return self.browse(changes)

    def _log_grade_changes(self, changes):
        """Note "grade changed from X to Y" on each lead, in one INSERT.

        ``changes``: {lead id: (old grade, new grade)}. The values ``_message_log_batch`` writes
        (an internal note by the current user, each with its own Message-Id), without the ORM's
        per-message cost: a weight change re-grades thousands of leads at once, and the
        re-grade must stay cheaper than core's predictive lead scoring on the same leads
        (`make bench`). Nothing computes from these notes; the leads' messages are invalidated.
        """
        labels = dict(self._fields["grade"]._description_selection(self.env))
        none = self.env._("not graded")
        bodies = {
            lead_id: escape(
                self.env._(
                    "Grade changed from %(old)s to %(new)s after the grading settings changed.",
                    old=labels.get(old, none),
                    new=labels.get(new, none),
                )
            )
            for lead_id, (old, new) in changes.items()
        }
        author_id, email_from = self._message_compute_author(raise_on_email=False)
        now = self.env.cr.now()
        self.env["mail.message"].flush_model()
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO mail_message (model, res_id, body, message_id, message_type, subtype_id,
                                          is_internal, author_id, email_from, reply_to, email_add_signature,
                                          date, create_uid, create_date, write_uid, write_date)
                     SELECT %(model)s, note.res_id, note.body, note.message_id, 'notification', %(subtype)s,
                            TRUE, %(author)s, %(email_from)s, %(reply_to)s, FALSE,
                            %(now)s, %(uid)s, %(now)s, %(uid)s, %(now)s
                       FROM unnest(%(ids)s::int[], %(bodies)s::text[], %(message_ids)s::varchar[])
                            AS note(res_id, body, message_id)
                """,
                model=self._name,
                subtype=self.env["ir.model.data"]._xmlid_to_res_id("mail.mt_note"),
                author=author_id,
                email_from=email_from,
                reply_to=self.env["mail.thread"]._notify_get_reply_to(default=email_from)[False],
                now=now,
                uid=self.env.uid,
                ids=list(bodies),
                bodies=[str(body) for body in bodies.values()],
                message_ids=[generate_tracking_message_id("message-notify") for _body in bodies],
            )
        )
        self.browse(bodies).invalidate_recordset(["message_ids"], flush=False)

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
            lead._process().grade_cadence_launched = launched + grade
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
