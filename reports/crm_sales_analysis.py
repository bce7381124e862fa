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

The funnel reads the stages each lead was in from the lead (``funnel_visits``, kept by the stage
history: see ``models/crm_lead_funnel.py``), not from the history itself, and ranks them in the
lead's pipeline as it is when read. Grouped (pivot, graph,
dashboard), it counts the leads first and the stages after: the leads grouped by the dimensions
asked for, their team and their visited stages, then each group counted in the stages of its
pipeline (``_read_group``). A row per lead and stage is only built for the list.

Durations are computed in floating point (``date_part``, not ``EXTRACT``, whose numeric result
costs twice the time of the whole row at 100,000 leads).

Percentages are averages of 100/0 per row (NULL where the row does not count), so that a
pivot or graph grouped any way shows the right rate.
"""

from collections import defaultdict

from odoo import fields, models
from odoo.osv import expression
from odoo.tools import SQL

from ..models.crm_lead_funnel import PIPELINE_CTE, funnel_stage_ids
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


# the funnel's groupings it computes from the leads (CrmSalesFunnelReport._read_group): by these
# dimensions of the lead (and the stage), of these measures
LEAD_DIMENSIONS = frozenset(
    ["lead_id", "user_id", "team_id", "company_id", "grade", "source_id", "industry_id", "region_id", "date",
     "outcome", "moved_by"]
)  # fmt: skip
FUNNEL_AGGREGATES = frozenset(
    ["__count", "leads_in_order:sum", "leads_any:sum", "next_in_order:sum", "next_any:sum",
     "conversion_in_order:avg", "conversion_any:avg"]
)  # fmt: skip


def _conjuncts(domain):
    """The terms a normalized domain ANDs at its top, each a normalized domain."""

    def end_of(start):
        # the index after the expression starting at ``start``
        token = domain[start]
        if token in ("&", "|"):
            return end_of(end_of(start + 1))
        if token == "!":
            return end_of(start + 1)
        return start + 1

    def split(start, stop):
        if domain[start] == "&":
            middle = end_of(start + 1)
            return split(start + 1, middle) + split(middle, stop)
        return [domain[start:stop]]

    return split(0, len(domain))


class CrmSalesReportMixin(models.AbstractModel):
    """The dimensions both analytics views share."""

    _name = "crm.sales.report.mixin"
    _description = "Sales Analytics Dimensions"
    # what the views read: pending changes of these fields are written before a report reads them
    _depends = {
        "crm.lead": [
            "user_id", "team_id", "company_id", "grade", "source_id", "partner_id", "create_date", "active",
            "probability", "date_closed", "funnel_visits", "followup_count", "first_contact_date",
            "first_contact_deadline", "first_contact_late",
        ],
        "res.partner": ["commercial_partner_id", "industry_id", "region_id"],
        "crm.lead.stage.history": ["lead_id", "is_override"],
        "crm.stage": ["sequence", "name", "team_id", "active"],
    }  # fmt: skip

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
    # the newest leads first, each in the order of its stages (the id is the lead's and the stage's rank)
    _order = "date desc, id"

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
              FROM crm_lead l
              {LEAD_JOINS}
              -- per lead, as its rows are read (a page of the list reads a page of leads): the ranks
              -- in its pipeline of the stages it was in, and the furthest
             CROSS JOIN LATERAL (
                    SELECT max(visited.rank) AS furthest, array_agg(visited.rank) AS ranks
                      FROM unnest(string_to_array(l.funnel_visits, ',')::int[]) AS visit(stage_id)
                      JOIN pipeline visited
                        ON visited.team_key = COALESCE(l.team_id, 0) AND visited.stage_id = visit.stage_id
             ) r
              JOIN pipeline p ON p.team_key = COALESCE(l.team_id, 0) AND p.rank <= r.furthest
              JOIN pipeline_size ps ON ps.team_key = p.team_key
             WHERE (l.active OR l.probability = 0) AND l.funnel_visits IS NOT NULL
            """
        )

    def _read_group(self, domain, groupby=(), aggregates=(), having=(), offset=0, limit=None, order=None):  # noqa: PLR0917
        """Groupings by the lead's dimensions and the stage, of the funnel's measures, count the
        leads first: one grouping of the leads (by those dimensions, their team and the stages
        they visited: a few hundred groups where there are 100,000 leads), then each group in the
        stages of its pipeline. The same figures, in the same order, as the rows per lead and
        stage grouped in SQL (``super()``), which answers everything else."""
        plan = self._funnel_plan(domain, groupby, aggregates, having, order)
        if plan is None:
            return super()._read_group(domain, groupby, aggregates, having, offset, limit, order)
        self.browse().check_access("read")
        rows = self._funnel_read_group(*plan, list(groupby), list(aggregates), bool(order))
        return rows[offset : offset + limit if limit else None]

    def _funnel_plan(self, domain, groupby, aggregates, having, order):
        """None when the grouping needs the rows per lead and stage; else the terms of the domain
        on the lead, and the stages the domain keeps (None: all of them)."""
        per_row = self.env.context.get("crm_sales_funnel_per_row")
        if having or per_row or not FUNNEL_AGGREGATES.issuperset(aggregates):
            return None
        names = [spec.split(":")[0] for spec in groupby]
        if len(set(names)) != len(names) or not LEAD_DIMENSIONS.union(["stage_id"]).issuperset(names):
            return None
        if order and [term.strip().removesuffix(" ASC").removesuffix(" asc") for term in order.split(",")] != list(
            groupby
        ):
            return None
        lead_terms, stages = [], None
        for term in _conjuncts(expression.normalize_domain(domain)):
            fields_used = {
                leaf[0].split(".")[0] for leaf in term if expression.is_leaf(leaf) and isinstance(leaf[0], str)
            }
            if fields_used <= LEAD_DIMENSIONS:
                lead_terms.append(term)
                continue
            leaf = term[0]
            if len(term) != 1 or leaf[0] != "stage_id" or leaf[1] not in ("=", "!=", "in", "not in"):
                return None
            values = leaf[2] if isinstance(leaf[2], (list, tuple)) else [leaf[2]]
            if not all(isinstance(value, int) and not isinstance(value, bool) for value in values):
                return None
            if leaf[1] in ("=", "in"):
                kept = set(values)
            else:
                kept = set(self.env["crm.stage"].with_context(active_test=False).search([]).ids) - set(values)
            stages = kept if stages is None else stages & kept
        return lead_terms, stages

    def _funnel_read_group(self, lead_terms, stages, groupby, aggregates, ordered_by_name):
        dimensions = [spec for spec in groupby if spec.split(":")[0] != "stage_id"]
        by_stage = len(dimensions) < len(groupby)
        rows = self._funnel_lead_groups(lead_terms, dimensions, ordered_by_name)
        figures = self._funnel_figures(rows, stages, by_stage)
        if not figures and not groupby:
            return [tuple(self._read_group_empty_value(spec) for spec in aggregates)]
        before_stage = next((i for i, spec in enumerate(groupby) if spec.split(":")[0] == "stage_id"), 0)
        ordered = self._funnel_order(figures, rows, len(dimensions), before_stage, ordered_by_name)

        # the values as _read_group gives them: records for relational fields, False for NULL
        analysis = self.env["crm.sales.lead.analysis"]
        columns = {
            spec: list(analysis._read_group_postprocess_groupby(spec, [keys[index] for keys, _stage in ordered]))
            for index, spec in enumerate(dimensions)
        }
        if by_stage:
            stage_spec = groupby[before_stage]
            columns[stage_spec] = list(self._read_group_postprocess_groupby(stage_spec, [key[1] for key in ordered]))
        result = []
        for index, key in enumerate(ordered):
            figure = figures[key]
            values = {
                "__count": figure[0],
                "leads_in_order:sum": figure[0],
                "leads_any:sum": figure[1],
                "next_in_order:sum": figure[2],
                "next_any:sum": figure[3],
                "conversion_in_order:avg": 100.0 * figure[4] / figure[5] if figure[5] else False,
                "conversion_any:avg": 100.0 * figure[6] / figure[7] if figure[7] else False,
            }
            result.append((*(columns[spec][index] for spec in groupby), *(values[spec] for spec in aggregates)))
        return result

    def _funnel_lead_groups(self, lead_terms, dimensions, ordered_by_name):
        """The leads grouped by ``dimensions``, their team and the stages they were in, under the
        funnel's own record rules (applied here as a domain): rows (*dimension values, team key,
        stages, count), sorted by the dimensions as _read_group sorts them."""
        analysis = self.env["crm.sales.lead.analysis"].sudo()
        lead_domain = list(lead_terms)
        if not self.env.su:
            lead_domain.append(self.env["ir.rule"]._compute_domain(self._name, "read"))
        query = analysis._search(expression.AND(lead_domain))
        team = SQL("COALESCE(%s, 0)", SQL.identifier(query.table, "team_id"))
        visits = SQL.identifier(query.table, "funnel_visits")
        query.add_where(SQL("%s IS NOT NULL", visits))
        terms = {spec: analysis._read_group_groupby(spec, query) for spec in dimensions}
        query.groupby = SQL(", ").join([*terms.values(), team, visits])
        if dimensions:
            # as _read_group: an order asked (read_group's) sorts many2one groups as their model, none by id
            query.order = analysis._read_group_orderby(",".join(dimensions) if ordered_by_name else None, terms, query)
        return self.env.execute_query(query.select(*terms.values(), team, visits, SQL("COUNT(*)")))

    def _funnel_figures(self, rows, stages, by_stage):
        """Each group of leads counted in the stages of its pipeline: {(dimension values, stage id
        or None): [rows, in the stage, got further, in the next stage too, converted in order,
        out of, converted any stage, out of]}, the stages limited to ``stages`` (None: all)."""
        pipelines = defaultdict(dict)  # {team key: {stage id: its rank}}
        for team_key, stage_id, rank in self.env.execute_query(SQL(f"WITH {PIPELINE_CTE} SELECT * FROM pipeline")):
            pipelines[team_key][stage_id] = rank
        stages_by_rank = {team_key: {r: s for s, r in ranks.items()} for team_key, ranks in pipelines.items()}
        figures = {}
        for *keys, team_key, visits, count in rows:
            ranks = pipelines.get(team_key, {})
            visited = {ranks[stage_id] for stage_id in funnel_stage_ids(visits) if stage_id in ranks}
            furthest = max(visited, default=0)
            for rank in range(1, furthest + 1):
                stage_id = stages_by_rank[team_key][rank]
                if stages is not None and stage_id not in stages:
                    continue
                figure = figures.setdefault((tuple(keys), stage_id if by_stage else None), [0] * 8)
                was_in, further, next_in = rank in visited, rank < furthest, rank + 1 in visited
                figure[0] += count
                figure[1] += count * was_in
                figure[2] += count * further
                figure[3] += count * (was_in and next_in)
                if rank < len(ranks):  # the last stage converts to nothing
                    figure[4] += count * further
                    figure[5] += count
                    figure[6] += count * (was_in and next_in)
                    figure[7] += count * was_in
        return figures

    def _funnel_order(self, figures, rows, dimension_count, before_stage, ordered_by_name):
        """The keys of ``figures`` in the order of the SQL grouping: the dimensions as the leads'
        grouping sorted them, the stages in their order, wherever the stage is in the grouping."""
        position = {}
        for row in rows:
            position.setdefault(tuple(row[:dimension_count]), len(position))
        prefix_position = {}
        for keys in position:
            prefix_position.setdefault(keys[:before_stage], len(prefix_position))
        stage_ids = sorted({stage_id for _keys, stage_id in figures if stage_id})
        if ordered_by_name:
            all_stages = self.env["crm.stage"].sudo().with_context(active_test=False)
            stage_ids = all_stages.search([("id", "in", stage_ids)]).ids
        stage_order = {stage_id: index for index, stage_id in enumerate(stage_ids)}
        return sorted(
            figures,
            key=lambda key: (prefix_position[key[0][:before_stage]], stage_order.get(key[1], 0), position[key[0]]),
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
                SELECT l.id AS lead_id, {LEAD_COLUMNS}, l.date_closed, l.funnel_visits,
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
                   -- not a field: what the stage funnel counts its groups of leads by
                   funnel_visits,
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
