"""Sales targets (客户目标清单): progress, gap, status and the leads needed per week on a fixed
data set; their cost whatever the number of targets; who sees which target; what clients cannot
write; the monthly reminder of targets behind schedule, in the owner's language.

The data set (team "Test East China", company time zone Asia/Shanghai, all times 12:00 UTC):

- 10 leads created 2024-06-03 (L1 to L10, 50,000 each): L1 and L2 go Lead acquisition → Needs
  discovery → Solution → Negotiation → Contract (won) on 2024-07-01, L3 and L4 reach Solution (L4 then
  the team's own stage "Trial run") and are lost, L5 stays in Needs discovery, L6 to L10 in Lead
  acquisition;
- in 2025 Q1: P1 (rep, customer A, already won in 2024 through L1) won 01-20 for 200,000, P2 (rep,
  new customer C: manufacturing, East China) won 02-03 for 300,000, P3 (rep_2, new customer D,
  retail) won 02-10 for 100,000, P4 (rep_2, no customer) open, P5 (rep) lost; Q1 of another team
  (rep, new customer E: manufacturing, South China) won 01-15 for 150,000.

Today is 2025-02-14: 45 of the quarter's 90 days are gone (50 %), 46 days are left (6.6 weeks).
Conversions of the team over the last 4 quarters: Lead acquisition 5 won of 15 (33.3 %), Needs
discovery 2 of 5 (40 %), Solution 2 of 4 (50 %), Trial run 0 of 1, Negotiation 2 of 2 (100 %).
"""

from contextlib import contextmanager
from datetime import date, datetime, timedelta
from unittest.mock import patch

from freezegun import freeze_time

from odoo import Command
from odoo.addons.crm_sales_process.models.crm_lead_gate import StageGateBypass
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged
from odoo.tools.translate import code_translations

from .common import CrmSalesProcessCase, RpcAttackCase

TODAY = datetime(2025, 2, 14, 12, 0)
Q1 = {"date_start": "2025-01-01", "date_end": "2025-03-31"}


@contextmanager
def frozen_at(env, when):
    """Python's clock and the transaction's timestamp (create_date) at ``when``."""
    with freeze_time(when), patch.object(env.cr, "now", lambda: when):
        yield


class SalesTargetCase(CrmSalesProcessCase):
    """The fixed data set of the module docstring."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.resource_calendar_id.tz = "Asia/Shanghai"
        cls.team.member_ids = [Command.link(cls.rep.id)]
        cls.team_2 = cls.env["crm.team"].create({"name": "Test South China", "company_id": cls.company.id})
        cls.lead_stage = cls.env.ref("crm_sales_process.crm_stage_lead")
        cls.discovery = cls.env.ref("crm_sales_process.crm_stage_discovery")
        cls.solution = cls.env.ref("crm_sales_process.crm_stage_solution")
        cls.negotiation = cls.env.ref("crm_sales_process.crm_stage_negotiation")
        cls.won_stage = cls.env.ref("crm_sales_process.crm_stage_contract")
        cls.trial = cls.env["crm.stage"].create(
            {"name": "Trial run", "team_id": cls.team.id, "sequence": cls.solution.sequence}
        )
        cls.manufacturing = cls.env.ref("base.res_partner_industry_C")
        cls.retail = cls.env.ref("base.res_partner_industry_G")
        cls.east = cls.env.ref("crm_sales_process.crm_sales_region_east")
        cls.south = cls.env.ref("crm_sales_process.crm_sales_region_south")
        Partner = cls.env["res.partner"]
        cls.customer_a = Partner.create({"name": "A 机械", "is_company": True, "industry_id": cls.manufacturing.id})
        cls.customer_c = Partner.create(
            {"name": "C 精工", "is_company": True, "industry_id": cls.manufacturing.id, "region_id": cls.east.id}
        )
        cls.customer_d = Partner.create({"name": "D 商贸", "is_company": True, "industry_id": cls.retail.id})
        cls.customer_e = Partner.create(
            {"name": "E 模具", "is_company": True, "industry_id": cls.manufacturing.id, "region_id": cls.south.id}
        )
        # P2 is signed by a contact of C: its customer is the contact's company
        cls.contact_c = Partner.create({"name": "C 采购", "parent_id": cls.customer_c.id})

        with frozen_at(cls.env, datetime(2024, 6, 3, 12, 0)):
            cls.old = cls._leads(10, cls.team, cls.rep, expected_revenue=50000)
        l1, l2, l3, l4, l5 = cls.old[:5]
        (l1 | l2).partner_id = cls.customer_a
        with frozen_at(cls.env, datetime(2024, 6, 20, 12, 0)):
            cls._move(l1 | l2 | l3 | l4 | l5, cls.discovery)
            cls._move(l1 | l2 | l3 | l4, cls.solution)
            cls._move(l4, cls.trial)
            cls._move(l1 | l2, cls.negotiation)
        with frozen_at(cls.env, datetime(2024, 7, 1, 12, 0)):
            cls._move(l1 | l2, cls.won_stage)
            (l3 | l4).action_set_lost()

        cls.p1 = cls._lead_on(datetime(2025, 1, 6, 12), cls.team, cls.rep, customer_a=200000)
        cls.p2 = cls._lead_on(datetime(2025, 1, 8, 12), cls.team, cls.rep, contact_c=300000)
        cls.p3 = cls._lead_on(datetime(2025, 2, 1, 12), cls.team, cls.rep_2, customer_d=100000)
        cls.p4 = cls._lead_on(datetime(2025, 2, 5, 12), cls.team, cls.rep_2)
        cls.p5 = cls._lead_on(datetime(2025, 2, 12, 12), cls.team, cls.rep)
        cls.q1 = cls._lead_on(datetime(2025, 1, 10, 12), cls.team_2, cls.rep, customer_e=150000)
        for lead, when in (
            (cls.q1, datetime(2025, 1, 15, 12)),
            (cls.p1, datetime(2025, 1, 20, 12)),
            (cls.p2, datetime(2025, 2, 3, 12)),
            (cls.p3, datetime(2025, 2, 10, 12)),
        ):
            with frozen_at(cls.env, when):
                cls._move(lead, cls.won_stage)
        with frozen_at(cls.env, datetime(2025, 2, 13, 12, 0)):
            cls.p5.action_set_lost()

    @classmethod
    def _leads(cls, count, team, user, **vals):
        return cls.env["crm.lead"].create(
            [
                {
                    "name": f"Lead {index}",
                    "team_id": team.id,
                    "user_id": user.id,
                    "company_id": cls.company.id,
                    **vals,
                }
                for index in range(count)
            ]
        )

    @classmethod
    def _lead_on(cls, when, team, user, **customer_revenue):
        """A lead created at ``when``; ``customer_x=revenue`` gives its customer and expected revenue."""
        vals = {}
        for name, revenue in customer_revenue.items():
            vals = {"partner_id": getattr(cls, name).id, "expected_revenue": revenue}
        with frozen_at(cls.env, when):
            return cls._leads(1, team, user, **vals)

    @classmethod
    def _move(cls, leads, stage):
        """Move through stages without their outputs (the gate is tested elsewhere)."""
        leads.with_context(crm_stage_gate_bypass=StageGateBypass("migration", "test data")).write(
            {"stage_id": stage.id}
        )

    def _target(self, **vals):
        values = {"name": "Target", "metric": "won_opportunities", "target_value": 10, **Q1}
        values.update(vals)
        return self.env["crm.sales.target"].with_user(self.manager).create(values).sudo()

    def _read(self, targets, *names):
        """Values as the web client reads them today: computed in one batch, freshly."""
        targets.invalidate_recordset()
        with frozen_at(self.env, TODAY):
            return [tuple(target[name] for name in names) for target in targets]


@tagged("post_install", "-at_install")
class TestSalesTargetProgress(SalesTargetCase):
    def test_progress_gap_percent_and_status(self):
        """Each metric counts what its help says, in the scope and filters of the target."""
        cases = {
            "team: opportunities won in the quarter": (
                {"scope": "team", "team_id": self.team.id},
                (3, 7, 30.0, "behind"),
            ),
            "company: new manufacturing customers (A was won before, D is retail)": (
                {"metric": "new_customers", "industry_id": self.manufacturing.id, "target_value": 4},
                (2, 2, 50.0, "on_track"),
            ),
            "company: new manufacturing customers in East China": (
                {"metric": "new_customers", "industry_id": self.manufacturing.id, "region_id": self.east.id,
                 "target_value": 1},
                (1, 0, 100.0, "achieved"),
            ),
            "rep: revenue won, in any team": (
                {"scope": "user", "user_id": self.rep.id, "team_id": self.team.id, "metric": "won_revenue",
                 "target_value": 1000000},
                (650000, 350000, 65.0, "on_track"),
            ),
            "company: revenue won from manufacturers": (
                {"metric": "won_revenue", "industry_id": self.manufacturing.id, "target_value": 1300000},
                (650000, 650000, 50.0, "on_track"),
            ),
            "company: revenue won from manufacturers in East China (a contact's company counts)": (
                {"metric": "won_revenue", "industry_id": self.manufacturing.id, "region_id": self.east.id,
                 "target_value": 600000},
                (300000, 300000, 50.0, "on_track"),
            ),
            "team: new leads, the lost one included (41.7 % is within 10 points of 50 %)": (
                {"scope": "team", "team_id": self.team.id, "metric": "new_leads", "target_value": 12},
                (5, 7, 41.7, "on_track"),
            ),
            "rep_2: one win, reached": (
                {"scope": "user", "user_id": self.rep_2.id, "target_value": 1},
                (1, 0, 100.0, "achieved"),
            ),
            "team, last quarter: 2 of 5 wins, over": (
                {"scope": "team", "team_id": self.team.id, "target_value": 5, "date_start": "2024-07-01",
                 "date_end": "2024-09-30"},
                (2, 3, 40.0, "closed"),
            ),
            "team, next quarter": (
                {"scope": "team", "team_id": self.team.id, "date_start": "2025-04-01", "date_end": "2025-06-30"},
                (0, 10, 0.0, "not_started"),
            ),
        }  # fmt: skip
        targets = self.env["crm.sales.target"].union(*(self._target(**vals) for vals, _expected in cases.values()))
        values = self._read(targets, "progress_value", "gap", "progress_percent", "status")
        for (label, (_vals, expected)), got in zip(cases.items(), values, strict=True):
            with self.subTest(label):
                self.assertEqual(got, expected)
        elapsed = self._read(targets[:1] | targets[-2:], "expected_percent", "weeks_left")
        # 46 days left: 6.6 weeks; none after the period, all 13 before it
        self.assertEqual(elapsed, [(50.0, 6.6), (100.0, 0.0), (0.0, 13.0)])

    def test_period_in_company_time_zone(self):
        """A lead created on 31 December at 20:00 UTC is created on 1 January in Shanghai."""
        with frozen_at(self.env, datetime(2024, 12, 31, 20, 0)):
            self._leads(1, self.team_2, self.rep_2)
        with frozen_at(self.env, datetime(2024, 12, 31, 15, 0)):
            self._leads(1, self.team_2, self.rep_2)
        target = self._target(scope="team", team_id=self.team_2.id, metric="new_leads")
        # Q1 and the first of these two
        self.assertEqual(self._read(target, "progress_value"), [(2,)])

    def test_needed_per_week(self):
        """Leads needed in each open stage = the wins missing / the stage's conversion; per week over
        the 46 days left (6.6 weeks), rounded up."""
        won = self._target(scope="team", team_id=self.team.id)
        revenue = self._target(
            scope="user", user_id=self.rep.id, team_id=self.team.id, metric="won_revenue", target_value=1000000
        )
        leads = self._target(scope="team", team_id=self.team.id, metric="new_leads", target_value=12)
        won.invalidate_recordset()
        with frozen_at(self.env, TODAY):
            needed = (won | revenue | leads)._needed_per_week()
        stages = ["Lead acquisition", "Needs discovery", "Solution", "Trial run", "Negotiation"]

        def table(result):
            return [
                (row["stage"].name, row["entered"], row["won"], row["needed"], row["per_week"])
                for row in result["rows"]
            ]

        # 7 wins missing
        self.assertEqual(
            table(needed[0]),
            list(
                zip(stages, [15, 5, 4, 1, 2], [5, 2, 2, 0, 2], [21, 18, 14, None, 7], [4, 3, 3, None, 2], strict=True)
            ),
        )
        # 350,000 missing, the average deal won by the team is 140,000: 3 deals
        self.assertEqual(needed[1]["deals"], 3)
        self.assertEqual(
            table(needed[1]),
            list(zip(stages, [15, 5, 4, 1, 2], [5, 2, 2, 0, 2], [9, 8, 6, None, 3], [2, 2, 1, None, 1], strict=True)),
        )
        # 7 new leads, all in the first stage
        self.assertEqual(table(needed[2]), [("Lead acquisition", 15, 5, 7, 2)])

        with frozen_at(self.env, TODAY):
            html = str(won.needed_html)
        self.assertIn("Opportunities still to win: 7 in 6.6 weeks.", html)
        self.assertIn("33.3 %", html)
        self.assertIn("<strong>4</strong>", html)
        self.assertIn("No lead reached a win from this stage in the last 4 quarters.", html)

    def test_needed_without_history(self):
        """A reached target needs nothing; revenue without a won deal in 4 quarters cannot be counted in deals."""
        reached = self._target(scope="user", user_id=self.rep_2.id, target_value=1)
        no_deal = self._target(scope="team", team_id=self.team_2.id, metric="won_revenue", target_value=10**6)
        with frozen_at(self.env, datetime(2026, 6, 1, 12)):
            no_deal.write({"date_start": "2026-04-01", "date_end": "2026-06-30"})
            no_deal.invalidate_recordset()
            self.assertIn("cannot be turned into a number of deals", str(no_deal.needed_html))
        self.assertIn("nothing more is needed", str(self._read(reached, "needed_html")[0][0]))

    def test_queries_do_not_grow_with_targets(self):
        """Progress, status and the needed leads of 5 targets cost the queries of 1; of 20 targets
        over the four metrics those of 4."""

        def read(targets):
            targets.invalidate_recordset()
            return [(target.status, target.needed_html) for target in targets]

        # none reached: each renders its table
        revenue = [
            {"metric": "won_revenue"},
            {"metric": "won_revenue", "scope": "team", "team_id": self.team.id},
            {"metric": "won_revenue", "scope": "user", "user_id": self.rep.id, "team_id": self.team.id},
            {"metric": "won_revenue", "industry_id": self.manufacturing.id},
            {"metric": "won_revenue", "region_id": self.east.id},
        ]
        revenue = [dict(vals, target_value=10**7) for vals in revenue]
        metrics = ["new_customers", "won_opportunities", "won_revenue", "new_leads"]
        one, five = (
            self._target(**revenue[0]),
            self.env["crm.sales.target"].union(*(self._target(**vals) for vals in revenue)),
        )
        four = self.env["crm.sales.target"].union(
            *(self._target(**dict(revenue[0], metric=metric)) for metric in metrics)
        )
        twenty = self.env["crm.sales.target"].union(
            *(self._target(**dict(vals, metric=metric)) for vals in revenue for metric in metrics)
        )
        with frozen_at(self.env, TODAY):
            read(twenty)  # the pipelines' stages cached
            counts = [
                self.count_queries(lambda targets=targets: read(targets)) for targets in (one, five, four, twenty)
            ]
        self.assertEqual(counts[0], counts[1])
        self.assertEqual(counts[2], counts[3])

    def test_search_by_status(self):
        behind = self._target(scope="team", team_id=self.team.id)
        achieved = self._target(scope="user", user_id=self.rep_2.id, target_value=1)
        with frozen_at(self.env, TODAY):
            Target = self.env["crm.sales.target"]
            self.assertEqual(Target.search([("status", "=", "behind"), ("id", "in", (behind | achieved).ids)]), behind)
            self.assertEqual(
                Target.search([("status", "!=", "behind"), ("id", "in", (behind | achieved).ids)]), achieved
            )

    def test_owner_and_defaults(self):
        """The owner is the rep, the team leader or the creator; the period is the current quarter."""
        with frozen_at(self.env, TODAY):
            company = self._target()
        team = self._target(scope="team", team_id=self.team.id)
        rep = self._target(scope="user", user_id=self.rep.id)
        self.assertEqual((company | team | rep).mapped("owner_id"), self.manager | self.manager | self.rep)
        self.assertEqual(rep.team_id, self.team, "The rep's team gives the pipeline and the conversion rates.")
        rep.scope = "company"
        self.assertFalse(rep.user_id or rep.team_id)
        self.assertEqual(rep.owner_id, self.manager)
        with frozen_at(self.env, TODAY):
            default = self.env["crm.sales.target"].create({"name": "Default", "target_value": 1})
        self.assertEqual((default.date_start, default.date_end), (date(2025, 1, 1), date(2025, 3, 31)))
        self.assertEqual(default.period_label, "2025 Q1")

    def test_bad_input(self):
        with self.assertRaisesRegex(ValidationError, "Choose the sales team"):
            self._target(scope="team")
        with self.assertRaisesRegex(ValidationError, "Choose the salesperson"):
            self._target(scope="user")
        with self.assertRaisesRegex(ValidationError, "ends .* before it starts"):
            self._target(date_start="2025-03-31", date_end="2025-01-01")
        with self.assertRaisesRegex(ValidationError, "must be greater than zero"):
            self._target(target_value=0)


@tagged("post_install", "-at_install")
class TestSalesTargetAccess(SalesTargetCase):
    """A salesman reads the company's targets, his teams' and his own; sales managers write."""

    def test_salesman_sees_company_team_and_own_targets(self):
        company = self._target()
        my_team = self._target(scope="team", team_id=self.team.id)
        other_team = self._target(scope="team", team_id=self.team_2.id)
        mine = self._target(scope="user", user_id=self.rep.id)
        colleague = self._target(scope="user", user_id=self.rep_2.id, team_id=self.team.id)
        other_company = self.env["res.company"].create({"name": "Other Co"})
        foreign = self.env["crm.sales.target"].create(
            {"name": "Other Co target", "company_id": other_company.id, "target_value": 5, **Q1}
        )
        all_targets = company | my_team | other_team | mine | colleague | foreign
        visible = self.env["crm.sales.target"].with_user(self.rep).search([("id", "in", all_targets.ids)])
        self.assertEqual(visible, company | my_team | mine)
        with self.assertRaises(AccessError):
            colleague.with_user(self.rep).read(["name"])
        with self.assertRaises(AccessError):
            foreign.with_user(self.rep).read(["name"])

        senior = new_test_user(
            self.env, login="csp_senior", groups="sales_team.group_sale_salesman_all_leads,base.group_user"
        )
        visible = self.env["crm.sales.target"].with_user(senior).search([("id", "in", all_targets.ids)])
        self.assertEqual(visible, all_targets - foreign)

    def test_salesman_reads_but_cannot_write(self):
        mine = self._target(scope="user", user_id=self.rep.id)
        self.assertEqual(mine.with_user(self.rep).read(["name"])[0]["name"], "Target")
        with self.assertRaises(AccessError):
            mine.with_user(self.rep).write({"target_value": 1})
        with self.assertRaises(AccessError):
            self.env["crm.sales.target"].with_user(self.rep).create({"name": "Mine", "target_value": 1})

    def test_manager_cannot_write_process_fields(self):
        target = self._target(scope="team", team_id=self.team.id).with_user(self.manager)
        with self.assertRaisesRegex(UserError, "set by the sales process"):
            target.write({"last_reminder_date": "2025-02-01"})
        with self.assertRaisesRegex(UserError, "set by the sales process"):
            target.write({"owner_id": self.rep.id})
        with self.assertRaisesRegex(UserError, "set by the sales process"):
            self.env["crm.sales.target"].with_user(self.manager).create(
                {"name": "Forged", "target_value": 1, "last_reminder_date": "2025-02-01", **Q1}
            )
        self.assertFalse(target.last_reminder_date)
        self.assertEqual(target.owner_id, self.manager)


@tagged("post_install", "-at_install")
class TestSalesTargetRpc(RpcAttackCase):
    """A sales manager over JSON-RPC, as the web client calls: the reminder date is the cron's."""

    def setUp(self):
        super().setUp()
        self.manager.write({"lang": "zh_CN", "password": "csp_manager_password"})
        self.authenticate("csp_manager", "csp_manager_password")

    def test_manager_rpc_write_of_reminder_date_refused(self):
        target = self.env["crm.sales.target"].create({"name": "Q1", "target_value": 5, **Q1})
        context = {"lang": "zh_CN", "tz": "Asia/Shanghai", "uid": self.manager.id}
        message = self.assertRefused(
            self.rpc("crm.sales.target", "write", [target.id], {"last_reminder_date": "2025-02-01"}, context=context),
            error=("UserError",),
        )
        self.assertIn("销售流程", message)
        self.assertFalse(target.last_reminder_date)
        # the target itself stays editable by the manager
        self.assertTrue(self.rpc("crm.sales.target", "write", [target.id], {"target_value": 6}, context=context))
        self.assertEqual(target.target_value, 6)


@tagged("post_install", "-at_install")
class TestSalesTargetReminder(SalesTargetCase):
    """The daily cron reminds the owner of a target behind schedule once a month, in his language."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("zh_CN")
        cls.manager.write({"lang": "zh_CN", "tz": "Asia/Shanghai"})
        cls.rep.write({"lang": "en_US", "tz": "Europe/Paris"})
        cls.todo = cls.env.ref("mail.mail_activity_data_todo")

    def _reminders(self, targets):
        return self.env["mail.activity"].search(
            [("res_model", "=", "crm.sales.target"), ("res_id", "in", targets.ids)], order="id"
        )

    @contextmanager
    def _chinese(self):
        """The addon's Chinese terms, with the reminder's own (their translation comes with the .po)."""
        terms = dict(code_translations.get_python_translations("crm_sales_process", "zh_CN"))
        terms["Sales target behind schedule: %(target)s"] = "销售目标落后于进度：%(target)s"
        terms[
            "“%(target)s” is behind schedule: %(progress)s of %(value)s (%(percent)s) while %(expected)s "
            "of the period has gone by. %(gap)s still to reach by %(end)s: see the leads needed per week "
            "on the target."
        ] = (
            "“%(target)s”落后于进度：已完成 %(progress)s / %(value)s（%(percent)s），期间已过 %(expected)s。"
            "%(gap)s 须在 %(end)s 前完成。"
        )
        with patch.dict(code_translations.python_translations, {("crm_sales_process", "zh_CN"): terms}):
            yield

    def test_reminder_once_a_month_in_the_owners_language(self):
        team_target = self._target(name="华东赢单", scope="team", team_id=self.team.id)  # 30 % of 50 %: behind
        rep_target = self._target(
            name="Rep revenue", scope="user", user_id=self.rep.id, metric="won_revenue", target_value=3000000
        )  # 650,000 of 3,000,000: 21.7 %, behind
        on_track = self._target(name="On track", metric="new_customers", industry_id=self.manufacturing.id,
                                target_value=4)  # fmt: skip
        targets = team_target | rep_target | on_track
        with self._chinese(), frozen_at(self.env, TODAY):
            self.env["crm.sales.target"]._cron_remind_behind_targets()
        zh, en = self._reminders(team_target), self._reminders(rep_target)
        self.assertFalse(self._reminders(on_track))
        self.assertEqual((zh.user_id, en.user_id), (self.manager, self.rep))
        self.assertEqual(zh.activity_type_id | en.activity_type_id, self.todo)
        self.assertEqual(zh.summary, "销售目标落后于进度：华东赢单")
        self.assertIn(
            "“华东赢单”落后于进度：已完成 3 / 10（30%），期间已过 50%。7 须在 2025年03月31日 前完成。", zh.note
        )
        self.assertEqual(en.summary, "Sales target behind schedule: Rep revenue")
        self.assertIn("650,000.00", en.note)
        self.assertIn("while 50% of the period has gone by", en.note)
        self.assertIn("by 03/31/2025", en.note)
        self.assertEqual((team_target.last_reminder_date, rep_target.last_reminder_date), (date(2025, 2, 14),) * 2)
        self.assertFalse(on_track.last_reminder_date)

        # later in February: nobody is reminded twice
        with frozen_at(self.env, datetime(2025, 2, 27, 12)):
            self.assertEqual(self.env["crm.sales.target"]._cron_remind_behind_targets(), 0)
        self.assertEqual(len(self._reminders(targets)), 2)
        # in March, still behind: reminded again
        with frozen_at(self.env, datetime(2025, 3, 3, 12)):
            self.assertEqual(self.env["crm.sales.target"]._cron_remind_behind_targets(), 2)
        self.assertEqual(len(self._reminders(targets)), 4)
        self.assertEqual(team_target.last_reminder_date, date(2025, 3, 3))
        # after the period, nothing
        with frozen_at(self.env, datetime(2025, 4, 15, 12)):
            self.assertEqual(self.env["crm.sales.target"]._cron_remind_behind_targets(), 0)

    def test_reminder_queries_do_not_grow_with_targets(self):
        def run():
            with frozen_at(self.env, TODAY):
                self.env["crm.sales.target"]._cron_remind_behind_targets()

        self._target(scope="team", team_id=self.team.id)
        run()  # warm up: caches, first activity of the model
        self._target(name="one", scope="team", team_id=self.team.id)
        one = self.count_queries(run)
        for index in range(5):
            self._target(name=f"five {index}", scope="team", team_id=self.team.id)
        five = self.count_queries(run)
        self.assertEqual(one, five)


@tagged("post_install", "-at_install")
class TestSalesTargetDemo(CrmSalesProcessCase):
    """The demo's targets tell the truth about the demo pipeline (the deals won over the past months and the
    Xi'an contract)."""

    def test_demo_targets(self):
        def demo(name):
            return self.env.ref(f"crm_sales_process.demo_sales_target_{name}")

        manufacturing, east, revenue, previous = (
            demo(name) for name in ("manufacturing", "manufacturing_east", "east_revenue", "east_previous")
        )
        # the demo pipeline's wins move with the install date: the targets are checked against the leads
        self.assertEqual(manufacturing.status, "behind", "A handful of new customers of 30.")
        self.assertLess(east.progress_value, manufacturing.progress_value + 1)
        self.assertEqual(revenue.status, "achieved", "The Xi'an contract alone reaches the revenue target.")
        self.assertIn(previous.status, ("closed", "achieved"), "The previous quarter is over.")
        won_before = self.env["crm.lead"].search_count(
            [
                ("team_id", "=", previous.team_id.id),
                ("stage_id.is_won", "=", True),
                ("date_closed", ">=", previous.date_start),
                ("date_closed", "<", previous.date_end + timedelta(days=1)),
            ]
        )
        self.assertEqual(previous.progress_value, won_before)
        self.assertEqual(manufacturing.owner_id, self.env.ref("crm_sales_process.demo_user_manager"))
        self.assertEqual(previous.date_end + timedelta(days=1), manufacturing.date_start)
