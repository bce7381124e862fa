from odoo import api, fields, models
from odoo.tools import SQL

from .crm_lead_funnel import funnel_visits_update
from .crm_lead_grading import GRADES


class CrmLeadStageHistory(models.Model):
    """Every stage change of a lead: the table the pipeline analytics read."""

    _name = "crm.lead.stage.history"
    _description = "Lead Stage History"
    _order = "date desc, id desc"
    # rows are written once, by the stage move itself, and never edited: who moved the lead and
    # when are ``user_id`` and ``date``. Without the ORM's create/write columns every move inserts
    # two foreign-key checks fewer per row (a bulk move of 100 leads inserts 100 rows)
    _log_access = False

    lead_id = fields.Many2one("crm.lead", required=True, ondelete="cascade", index=True)
    stage_from_id = fields.Many2one("crm.stage", string="From stage", index=True)
    stage_to_id = fields.Many2one("crm.stage", string="To stage", required=True, index=True)
    user_id = fields.Many2one("res.users", string="Moved by", required=True)
    date = fields.Datetime(required=True, index=True, default=fields.Datetime.now)
    # Reports average the days per move (how long a stage takes) and add them up (grouped by lead, the
    # time the lead spent in the stages it left): one column per aggregate, as a field has one aggregator.
    days_in_stage = fields.Float(
        string="Days in previous stage",
        digits=(16, 2),
        aggregator="avg",
        help="How long the lead stayed in the stage it left.",
    )
    days_in_stage_total = fields.Float(
        related="days_in_stage",
        string="Total days in stage",
        store=True,
        precompute=True,
        aggregator="sum",
        help="The days in the previous stage, added up: grouped by lead, how long it took to get where it is.",
    )
    grading_score = fields.Integer(string="Score", aggregator="avg")
    grade = fields.Selection(GRADES, index=True)
    is_override = fields.Boolean(string="Override", index=True)
    override_reason = fields.Text(string="Reason")
    is_migration = fields.Boolean(string="Migration", help="Moved by the standard stages wizard.")
    team_id = fields.Many2one(related="lead_id.team_id", store=True, precompute=True, index=True)
    company_id = fields.Many2one(related="lead_id.company_id", store=True, precompute=True, index=True)

    @api.model
    def _record(self, rows):
        """Write history rows in one INSERT, whatever their number: every stage move of every
        lead writes one, so an import or a batch move must not pay an ORM create per row.
        ``rows``: dicts of the columns of a move (lead, stages, user, date, days, score, grade,
        override/migration and reason); team and company are the leads'. No ORM field computes
        from history rows: the leads' ``stage_history_ids`` are only invalidated; their
        ``funnel_visits`` and the days in stage (``crm.sales.stage.duration``) are updated in the
        same statement."""
        if not rows:
            return
        leads = self.env["crm.lead"].browse(row["lead_id"] for row in rows)
        columns = {
            "lead_id": ("int4", [row["lead_id"] for row in rows]),
            "stage_from_id": ("int4", [row["stage_from_id"] or None for row in rows]),
            "stage_to_id": ("int4", [row["stage_to_id"] for row in rows]),
            "user_id": ("int4", [row["user_id"] for row in rows]),
            "date": ("timestamp", [row["date"] for row in rows]),
            "days_in_stage": ("numeric", [row["days_in_stage"] for row in rows]),
            "days_in_stage_total": ("numeric", [row["days_in_stage"] for row in rows]),
            "grading_score": ("int4", [row["grading_score"] or 0 for row in rows]),
            "grade": ("varchar", [row["grade"] or None for row in rows]),
            "is_override": ("bool", [row["is_override"] for row in rows]),
            "is_migration": ("bool", [row["is_migration"] for row in rows]),
            "override_reason": ("text", [row["override_reason"] or None for row in rows]),
            "team_id": ("int4", [lead.team_id.id or None for lead in leads]),
            "company_id": ("int4", [lead.company_id.id or None for lead in leads]),
        }
        # one statement, few parameters: a column with one value for every row (the user, the date,
        # the stage of a batch move…) is one parameter, the others one array each, unnested into rows
        varying = {name: column for name, column in columns.items() if len(set(column[1])) > 1}
        shared = [(name, kind, values[0]) for name, (kind, values) in columns.items() if name not in varying]
        names = [*varying, *(name for name, _kind, _value in shared)]
        values = [SQL(f"%s::{kind}", value) for _name, kind, value in shared]
        if varying:
            query = SQL(
                "SELECT %s FROM unnest(%s) AS u",
                SQL(", ").join([SQL("u.*"), *values]),
                SQL(", ").join(SQL(f"%s::{kind}[]", column) for kind, column in varying.values()),
            )
        else:
            query = SQL("VALUES (%s)", SQL(", ").join(values))
        # the same statement adds the stages to those the leads were in (crm_lead_funnel.py), and the
        # moves to the days in stage of their month and dimensions (crm_sales_stage_duration.py): the
        # salesperson of each lead, the month of each date in each company's time zone
        Duration = self.env["crm.sales.stage.duration"]
        owners = {lead.id: lead.user_id.id or None for lead in leads}
        months = {
            (lead.company_id.id or None, row["date"]): Duration._month_of(row["date"], lead.company_id)
            for lead, row in zip(leads, rows, strict=True)
        }
        self.env.cr.execute(
            SQL(
                """
                WITH inserted AS (
                    INSERT INTO crm_lead_stage_history (%s) %s
                    RETURNING lead_id, stage_from_id, stage_to_id, date, days_in_stage, grade, is_override, team_id,
                              company_id
                ),
                visits AS (
                    SELECT lead_id, stage_to_id AS stage_id FROM inserted
                    UNION ALL
                    SELECT known.id, visit::int
                      FROM crm_lead known, unnest(string_to_array(known.funnel_visits, ',')) AS visit
                     WHERE known.id IN (SELECT lead_id FROM inserted)
                ),
                owner AS (SELECT * FROM unnest(%s::int[], %s::int[]) AS owner(lead_id, user_id)),
                period AS (
                    SELECT * FROM unnest(%s::int[], %s::timestamp[], %s::date[]) AS period(company_id, date, month)
                ),
                durations AS (%s)
                %s
                """,
                SQL(", ").join(map(SQL.identifier, names)),
                query,
                list(owners),
                list(owners.values()),
                [company_id for company_id, _date in months],
                [date for _company_id, date in months],
                list(months.values()),
                Duration._upsert(
                    SQL(
                        """
                        SELECT period.month, inserted.stage_from_id AS stage_id, inserted.team_id, owner.user_id,
                               inserted.company_id, inserted.grade,
                               CASE WHEN inserted.is_override THEN 'override' ELSE 'evidence' END AS moved_by,
                               inserted.days_in_stage::float8 AS days
                          FROM inserted
                          JOIN owner ON owner.lead_id = inserted.lead_id
                          JOIN period ON period.company_id IS NOT DISTINCT FROM inserted.company_id
                                     AND period.date = inserted.date
                        """
                    )
                ),
                funnel_visits_update(),
            )
        )
        leads.invalidate_recordset(["stage_history_ids", "funnel_visits"], flush=False)
        Duration.invalidate_model(flush=False)
