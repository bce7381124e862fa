"""SQL-view report models of the sales analytics (CRM → Reporting).

Two views, both read only, both under the rules of ``crm.activity.report``: a salesman
sees the rows of his own leads, a manager (or "all leads") those of his companies.

- ``crm.sales.funnel.report``: one row per lead and stage of its pipeline it got to
  (the stages up to the furthest it reached), for the stage funnel and the conversion to
  the next stage, counted two ways:
    * *in order* (the classic funnel): a lead counts in a stage when it got that far,
      i.e. reached that stage or a later one; it converted when it got to the next
      stage or further;
    * *any stage*: a lead counts in a stage when it was in that stage at some point (a
      stage-history row into it); it converted when it was in the next stage at some
      point too.
- ``crm.sales.lead.analysis``: one row per lead, for the cycle time to won, the win rate,
  the first-contact SLA compliance, the grade mix, the follow-up frequency against the
  win rate, and leads moved with evidence against those moved by an override.

Durations are computed in floating point (``date_part``, not ``EXTRACT``, whose numeric result
costs twice the time of the whole row at 100,000 leads).

Percentages are averages of 100/0 per row (NULL where the row does not count), so that a
pivot or graph grouped any way shows the right rate.
"""

from odoo import fields, models
from odoo.tools import SQL

from ..models.crm_lead_grading import GRADES

FOLLOWUP_FREQUENCIES = [
    ("none", "Never"),
    ("less_weekly", "Less than weekly"),
    ("weekly", "Weekly"),
    ("twice_weekly", "Twice a week or more"),
]
OUTCOMES = [("open", "Open"), ("won", "Won"), ("lost", "Lost")]
MOVES = [("evidence", "Evidence complete"), ("override", "Moved by override")]
SLA_STATES = [("on_time", "On time"), ("late", "Late"), ("overdue", "Overdue"), ("pending", "Pending")]

# the stages of each pipeline in order: a team's pipeline is its own stages and the shared ones
# (crm.stage's _order), the pipeline of leads without team (key 0) the shared stages
PIPELINE_CTE = """
    pipeline AS (
        SELECT t.id AS team_key, s.id AS stage_id,
               row_number() OVER (PARTITION BY t.id ORDER BY s.sequence, s.name->>'en_US', s.id) AS rank
          FROM crm_team t
          JOIN crm_stage s ON s.active AND (s.team_id IS NULL OR s.team_id = t.id)
        UNION ALL
        SELECT 0, s.id, row_number() OVER (ORDER BY s.sequence, s.name->>'en_US', s.id)
          FROM crm_stage s
         WHERE s.active AND s.team_id IS NULL
    )
"""

# the leads ever moved by an override (one pass over the history's override rows, joined once per lead)
OVERRIDES_CTE = """
    overridden AS (
        SELECT DISTINCT lead_id FROM crm_lead_stage_history WHERE is_override
    )
"""

# what both views say of a lead: its owner, team, company, grade, source, the customer's
# industry and region, and whether it was ever moved by an override
LEAD_COLUMNS = """
    l.user_id, l.team_id, l.company_id, l.grade, l.source_id,
    cp.industry_id, cp.region_id,
    l.create_date AS date,
    CASE WHEN l.active AND l.probability = 100 THEN 'won'
         WHEN NOT l.active AND l.probability = 0 THEN 'lost'
         ELSE 'open' END AS outcome,
    CASE WHEN ov.lead_id IS NULL THEN 'evidence' ELSE 'override' END AS moved_by
"""
LEAD_JOINS = """
    LEFT JOIN res_partner lp ON lp.id = l.partner_id
    LEFT JOIN res_partner cp ON cp.id = lp.commercial_partner_id
    LEFT JOIN overridden ov ON ov.lead_id = l.id
"""


class CrmSalesReportMixin(models.AbstractModel):
    """The dimensions both analytics views share."""

    _name = "crm.sales.report.mixin"
    _description = "Sales Analytics Dimensions"

    lead_id = fields.Many2one("crm.lead", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    grade = fields.Selection(GRADES, readonly=True)
    source_id = fields.Many2one("utm.source", readonly=True)
    industry_id = fields.Many2one("res.partner.industry", readonly=True)
    region_id = fields.Many2one("crm.sales.region", readonly=True)
    date = fields.Datetime(string="Created on", readonly=True)
    outcome = fields.Selection(OUTCOMES, readonly=True)
    moved_by = fields.Selection(
        MOVES,
        string="Moves",
        readonly=True,
        help="Whether every stage move of the lead passed the gate with its outputs, or one was an override.",
    )

    def _read_group_orderby(self, order, groupby_terms, query):
        """Groups of a selection in the order of its options (never, less than weekly, weekly,
        twice a week; open, won, lost…), not in the alphabetical order of their keys."""
        terms = dict(groupby_terms)
        for spec, term in groupby_terms.items():
            field = self._fields.get(spec)
            if field and field.type == "selection":
                terms[spec] = SQL("array_position(%s::text[], %s::text)", field.get_values(self.env), term)
        return super()._read_group_orderby(order, terms, query)


class CrmSalesFunnelReport(models.Model):
    _name = "crm.sales.funnel.report"
    _inherit = "crm.sales.report.mixin"
    _description = "Stage Funnel Analysis"
    _auto = False
    _rec_name = "stage_id"
    _order = "stage_id"

    stage_id = fields.Many2one("crm.stage", readonly=True)
    leads_in_order = fields.Integer(
        string="Leads (in order)", readonly=True, help="Leads that got to this stage or further."
    )
    leads_any = fields.Integer(
        string="Leads (any stage)", readonly=True, help="Leads that were in this stage at some point."
    )
    next_in_order = fields.Integer(
        string="Next stage (in order)", readonly=True, help="Leads that got to the next stage or further."
    )
    next_any = fields.Integer(
        string="Next stage (any stage)",
        readonly=True,
        help="Leads that were in this stage and in the next one at some point.",
    )
    conversion_in_order = fields.Float(
        string="Conversion % (in order)",
        readonly=True,
        aggregator="avg",
        digits=(16, 1),
        help="Of the leads that got to this stage, the share that got to the next stage or further.",
    )
    conversion_any = fields.Float(
        string="Conversion % (any stage)",
        readonly=True,
        aggregator="avg",
        digits=(16, 1),
        help="Of the leads that were in this stage, the share that were in the next stage too.",
    )

    @property
    def _table_query(self):
        return SQL(
            f"""
            WITH {PIPELINE_CTE}, {OVERRIDES_CTE},
            pipeline_size AS (
                SELECT team_key, max(rank) AS size FROM pipeline GROUP BY team_key
            ),
            -- per lead, once: the ranks of the stages of its pipeline it was in, and the furthest
            reached AS (
                SELECT h.lead_id, max(p.rank) AS furthest, array_agg(DISTINCT p.rank) AS ranks
                  FROM crm_lead_stage_history h
                  JOIN crm_lead l ON l.id = h.lead_id
                  JOIN pipeline p ON p.stage_id = h.stage_to_id AND p.team_key = COALESCE(l.team_id, 0)
                 GROUP BY h.lead_id
            )
            SELECT l.id::bigint * 1000 + p.rank AS id,
                   l.id AS lead_id, p.stage_id,
                   {LEAD_COLUMNS},
                   1 AS leads_in_order,
                   (p.rank = ANY(r.ranks))::int AS leads_any,
                   (p.rank < r.furthest)::int AS next_in_order,
                   (p.rank = ANY(r.ranks) AND p.rank + 1 = ANY(r.ranks))::int AS next_any,
                   CASE WHEN p.rank = ps.size THEN NULL WHEN p.rank < r.furthest THEN 100.0 ELSE 0.0 END
                       AS conversion_in_order,
                   CASE WHEN p.rank = ps.size OR NOT p.rank = ANY(r.ranks) THEN NULL
                        WHEN p.rank + 1 = ANY(r.ranks) THEN 100.0 ELSE 0.0 END AS conversion_any
              FROM reached r
              JOIN crm_lead l ON l.id = r.lead_id
              {LEAD_JOINS}
              JOIN pipeline p ON p.team_key = COALESCE(l.team_id, 0) AND p.rank <= r.furthest
              JOIN pipeline_size ps ON ps.team_key = p.team_key
             WHERE l.active OR l.probability = 0
            """
        )


class CrmSalesLeadAnalysis(models.Model):
    _name = "crm.sales.lead.analysis"
    _inherit = "crm.sales.report.mixin"
    _description = "Sales Process Analysis"
    _auto = False
    _rec_name = "lead_id"
    _order = "date desc"

    date_closed = fields.Datetime(string="Closed on", readonly=True)
    lead_count = fields.Integer(string="Leads", readonly=True)
    won_count = fields.Integer(string="Won", readonly=True)
    win_rate = fields.Float(
        string="Win rate %",
        readonly=True,
        aggregator="avg",
        digits=(16, 1),
        help="Of the closed leads, the share won.",
    )
    cycle_days = fields.Float(
        string="Days to win",
        readonly=True,
        aggregator="avg",
        digits=(16, 1),
        help="Won leads: days from the lead's creation to its win.",
    )
    first_contact_state = fields.Selection(SLA_STATES, string="First contact", readonly=True)
    sla_compliance = fields.Float(
        string="First contact on time %",
        readonly=True,
        aggregator="avg",
        digits=(16, 1),
        help="Of the leads whose first-contact deadline is known and passed or met, the share contacted in time.",
    )
    followup_count = fields.Integer(string="Follow-ups", readonly=True)
    followups_per_week = fields.Float(
        string="Follow-ups per week",
        readonly=True,
        aggregator="avg",
        digits=(16, 2),
        help="Follow-ups logged per week of the lead's life (until closed).",
    )
    followup_frequency = fields.Selection(FOLLOWUP_FREQUENCIES, string="Follow-up frequency", readonly=True)

    @property
    def _table_query(self):
        return SQL(
            f"""
            WITH {OVERRIDES_CTE},
            leads AS (
                SELECT l.id AS lead_id, {LEAD_COLUMNS}, l.date_closed,
                       l.first_contact_date, l.first_contact_deadline, l.first_contact_late,
                       COALESCE(l.followup_count, 0) AS followup_count,
                       COALESCE(l.followup_count, 0) / GREATEST(
                           date_part('epoch', COALESCE(l.date_closed, now() AT TIME ZONE 'UTC') - l.create_date)
                           / 604800.0, 1.0) AS followups_per_week
                  FROM crm_lead l
                  {LEAD_JOINS}
                 WHERE l.active OR l.probability = 0
            )
            SELECT lead_id AS id, lead_id, user_id, team_id, company_id, grade, source_id, industry_id, region_id,
                   date, outcome, moved_by, date_closed,
                   1 AS lead_count,
                   (outcome = 'won')::int AS won_count,
                   CASE outcome WHEN 'won' THEN 100.0 WHEN 'lost' THEN 0.0 END AS win_rate,
                   CASE WHEN outcome = 'won' AND date_closed IS NOT NULL
                        THEN date_part('epoch', date_closed - date) / 86400.0 END AS cycle_days,
                   CASE WHEN first_contact_date IS NOT NULL AND first_contact_late THEN 'late'
                        WHEN first_contact_date IS NOT NULL THEN 'on_time'
                        WHEN first_contact_deadline < now() AT TIME ZONE 'UTC' THEN 'overdue'
                        ELSE 'pending' END AS first_contact_state,
                   CASE WHEN first_contact_date IS NOT NULL AND first_contact_late THEN 0.0
                        WHEN first_contact_date IS NOT NULL AND first_contact_deadline IS NOT NULL THEN 100.0
                        WHEN first_contact_deadline < now() AT TIME ZONE 'UTC' THEN 0.0 END AS sla_compliance,
                   followup_count, followups_per_week,
                   CASE WHEN followup_count = 0 THEN 'none'
                        WHEN followups_per_week < 1 THEN 'less_weekly'
                        WHEN followups_per_week < 2 THEN 'weekly'
                        ELSE 'twice_weekly' END AS followup_frequency
              FROM leads
            """
        )
