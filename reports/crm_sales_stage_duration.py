"""Days in stage (CRM → Reporting): the stage history's moves added up by month and dimension.

Every move of a lead out of a stage says how long the lead stayed in it (``days_in_stage`` of
``crm.lead.stage.history``). Averaged over the history itself, the report would read every move
ever recorded (a million rows at 100,000 leads); this table keeps instead, per month and stage
left, sales team, salesperson, company, grade and kind of move (with its evidence, or by an
override), the number of moves and their days added up. The statement that records the moves
adds them here (``crm.lead.stage.history._record``); nothing else writes it. The average of a
group is the days added up over the moves counted, as over the moves themselves.

The month is the month of the move in the company's time zone; the team and the salesperson are
the lead's when it moved. A move stays counted when its lead is deleted later (merged into
another, say): it happened. A rebuild from the history (``_rebuild``) knows only the leads that
remain, with their team and salesperson of today.
"""

import pytz

from odoo import api, fields, models
from odoo.tools import SQL

from ..models.crm_lead_grading import GRADES
from .crm_sales_analysis import MOVES

# the dimensions of a row: one row per combination
DIMENSIONS = ("month", "stage_id", "team_id", "user_id", "company_id", "grade", "moved_by")


class CrmSalesStageDuration(models.Model):
    _name = "crm.sales.stage.duration"
    _description = "Days in Stage Analysis"
    _order = "month desc, stage_id"
    _rec_name = "stage_id"
    # rows are added up by the moves' statement, never edited by anyone: no ORM create/write columns
    _log_access = False

    month = fields.Date(readonly=True, index=True, help="The first day of the month of the moves.")
    stage_id = fields.Many2one("crm.stage", readonly=True, help="The stage the leads left.")
    team_id = fields.Many2one("crm.team", string="Sales Team", readonly=True)
    user_id = fields.Many2one(
        "res.users", string="Salesperson", readonly=True, help="The salesperson of the lead when it moved."
    )
    company_id = fields.Many2one("res.company", readonly=True)
    grade = fields.Selection(GRADES, readonly=True, help="The grade of the lead when it moved.")
    moved_by = fields.Selection(
        MOVES, string="Move", readonly=True, help="Whether the move passed the gate with its outputs or by an override."
    )
    moves = fields.Integer(string="Moves out", readonly=True, help="How many times leads left the stage.")
    # floating point (no digits): added up at every move, averaged at every read
    days_total = fields.Float(string="Days in stage (total)", readonly=True)
    days_in_stage = fields.Float(
        string="Average days in stage",
        aggregator="avg",
        readonly=True,
        help="How long the leads stayed in the stage before leaving it, on average per move.",
    )

    def init(self):
        res = super().init()
        # one row per combination, an empty value like any other: what the moves' statement adds to
        self.env.cr.execute(
            SQL(
                "CREATE UNIQUE INDEX IF NOT EXISTS %s ON %s (%s) NULLS NOT DISTINCT",
                SQL.identifier("crm_sales_stage_duration_dimensions_index"),
                SQL.identifier(self._table),
                SQL(", ").join(map(SQL.identifier, DIMENSIONS)),
            )
        )
        return res

    def _read_group_select(self, aggregate_spec, query):
        # the average of a group is over its moves, not over its rows
        if aggregate_spec == "days_in_stage:avg":
            return SQL(
                "SUM(%s) / NULLIF(SUM(%s), 0)",
                SQL.identifier(query.table, "days_total"),
                SQL.identifier(query.table, "moves"),
            )
        return super()._read_group_select(aggregate_spec, query)

    @api.model
    def _month_of(self, date, company):
        """The first day of the month of ``date`` (UTC) in ``company``'s time zone."""
        zone = pytz.timezone(company.partner_id.tz or "UTC")
        return pytz.utc.localize(date).astimezone(zone).date().replace(day=1)

    @api.model
    def _upsert(self, source):
        """The statement adding the moves of ``source`` (a query of the dimensions, ``days``) to
        the rows of their combination."""
        return SQL(
            """
            INSERT INTO crm_sales_stage_duration (%(columns)s, moves, days_total, days_in_stage)
            SELECT %(columns)s, COUNT(*), SUM(days), SUM(days) / COUNT(*)
              FROM (%(source)s) move
             WHERE stage_id IS NOT NULL
             GROUP BY %(columns)s
            ON CONFLICT (%(columns)s) DO UPDATE
               SET moves = crm_sales_stage_duration.moves + EXCLUDED.moves,
                   days_total = crm_sales_stage_duration.days_total + EXCLUDED.days_total,
                   days_in_stage = (crm_sales_stage_duration.days_total + EXCLUDED.days_total)
                                   / (crm_sales_stage_duration.moves + EXCLUDED.moves)
            """,
            columns=SQL(", ").join(map(SQL.identifier, DIMENSIONS)),
            source=source,
        )

    @api.model
    def _rebuild(self):
        """Every row again from the whole stage history (install, or moves written without
        ``_record``): the team and the salesperson are the lead's today, the history not saying
        who they were at each move."""
        self.env["crm.lead.stage.history"].flush_model()
        self.env["crm.lead"].flush_model(["user_id"])
        companies = self.env["res.company"].sudo().search([])
        known = {name for (name,) in self.env.execute_query(SQL("SELECT name FROM pg_timezone_names"))}
        zones = [
            (company.id, company.partner_id.tz if company.partner_id.tz in known else "UTC") for company in companies
        ]
        self.env.cr.execute(SQL("DELETE FROM crm_sales_stage_duration"))
        self.env.cr.execute(
            self._upsert(
                SQL(
                    """
                    SELECT date_trunc(
                               'month', (history.date AT TIME ZONE 'UTC') AT TIME ZONE COALESCE(zone.tz, 'UTC')
                           )::date AS month,
                           history.stage_from_id AS stage_id, history.team_id, lead.user_id, history.company_id,
                           history.grade,
                           CASE WHEN history.is_override THEN 'override' ELSE 'evidence' END AS moved_by,
                           history.days_in_stage AS days
                      FROM crm_lead_stage_history history
                      JOIN crm_lead lead ON lead.id = history.lead_id
                      LEFT JOIN (VALUES %s) AS zone(company_id, tz) ON zone.company_id = history.company_id
                    """,
                    SQL(", ").join(SQL("(%s, %s)", company_id, tz) for company_id, tz in zones)
                    if zones
                    else SQL("(NULL::int, NULL::varchar)"),
                )
            )
        )
        self.invalidate_model()
