"""Quarterly sales targets (客户目标清单): what a manager expects of the company, a team or a rep
in a period, how far it got, the gap, and how many leads each open stage needs per remaining week
to close it at the conversion rates of the last 4 quarters.

Progress, gap and status are computed when read, for the whole batch at once (two SQL queries,
whatever the number of targets, each reading only the period's leads by the index of their creation
or closing date), never stored: they follow the pipeline without recomputations.
"""

import logging
from datetime import datetime, time, timedelta
from fractions import Fraction
from math import ceil

import pytz
from dateutil.relativedelta import relativedelta
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL, date_utils, format_date, formatLang
from odoo.tools.sql import create_index

from .crm_process_guard import ProcessGuard

_logger = logging.getLogger(__name__)

SCOPES = [("company", "Company"), ("team", "Sales team"), ("user", "Salesperson")]
METRICS = [
    ("new_customers", "New customers"),
    ("won_opportunities", "Won opportunities"),
    ("won_revenue", "Won revenue"),
    ("new_leads", "New leads"),
]
STATUSES = [
    ("not_started", "Not started"),
    ("behind", "Behind schedule"),
    ("on_track", "On track"),
    ("achieved", "Achieved"),
    ("closed", "Ended, missed"),
]
# A target is behind when its progress lags the share of the period gone by more than this (percentage points).
BEHIND_TOLERANCE = 10
# The conversion rates of the stages are measured over the last 4 quarters.
CONVERSION_WINDOW = relativedelta(months=12)
# The metrics counted on the leads of the period (new customers are counted on each customer's first win).
LEAD_METRICS = ("new_leads", "won_opportunities", "won_revenue")


class CrmLead(models.Model):
    _inherit = "crm.lead"

    # the targets count the wins of a period by their closing date: an index on the closed leads
    date_closed = fields.Datetime(index="btree_not_null")

    def init(self):
        res = super().init()
        # whether a customer was won before a period (new customers): its contacts' closed leads by date
        create_index(
            self.env.cr,
            "crm_lead_partner_id_date_closed_index",
            self._table,
            ["partner_id", "date_closed"],
            where="date_closed IS NOT NULL",
        )
        return res


class CrmSalesTarget(ProcessGuard, models.Model):
    """A sales target (客户目标清单): a metric to reach in a period, by the company, a team or a rep,
    optionally among the customers of one industry or region."""

    _name = "crm.sales.target"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _description = "Sales Target"
    _order = "date_start desc, id desc"
    _check_company_auto = True
    # the owner follows the scope; the reminder date is the cron's
    _process_fields = ("owner_id", "last_reminder_date")

    name = fields.Char(required=True, help="What the target is about, e.g. “2026 Q4 new manufacturing customers”.")
    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company)
    currency_id = fields.Many2one(related="company_id.currency_id")

    # Period: the current quarter by default
    date_start = fields.Date(
        string="Start", required=True, tracking=True, default=lambda self: self._default_period()[0]
    )
    date_end = fields.Date(string="End", required=True, tracking=True, default=lambda self: self._default_period()[1])
    period_label = fields.Char(string="Period", compute="_compute_period_label")

    # Whose results count
    scope = fields.Selection(
        SCOPES,
        required=True,
        default="company",
        tracking=True,
        help="Company: every lead of the company. Sales team: the leads of the team. "
        "Salesperson: the leads of the rep.",
    )
    team_id = fields.Many2one(
        "crm.team",
        string="Sales team",
        compute="_compute_team_id",
        store=True,
        readonly=False,
        index="btree_not_null",
        check_company=True,
        help="Scope team: whose leads count. Scope salesperson: the rep's team, whose pipeline and conversion "
        "rates give the leads needed per week (the rep's own sales team by default).",
    )
    user_id = fields.Many2one(
        "res.users",
        string="Salesperson",
        compute="_compute_user_id",
        store=True,
        readonly=False,
        index="btree_not_null",
        check_company=True,
        domain="[('share', '=', False)]",
        help="Scope salesperson: the rep whose leads count.",
    )
    industry_id = fields.Many2one(
        "res.partner.industry",
        help="Count only the leads whose customer (the company of the lead's contact) is in this industry.",
    )
    region_id = fields.Many2one(
        "crm.sales.region",
        string="Sales region",
        check_company=True,
        help="Count only the leads whose customer (the company of the lead's contact) is in this sales region.",
    )
    owner_id = fields.Many2one(
        "res.users",
        compute="_compute_owner_id",
        store=True,
        index=True,
        help="Who answers for the target and is reminded when it falls behind: the salesperson, the team "
        "leader, or for a company target its creator.",
    )

    # What is measured
    metric = fields.Selection(
        METRICS,
        required=True,
        default="new_customers",
        tracking=True,
        help="New customers: customers whose first won opportunity ever (in the company, any team) was won in "
        "the period, when that opportunity is in the target's scope and filters.\n"
        "Won opportunities: opportunities won in the period (their closing date).\n"
        "Won revenue: the expected revenue of those won opportunities, in the company's currency.\n"
        "New leads: leads and opportunities created in the period, lost or archived ones included.",
    )
    target_value = fields.Float(string="Target", digits=(16, 0), required=True, tracking=True)

    # Where it stands (computed when read, for the whole batch)
    progress_value = fields.Float(
        string="Progress",
        digits=(16, 0),
        compute="_compute_progress",
        help="What the scope achieved in the period so far, measured as the metric says.",
    )
    gap = fields.Float(digits=(16, 0), compute="_compute_progress", help="What is still missing to reach the target.")
    progress_percent = fields.Float(
        string="Progress (%)", digits=(16, 1), compute="_compute_progress", help="Progress as a share of the target."
    )
    expected_percent = fields.Float(
        string="Period elapsed (%)",
        digits=(16, 1),
        compute="_compute_progress",
        help="Share of the period's days gone by, today included: the progress expected of a target on schedule.",
    )
    status = fields.Selection(
        STATUSES,
        compute="_compute_progress",
        search="_search_status",
        help="Behind schedule: the progress is more than 10 points below the share of the period gone by.",
    )
    weeks_left = fields.Float(
        string="Weeks left",
        digits=(16, 1),
        compute="_compute_progress",
        help="Weeks from today to the end of the period (at least one while the period runs).",
    )
    needed_html = fields.Html(
        string="Needed per week",
        compute="_compute_needed_html",
        sanitize=False,
        help="Per open stage of the pipeline: the share of the leads that entered it in the last 4 quarters "
        "that are won now, and how many leads the stage needs, in all and per remaining week, to close the gap.",
    )
    last_reminder_date = fields.Date(
        string="Last reminder", readonly=True, copy=False, help="When the owner was last reminded that it is behind."
    )

    @api.model
    def _default_period(self):
        """The current quarter."""
        today = fields.Date.context_today(self)
        return date_utils.start_of(today, "quarter"), date_utils.end_of(today, "quarter")

    # ------------------------------------------------------------------ constraints

    @api.constrains("date_start", "date_end")
    def _check_period(self):
        for target in self:
            if target.date_start and target.date_end and target.date_start > target.date_end:
                raise ValidationError(
                    self.env._(
                        "The period of target “%(name)s” ends (%(end)s) before it starts (%(start)s).",
                        name=target.name,
                        start=target.date_start,
                        end=target.date_end,
                    )
                )

    @api.constrains("target_value")
    def _check_target_value(self):
        for target in self:
            if target.target_value <= 0:
                raise ValidationError(
                    self.env._("The target of “%(name)s” must be greater than zero.", name=target.name)
                )

    @api.constrains("scope", "team_id", "user_id")
    def _check_scope(self):
        for target in self:
            if target.scope == "team" and not target.team_id:
                raise ValidationError(
                    self.env._(
                        "Choose the sales team of target “%(name)s”, or set its scope to Company.", name=target.name
                    )
                )
            if target.scope == "user" and not target.user_id:
                raise ValidationError(
                    self.env._(
                        "Choose the salesperson of target “%(name)s”, or set its scope to Company.", name=target.name
                    )
                )

    # ------------------------------------------------------------------ computes

    @api.depends("date_start", "date_end")
    def _compute_period_label(self):
        for target in self:
            start, end = target.date_start, target.date_end
            if not (start and end):
                target.period_label = False
            elif start == date_utils.start_of(start, "quarter") and end == date_utils.end_of(start, "quarter"):
                target.period_label = f"{start.year} Q{(start.month - 1) // 3 + 1}"
            elif start == date_utils.start_of(start, "month") and end == date_utils.end_of(start, "month"):
                target.period_label = f"{start:%Y-%m}"
            elif start == date_utils.start_of(start, "year") and end == date_utils.end_of(start, "year"):
                target.period_label = str(start.year)
            else:
                target.period_label = f"{format_date(self.env, start)} – {format_date(self.env, end)}"

    @api.depends("scope", "user_id")
    def _compute_team_id(self):
        for target in self:
            if target.scope == "company":
                target.team_id = False
            elif target.scope == "user":
                # a new rep brings his own team (its pipeline and conversion rates), unless he has none
                target.team_id = target.user_id.sale_team_id or target.team_id
            else:
                target.team_id = target.team_id

    @api.depends("scope")
    def _compute_user_id(self):
        for target in self:
            target.user_id = target.user_id if target.scope == "user" else False

    @api.depends("scope", "user_id", "team_id.user_id")
    def _compute_owner_id(self):
        for target in self:
            if target.scope == "user":
                target.owner_id = target.user_id
            elif target.scope == "team" and target.team_id.user_id:
                target.owner_id = target.team_id.user_id
            else:
                target.owner_id = target.create_uid or self.env.user

    @api.depends(
        "company_id", "date_start", "date_end", "scope", "team_id", "user_id", "industry_id", "region_id",
        "metric", "target_value",
    )  # fmt: skip
    def _compute_progress(self):
        progress = self._progress_values()
        for target, value in zip(self, progress, strict=True):
            start, end, goal = target.date_start, target.date_end, target.target_value
            percent = 100.0 * value / goal if goal > 0 else 0.0
            target.progress_value = value
            target.gap = max(goal - value, 0.0)
            target.progress_percent = percent
            if not (start and end):
                target.expected_percent = target.weeks_left = 0.0
                target.status = "not_started"
                continue
            today = target._today()
            days = (end - start).days + 1
            expected = 100.0 * min(max((today - start).days + 1, 0), days) / days
            target.expected_percent = expected
            target.weeks_left = max(target._days_left(), 7) / 7 if today <= end else 0.0
            if goal > 0 and value >= goal:
                target.status = "achieved"
            elif today > end:
                target.status = "closed"
            elif today < start:
                target.status = "not_started"
            elif percent < expected - BEHIND_TOLERANCE:
                target.status = "behind"
            else:
                target.status = "on_track"

    def _search_status(self, operator, value):
        """Targets by computed status (search filters *Behind schedule*, *Achieved*): the statuses of
        the targets the user can read, computed in one batch."""
        if operator not in ("=", "!=", "in", "not in"):
            return NotImplemented
        values = {value} if isinstance(value, str) or not value else set(value)
        targets = self.search([])
        matching = targets.filtered(lambda target: target.status in values)
        return [("id", "in" if operator in ("=", "in") else "not in", matching.ids)]

    @api.depends(
        "company_id", "date_start", "date_end", "scope", "team_id", "user_id", "industry_id", "region_id",
        "metric", "target_value",
    )  # fmt: skip
    def _compute_needed_html(self):
        for target, needed in zip(self, self._needed_per_week(), strict=True):
            target.needed_html = target._render_needed(needed)

    # ------------------------------------------------------------------ progress

    def _today(self):
        """Today in the target's company's time zone."""
        tz = pytz.timezone((self.company_id or self.env.company)._local_tz())
        return pytz.utc.localize(fields.Datetime.now()).astimezone(tz).date()

    def _days_left(self):
        """Days from today (included) to the end of the period; all of them before it starts, none after."""
        today = self._today()
        return max((self.date_end - max(today, self.date_start)).days + 1, 0)

    def _period_bounds(self):
        """The period as UTC datetimes, [start, stop): its first and the day after its last day at
        midnight in the company's time zone (how the leads' creation and closing dates are stored)."""
        tz = pytz.timezone(self.company_id._local_tz())

        def utc(day):
            return tz.localize(datetime.combine(day, time.min)).astimezone(pytz.utc).replace(tzinfo=None)

        return utc(self.date_start), utc(self.date_end + timedelta(days=1))

    def _scope_values(self, index):
        """This target as a row of the progress queries (its position in the batch, not its id: the
        form's new targets have none)."""
        start, stop = self._period_bounds()
        return SQL(
            "(%s, %s, %s, %s, %s::int, %s::int, %s::int, %s::int)",
            index,
            self.company_id.id,
            start,
            stop,
            self.team_id.id if self.scope == "team" else None,
            self.user_id.id if self.scope == "user" else None,
            self.industry_id.id or None,
            self.region_id.id or None,
        )

    def _progress_values(self):
        """The progress of each target of the batch, in order: at most two queries (one for the
        metrics counting leads, one for new customers), whatever the number of targets."""
        values = [0.0] * len(self)
        measurable = [
            (index, target)
            for index, target in enumerate(self)
            if target.company_id and target.date_start and target.date_end and target.metric
        ]
        if not measurable:
            return values
        self._flush_pipeline()
        lead_rows = [(index, target) for index, target in measurable if target.metric in LEAD_METRICS]
        if lead_rows:
            for index, new_leads, won, revenue in self.env.execute_query(self._lead_progress_query(lead_rows)):
                metric = self[index].metric
                values[index] = float(
                    new_leads if metric == "new_leads" else won if metric == "won_opportunities" else revenue
                )
        customer_rows = [(index, target) for index, target in measurable if target.metric == "new_customers"]
        if customer_rows:
            for index, count in self.env.execute_query(self._new_customers_query(customer_rows)):
                values[index] = float(count)
        return values

    @api.model
    def _flush_pipeline(self):
        """Pending changes of what the raw queries read (leads, their customers, stages, history)."""
        self.env["crm.lead"].flush_model(
            ["company_id", "team_id", "user_id", "partner_id", "stage_id", "active", "create_date", "date_closed",
             "expected_revenue"]
        )  # fmt: skip
        self.env["res.partner"].flush_model(["commercial_partner_id", "industry_id", "region_id"])
        self.env["crm.stage"].flush_model(["is_won"])
        self.env["crm.lead.stage.history"].flush_model(["lead_id", "stage_to_id", "date"])

    @api.model
    def _targets_table(self, rows):
        """``rows`` ((position, target) pairs) as a table the progress queries join on."""
        return SQL(
            "(VALUES %s) AS target(idx, company_id, date_from, date_to, team_id, user_id, industry_id, region_id)",
            SQL(", ").join(target._scope_values(index) for index, target in rows),
        )

    @api.model
    def _lead_progress_query(self, rows):
        """Per target: leads created, opportunities won and their revenue in the period, among the
        leads of its company, team or rep whose customer is in its industry and region. Each count
        reads only its period's leads (by the creation date's index, the closing date's); the
        contacts of the industry and region are listed once per target that filters on them; a
        target counts only what its metric needs (the leads created, or those won)."""
        scoped = """
            lead.company_id = target.company_id
            AND (target.team_id IS NULL OR lead.team_id = target.team_id)
            AND (target.user_id IS NULL OR lead.user_id = target.user_id)
            AND (target.contact_ids IS NULL OR lead.partner_id = ANY(target.contact_ids))
        """
        return SQL(
            f"""
            WITH target AS (
                SELECT target.*,
                       CASE WHEN target.industry_id IS NOT NULL OR target.region_id IS NOT NULL THEN ARRAY(
                           SELECT contact.id
                             FROM res_partner contact
                             JOIN res_partner customer ON customer.id = contact.commercial_partner_id
                            WHERE (target.industry_id IS NULL OR customer.industry_id = target.industry_id)
                              AND (target.region_id IS NULL OR customer.region_id = target.region_id)
                       ) END AS contact_ids
                  FROM %(targets)s
            )
            SELECT target.idx, created.count, won.count, COALESCE(won.revenue, 0)
              FROM target
             CROSS JOIN LATERAL (
                    SELECT COUNT(*) AS count
                      FROM crm_lead lead
                     WHERE target.idx = ANY(%(created)s)
                       AND lead.create_date >= target.date_from AND lead.create_date < target.date_to AND {scoped}
             ) created
             CROSS JOIN LATERAL (
                    SELECT COUNT(*) AS count, SUM(lead.expected_revenue) AS revenue
                      FROM crm_lead lead
                      JOIN crm_stage stage ON stage.id = lead.stage_id AND stage.is_won
                     WHERE target.idx != ALL(%(created)s)
                       AND lead.active AND lead.date_closed >= target.date_from AND lead.date_closed < target.date_to
                       AND {scoped}
             ) won
            """,
            targets=self._targets_table(rows),
            created=[index for index, target in rows if target.metric == "new_leads"],
        )

    @api.model
    def _new_customers_query(self, rows):
        """Per target: the customers whose first won opportunity ever in the company was won in the
        period and is in the target's scope, industry and region. Reads the opportunities won in the
        period (by the closing date's index), and for each of their customers whether one was won
        before (by the customer's contacts and their leads), not every opportunity ever won."""
        return SQL(
            """
            SELECT target.idx, COUNT(first_won.customer_id)
              FROM %(targets)s
              LEFT JOIN LATERAL (
                    SELECT won.customer_id
                      FROM (
                            SELECT DISTINCT ON (contact.commercial_partner_id)
                                   contact.commercial_partner_id AS customer_id, lead.team_id, lead.user_id
                              FROM crm_lead lead
                              JOIN crm_stage stage ON stage.id = lead.stage_id AND stage.is_won
                              JOIN res_partner contact ON contact.id = lead.partner_id
                             WHERE lead.active AND lead.company_id = target.company_id
                               AND lead.date_closed >= target.date_from AND lead.date_closed < target.date_to
                             ORDER BY contact.commercial_partner_id, lead.date_closed, lead.id
                      ) won
                      JOIN res_partner customer ON customer.id = won.customer_id
                     WHERE (target.team_id IS NULL OR won.team_id = target.team_id)
                       AND (target.user_id IS NULL OR won.user_id = target.user_id)
                       AND (target.industry_id IS NULL OR customer.industry_id = target.industry_id)
                       AND (target.region_id IS NULL OR customer.region_id = target.region_id)
                       AND NOT EXISTS (
                            SELECT 1
                              FROM res_partner contact
                              JOIN crm_lead earlier ON earlier.partner_id = contact.id
                              JOIN crm_stage stage ON stage.id = earlier.stage_id AND stage.is_won
                             WHERE contact.commercial_partner_id = won.customer_id
                               AND earlier.active AND earlier.company_id = target.company_id
                               AND earlier.date_closed < target.date_from
                       )
              ) first_won ON TRUE
             GROUP BY target.idx
            """,
            targets=self._targets_table(rows),
        )

    # ------------------------------------------------------------------ needed per week

    def _conversion_key(self):
        """Whose conversion rates the target reads: its company's, within its team when it has one."""
        return self.company_id.id, self.team_id.id or None

    def _needed_per_week(self):
        """What each target of the batch needs per open stage, in order: a dict with a ``message``
        (the target needs nothing, or cannot be measured) or the ``rows`` (stage, leads entered and
        won of those, leads needed, per week) and the ``deals`` needed. Two queries at most (the
        stages' conversion and the average won deal), whatever the number of targets."""
        keys = {target._conversion_key() for target in self if target.company_id}
        since = fields.Datetime.now() - CONVERSION_WINDOW
        conversion, average_deal = self._stage_conversion(keys, since), {}
        if any(target.metric == "won_revenue" for target in self):
            average_deal = self._average_won_deal(keys, since)
        # the pipelines of the batch's teams, their stages read at once
        Stage = self.env["crm.stage"]
        pipelines = {team: Stage._pipeline_for(team) for team in {target.team_id for target in self}}
        Stage.union(*pipelines.values()).fetch(["name", "is_won"])
        result = []
        for target in self:
            stages = pipelines[target.team_id].filtered(lambda stage: not stage.is_won)
            message = target._nothing_to_plan(stages)
            deals = target._deals_needed(average_deal) if not message else None
            if deals is None:
                result.append(
                    {
                        "message": message
                        or self.env._(
                            "No opportunity was won in the last 4 quarters: the revenue gap cannot be turned into "
                            "a number of deals."
                        )
                    }
                )
                continue
            days_left = target._days_left()
            stage_conversion = conversion.get(target._conversion_key(), {})
            rows = []
            for stage in stages[:1] if target.metric == "new_leads" else stages:
                entered, won = stage_conversion.get(stage.id, (0, 0))
                if target.metric == "new_leads":
                    needed = deals
                else:
                    needed = ceil(Fraction(deals * entered, won)) if won else None
                rows.append(
                    {
                        "stage": stage,
                        "entered": entered,
                        "won": won,
                        "conversion": 100.0 * won / entered if entered else None,
                        "needed": needed,
                        # weeks of at least 7 days: the last days of a period do not ask for more than a week's work
                        "per_week": ceil(Fraction(needed * 7, max(days_left, 7))) if needed is not None else None,
                    }
                )
            result.append({"rows": rows, "deals": deals})
        return result

    def _nothing_to_plan(self, stages):
        """Why this target needs no plan per stage (a sentence), if it needs none."""
        if not (self.date_start and self.date_end and self.target_value > 0 and self.metric):
            return self.env._("Set the period, the metric and the target first.")
        if self.status == "achieved":
            return self.env._("The target is reached: nothing more is needed.")
        if self.status == "closed":
            return self.env._("The period is over.")
        if not stages:
            return self.env._("The pipeline has no open stage.")
        return None

    def _deals_needed(self, average_deal):
        """The wins (or, for new leads, the leads) still needed: the gap, or for revenue the gap in deals
        of the average won deal; None when no deal was won to measure it."""
        if self.metric != "won_revenue":
            return ceil(self.gap)
        average = average_deal.get(self._conversion_key())
        return ceil(Fraction(self.gap) / Fraction(average)) if average else None

    @api.model
    def _stage_conversion(self, keys, since):
        """{(company, team or None): {stage id: (leads that entered it since ``since``, those won now)}}."""
        if not keys:
            return {}
        self._flush_pipeline()
        rows = self.env.execute_query(
            SQL(
                """
                SELECT scope.company_id, scope.team_id, history.stage_to_id,
                       COUNT(DISTINCT lead.id),
                       COUNT(DISTINCT lead.id) FILTER (WHERE lead.active AND stage.is_won)
                  FROM (VALUES %(keys)s) AS scope(company_id, team_id)
                  JOIN crm_lead lead ON lead.company_id = scope.company_id
                                    AND (scope.team_id IS NULL OR lead.team_id = scope.team_id)
                  JOIN crm_lead_stage_history history ON history.lead_id = lead.id
                                                     AND history.date >= %(since)s AND history.date <= %(now)s
                  LEFT JOIN crm_stage stage ON stage.id = lead.stage_id
                 GROUP BY scope.company_id, scope.team_id, history.stage_to_id
                """,
                keys=SQL(", ").join(SQL("(%s::int, %s::int)", company, team) for company, team in keys),
                since=since,
                now=fields.Datetime.now(),
            )
        )
        conversion = {}
        for company, team, stage, entered, won in rows:
            conversion.setdefault((company, team), {})[stage] = (entered, won)
        return conversion

    @api.model
    def _average_won_deal(self, keys, since):
        """{(company, team or None): the average expected revenue of the opportunities won since ``since``}."""
        if not keys:
            return {}
        rows = self.env.execute_query(
            SQL(
                """
                SELECT scope.company_id, scope.team_id, AVG(lead.expected_revenue)
                  FROM (VALUES %(keys)s) AS scope(company_id, team_id)
                  JOIN crm_lead lead ON lead.company_id = scope.company_id
                                    AND (scope.team_id IS NULL OR lead.team_id = scope.team_id)
                                    AND lead.active AND lead.date_closed >= %(since)s AND lead.date_closed <= %(now)s
                  JOIN crm_stage stage ON stage.id = lead.stage_id AND stage.is_won
                 GROUP BY scope.company_id, scope.team_id
                """,
                keys=SQL(", ").join(SQL("(%s::int, %s::int)", company, team) for company, team in keys),
                since=since,
                now=fields.Datetime.now(),
            )
        )
        return {(company, team): average for company, team, average in rows if average}

    def _render_needed(self, needed):
        """The "Needed per week" table of this target (HTML)."""
        if "message" in needed:
            return Markup('<p class="text-muted">%s</p>') % needed["message"]
        env = self.env

        def number(value):
            return formatLang(env, value, digits=0)

        gap, weeks = self._format_value(self.gap), formatLang(env, self.weeks_left, digits=1)
        if self.metric == "new_customers":
            intro = env._(
                "New customers still to win: %(gap)s in %(weeks)s weeks, each through a won opportunity.",
                gap=gap,
                weeks=weeks,
            )
        elif self.metric == "won_opportunities":
            intro = env._("Opportunities still to win: %(gap)s in %(weeks)s weeks.", gap=gap, weeks=weeks)
        elif self.metric == "won_revenue":
            intro = env._(
                "Revenue still to win: %(gap)s in %(weeks)s weeks, i.e. %(deals)s deals of the average size won "
                "in the last 4 quarters.",
                gap=gap,
                weeks=weeks,
                deals=number(needed["deals"]),
            )
        else:
            intro = env._(
                "New leads still to find: %(gap)s in %(weeks)s weeks; they enter the pipeline at its first stage.",
                gap=gap,
                weeks=weeks,
            )
        lines = []
        never_won = False
        for row in needed["rows"]:
            if self.metric == "new_leads":
                conversion = ""
            elif row["conversion"] is None:
                conversion = "—"
            else:
                conversion = f"{formatLang(env, row['conversion'], digits=1)} %"
            if row["needed"] is None:
                never_won = True
                needed_cell = per_week_cell = "—"
            else:
                needed_cell, per_week_cell = number(row["needed"]), number(row["per_week"])
            lines.append(
                Markup(
                    '<tr><td>%s</td><td class="text-end">%s</td><td class="text-end">%s</td>'
                    '<td class="text-end"><strong>%s</strong></td></tr>'
                )
                % (row["stage"].name, conversion, needed_cell, per_week_cell)
            )
        footnote = (
            Markup('<p class="text-muted small">— %s</p>')
            % env._("No lead reached a win from this stage in the last 4 quarters.")
            if never_won
            else ""
        )
        return Markup(
            '<p>%(intro)s</p><table class="table table-sm o_crm_sales_target_needed">'
            '<thead><tr><th>%(stage)s</th><th class="text-end">%(conversion)s</th>'
            '<th class="text-end">%(needed)s</th><th class="text-end">%(per_week)s</th></tr></thead>'
            "<tbody>%(lines)s</tbody></table>%(footnote)s"
        ) % {
            "intro": intro,
            "stage": env._("Stage"),
            "conversion": env._("Conversion to won (last 4 quarters)"),
            "needed": env._("Leads needed in the stage"),
            "per_week": env._("Per remaining week"),
            "lines": Markup().join(lines),
            "footnote": footnote,
        }

    # ------------------------------------------------------------------ reminders

    @api.model
    def _cron_remind_behind_targets(self):
        """Remind the owner of each target behind schedule, once a month while its period runs.
        Returns the number of targets reminded."""
        today = fields.Date.today()
        # a day of margin each side: the companies' time zones decide (status and month below)
        candidates = self.search(
            [
                ("date_start", "<=", today + timedelta(days=1)),
                ("date_end", ">=", today - timedelta(days=1)),
                ("owner_id", "!=", False),
            ]
        )
        behind = candidates.filtered(
            lambda target: (
                target.status == "behind"
                and (
                    not target.last_reminder_date
                    or target.last_reminder_date < date_utils.start_of(target._today(), "month")
                )
            )
        )
        behind._remind_owners()
        _logger.info("Sales targets: %s owner reminder(s) given", len(behind))
        return len(behind)

    def _format_value(self, amount):
        """``amount`` of the target's metric as its reader reads it: a number, or for revenue money."""
        if self.metric == "won_revenue":
            return formatLang(self.env, amount, digits=0, currency_obj=self.currency_id)
        return formatLang(self.env, amount, digits=0)

    def _remind_owners(self):
        """One to-do activity for the owner of each of these targets, in his language (the batch
        grouped by language), due today in his time zone; then the reminder date is recorded."""
        if not self:
            return
        todo = self.env.ref("mail.mail_activity_data_todo")
        reminders = []
        for lang, targets in self.grouped(lambda target: target.owner_id.lang).items():
            env = self.with_context(lang=lang).env
            for target in targets.with_env(env):
                summary = env._("Sales target behind schedule: %(target)s", target=target.name)
                percent = formatLang(env, target.progress_percent, digits=0) + "%"
                expected = formatLang(env, target.expected_percent, digits=0) + "%"
                note = env._(
                    "“%(target)s” is behind schedule: %(progress)s of %(value)s (%(percent)s) while %(expected)s "
                    "of the period has gone by. %(gap)s still to reach by %(end)s: see the leads needed per week "
                    "on the target.",
                    target=target.name,
                    progress=target._format_value(target.progress_value),
                    value=target._format_value(target.target_value),
                    percent=percent,
                    expected=expected,
                    gap=target._format_value(target.gap),
                    end=format_date(env, target.date_end),
                )
                reminders.append((target, target.owner_id, summary, note))
        self.env["mail.activity"]._create_reminders(todo, reminders)
        for today, targets in self.grouped(lambda target: target._today()).items():
            targets._process().write({"last_reminder_date": today})
