from datetime import datetime, timedelta
from unittest.mock import patch

from odoo import fields
from odoo.tests import tagged
from odoo.tools import SQL

from .common import CrmSalesProcessCase


@tagged("post_install", "-at_install")
class TestSalesAnalysis(CrmSalesProcessCase):
    """The analytics against hand counts on a small fixed history."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.stages = cls.env["crm.stage"].search([("team_id", "=", False), ("active", "=", True)], order="sequence, id")
        assert len(cls.stages) >= 4, "the standard pipeline"
        cls.s1, cls.s2, cls.s3, cls.s4 = cls.stages[:4]

    def _lead(self, name, user=None, **vals):
        return self._create_lead(name=name, user=user, **vals)

    def _moves(self, lead, *stages, override=False):
        """Record ``lead``'s moves through ``stages`` in its history (after its creation row)."""
        rows = []
        previous = lead.stage_id
        for stage in stages:
            rows.append(
                {
                    "lead_id": lead.id,
                    "stage_from_id": previous.id,
                    "stage_to_id": stage.id,
                    "user_id": self.rep.id,
                    "date": fields.Datetime.now(),
                    "days_in_stage": 1.0,
                    "grading_score": 0,
                    "grade": False,
                    "is_override": override,
                    "is_migration": False,
                    "override_reason": "客户要求" if override else False,
                }
            )
            previous = stage
        self.env["crm.lead.stage.history"]._record(rows)

    def _close(self, lead, won, created, closed):
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "UPDATE crm_lead SET active = %s, probability = %s, create_date = %s, date_closed = %s WHERE id = %s",
                won,
                100 if won else 0,
                created,
                closed,
                lead.id,
            )
        )
        self.env.invalidate_all()

    def _funnel(self, user=None):
        Funnel = self.env["crm.sales.funnel.report"].with_user(user or self.manager)
        groups = Funnel._read_group(
            [("team_id", "=", self.team.id)],
            ["stage_id"],
            ["leads_in_order:sum", "leads_any:sum", "conversion_in_order:avg", "conversion_any:avg"],
        )
        return {stage: tuple(round(v, 1) if v else 0 for v in values) for stage, *values in groups}

    def test_funnel_in_order_and_any_stage_equal_hand_counts(self):
        l1, l2, l3, l4 = (self._lead(f"L{i}") for i in range(1, 5))
        self.assertTrue(all(lead.stage_id == self.s1 for lead in (l1, l2, l3, l4)))
        self._moves(l1, self.s2, self.s3)
        self._moves(l2, self.s3)  # skipped S2
        self._moves(l4, self.s2, self.s1)  # back to S1
        funnel = self._funnel()
        # in order: S1 4, S2 3 (L1, L2 got further, L4), S3 2; any: S1 4, S2 2 (L1, L4), S3 2
        # conversions in order: 3/4, 2/3, 0/2; any: S1→S2 2/4, S2→S3 1/2 (L1), S3→S4 0/2
        self.assertEqual(funnel[self.s1], (4, 4, 75.0, 50.0))
        self.assertEqual(funnel[self.s2], (3, 2, 66.7, 50.0))
        self.assertEqual(funnel[self.s3], (2, 2, 0, 0))
        self.assertNotIn(self.s4, funnel, "Nobody got to S4.")

    def test_lead_keeps_the_stages_it_was_in_ranked_when_read(self):
        """What the funnel reads: the stages the lead was in, kept by its moves; where they rank is
        read with the funnel: the lead's team (set by hand or with its salesperson), the order of
        the stages, the archived ones."""
        lead = self._lead("Visits")
        self.assertEqual(lead.funnel_visits, str(self.s1.id))
        self._moves(lead, self.s3, self.s1)
        self.assertEqual(lead.funnel_visits, ",".join(map(str, sorted([self.s1.id, self.s3.id]))))

        def reached():
            """{stage: (in order, any stage)} of the lead."""
            return {
                stage: tuple(values)
                for stage, *values in self.env["crm.sales.funnel.report"]._read_group(
                    [("lead_id", "=", lead.id)], ["stage_id"], ["leads_in_order:sum", "leads_any:sum"]
                )
            }

        self.assertEqual(reached(), {self.s1: (1, 1), self.s2: (1, 0), self.s3: (1, 1)}, "S1, S3, and back")
        # another team's pipeline has its own stage between S1 and S2
        north = self.env["crm.team"].create({"name": "North", "company_id": self.company.id})
        survey = self.env["crm.stage"].create(
            {"name": "North: site survey", "team_id": north.id, "sequence": self.s1.sequence}
        )
        lead.team_id = north
        self.assertEqual(reached(), {self.s1: (1, 1), survey: (1, 0), self.s2: (1, 0), self.s3: (1, 1)})
        # a salesperson of another team brings the lead into that team's pipeline
        self.team.member_ids = self.rep_2
        lead.user_id = self.rep_2
        self.assertEqual(lead.team_id, self.team)
        self.assertEqual(reached(), {self.s1: (1, 1), self.s2: (1, 0), self.s3: (1, 1)})
        # the stages of the pipeline change: S3 before S2, then S3 archived
        self.s3.sequence = self.s2.sequence - 1
        self.assertEqual(reached(), {self.s1: (1, 1), self.s3: (1, 1)})
        self.s3.active = False
        self.assertEqual(reached(), {self.s1: (1, 1)})

    def test_funnel_groupings_count_the_leads_first(self):
        """Grouped by stage and the leads' dimensions, the funnel counts the leads, then their
        stages: the same figures, in the same order, as its rows per lead and stage, which it
        does not read."""
        won, lost, skipping, back, theirs, overridden = (
            self._lead(name, user=self.rep_2 if name == "Theirs" else None)
            for name in ("Won", "Lost", "Skipping", "Back", "Theirs", "Overridden")
        )
        self._lead("Untouched")
        self._moves(won, self.s2, self.s3, self.s4)
        self._moves(lost, self.s2)
        self._moves(skipping, self.s3)
        self._moves(back, self.s2, self.s3, self.s1)
        self._moves(theirs, self.s2, self.s4)
        self._moves(overridden, self.s3, override=True)
        self._close(won, True, datetime(2026, 9, 1), datetime(2026, 10, 15))
        self._close(lost, False, datetime(2026, 10, 1), datetime(2026, 10, 20))
        aggregates = [
            "__count", "leads_in_order:sum", "leads_any:sum", "next_in_order:sum", "next_any:sum",
            "conversion_in_order:avg", "conversion_any:avg",
        ]  # fmt: skip
        mine = [("team_id", "=", self.team.id)]
        groupings = [
            (mine, ["stage_id"]),
            (mine, []),
            (mine, ["user_id", "stage_id"]),
            (mine, ["stage_id", "outcome", "moved_by"]),
            (mine, ["date:month", "stage_id", "grade"]),
            ([*mine, ("stage_id", "=", self.s2.id)], ["user_id"]),
            ([*mine, ("stage_id", "not in", [self.s1.id]), ("outcome", "!=", "won")], ["stage_id"]),
            ([*mine, "|", ("moved_by", "=", "override"), ("user_id", "=", self.rep_2.id)], ["stage_id"]),
        ]
        Funnel = self.env["crm.sales.funnel.report"]

        def figures(rows):
            return [
                tuple(
                    (value._name, value.ids) if hasattr(value, "_name")
                    else round(float(value), 6) if isinstance(value, float) or type(value).__name__ == "Decimal"
                    else value
                    for value in row
                )
                for row in rows
            ]  # fmt: skip

        def no_rows(_self):
            raise AssertionError("The grouping read the rows per lead and stage.")

        for user in (self.manager, self.rep):
            for domain, groupby in groupings:
                with self.subTest(user=user.login, domain=domain, groupby=groupby):
                    report = Funnel.with_user(user)
                    per_row = report.with_context(crm_sales_funnel_per_row=True)
                    expected = figures(per_row._read_group(domain, groupby, aggregates))
                    self.assertTrue(expected)
                    # as the pivot asks (ordered: many2one groups in their model's order)
                    pivot = per_row.read_group(domain, aggregates[1:3], groupby, lazy=False)
                    with patch.object(type(Funnel), "_table_query", property(no_rows)):
                        self.assertEqual(figures(report._read_group(domain, groupby, aggregates)), expected)
                        self.assertEqual(report.read_group(domain, aggregates[1:3], groupby, lazy=False), pivot)
        # the hand counts of the salesman's own figures (his 6 leads: Theirs is not his)
        by_stage = {
            stage: rest for stage, *rest in Funnel.with_user(self.rep)._read_group(mine, ["stage_id"], aggregates[1:3])
        }
        self.assertEqual(by_stage[self.s1], [6, 6])
        self.assertEqual(by_stage[self.s2], [5, 3], "Won, Lost, Back were in S2; Skipping, Overridden got further.")
        self.assertEqual(by_stage[self.s3], [4, 4], "Won, Skipping, Back, Overridden")
        self.assertEqual(by_stage[self.s4], [1, 1], "Won")

        # a constant number of queries, whatever the number of leads
        def pivot():
            Funnel.with_user(self.manager).read_group(mine, aggregates[1:], ["stage_id"], lazy=False)

        few = self.count_queries(pivot)
        for index in range(10):
            self._moves(self._lead(f"More {index}"), self.s2, self.s3)
        self.assertEqual(self.count_queries(pivot), few)

    def _move(self, lead, stage_from, stage_to, days, date, *, override=False):
        self.env["crm.lead.stage.history"]._record(
            [
                {
                    "lead_id": lead.id,
                    "stage_from_id": stage_from.id,
                    "stage_to_id": stage_to.id,
                    "user_id": self.rep.id,
                    "date": date,
                    "days_in_stage": days,
                    "grading_score": 0,
                    "grade": "b",
                    "is_override": override,
                    "is_migration": False,
                    "override_reason": "客户要求" if override else False,
                }
            ]
        )

    def _days(self, user=None, groupby=("stage_id",), domain=()):
        return {
            tuple(key) if len(groupby) > 1 else key[0]: (round(days, 2), moves)
            for *key, days, moves in self.env["crm.sales.stage.duration"]
            .with_user(user or self.manager)
            ._read_group([("team_id", "=", self.team.id), *domain], list(groupby), ["days_in_stage:avg", "moves:sum"])
        }

    def test_days_in_stage_add_up_the_moves(self):
        """The moves out of each stage, added up by month and dimension as they are recorded: the
        averages of the stage history's own moves, per move, in the company's month."""
        self.company.partner_id.tz = "Asia/Shanghai"
        mine, theirs = self._lead("Mine"), self._lead("Theirs", user=self.rep_2)
        october = datetime(2026, 10, 20, 9, 0)
        # 17:00 UTC on 31 October is 1 November in Shanghai
        november = datetime(2026, 10, 31, 17, 0)
        self._move(mine, self.s1, self.s2, 2.0, october)
        self._move(mine, self.s2, self.s3, 4.0, november)
        self._move(theirs, self.s1, self.s2, 6.0, october)
        self._move(theirs, self.s2, self.s1, 1.0, november, override=True)
        self._move(theirs, self.s1, self.s2, 3.0, november)
        # a row of two moves: its average is over the moves
        self._move(self._lead("Mine too"), self.s1, self.s2, 8.0, october)

        self.assertEqual(self._days(), {self.s1: (4.75, 4), self.s2: (2.5, 2)})
        history = self.env["crm.lead.stage.history"]._read_group(
            [("team_id", "=", self.team.id), ("stage_from_id", "!=", False)], ["stage_from_id"], ["days_in_stage:avg"]
        )
        self.assertEqual({stage: round(days, 2) for stage, days in history}, {self.s1: 4.75, self.s2: 2.5})
        by_month = {
            (str(month), stage): values
            for (month, stage), values in self._days(groupby=("month:month", "stage_id")).items()
        }
        self.assertEqual(
            by_month,
            {
                ("2026-10-01", self.s1): (5.33, 3),
                ("2026-11-01", self.s1): (3.0, 1),
                ("2026-11-01", self.s2): (2.5, 2),
            },
        )
        months = self.env["crm.sales.stage.duration"].search([("team_id", "=", self.team.id)]).mapped("month")
        self.assertEqual(sorted({str(month) for month in months}), ["2026-10-01", "2026-11-01"])
        self.assertEqual(self._days(domain=[("month", ">=", "2026-11-01")]), {self.s1: (3.0, 1), self.s2: (2.5, 2)})
        self.assertEqual(self._days(groupby=("moved_by", "stage_id")), {
            ("evidence", self.s1): (4.75, 4),
            ("evidence", self.s2): (4.0, 1),
            ("override", self.s2): (1.0, 1),
        })  # fmt: skip
        # a salesman sees the moves of his own leads; another company none
        self.assertEqual(self._days(self.rep), {self.s1: (5.0, 2), self.s2: (4.0, 1)})
        other_company = self.env["res.company"].create({"name": "Other Co"})
        outsider = self.env["res.users"].create(
            {
                "name": "Outsider",
                "login": "csp_days_outsider",
                "company_id": other_company.id,
                "company_ids": [(6, 0, other_company.ids)],
                "groups_id": [(6, 0, [self.env.ref("sales_team.group_sale_manager").id])],
            }
        )
        self.assertFalse(
            self.env["crm.sales.stage.duration"].with_user(outsider).search([("team_id", "=", self.team.id)])
        )

        # added up again from the whole history, the same figures (the salesperson: the lead's today)
        self.env["crm.sales.stage.duration"]._rebuild()
        self.assertEqual(self._days(), {self.s1: (4.75, 4), self.s2: (2.5, 2)})
        self.assertEqual(self._days(self.rep), {self.s1: (5.0, 2), self.s2: (4.0, 1)})

        # a constant number of queries, whatever the number of moves
        def pivot():
            self.env["crm.sales.stage.duration"].with_user(self.manager).read_group(
                [], ["days_in_stage:avg", "moves:sum"], ["stage_id"], lazy=False
            )

        few = self.count_queries(pivot)
        for index in range(10):
            self._move(self._lead(f"More {index}"), self.s1, self.s2, index, october)
        self.assertEqual(self.count_queries(pivot), few)

    def test_funnel_follows_the_rules_of_the_leads(self):
        mine, theirs = self._lead("Mine"), self._lead("Theirs", user=self.rep_2)
        self._moves(mine, self.s2)
        self._moves(theirs, self.s2)
        self.assertEqual(self._funnel(self.rep)[self.s1][0], 1, "A salesman sees the figures of his own leads.")
        self.assertEqual(self._funnel(self.manager)[self.s1][0], 2)
        rows = self.env["crm.sales.funnel.report"].with_user(self.rep).search([("team_id", "=", self.team.id)])
        self.assertEqual(rows.lead_id, mine)
        analysis = self.env["crm.sales.lead.analysis"].with_user(self.rep).search([("team_id", "=", self.team.id)])
        self.assertEqual(analysis.lead_id, mine)

    def test_other_company_sees_nothing(self):
        self._moves(self._lead("Ours"), self.s2)
        other_company = self.env["res.company"].create({"name": "Other Co"})
        outsider = self.env["res.users"].create(
            {
                "name": "Outsider",
                "login": "csp_outsider",
                "company_id": other_company.id,
                "company_ids": [(6, 0, other_company.ids)],
                "groups_id": [(6, 0, [self.env.ref("sales_team.group_sale_manager").id])],
            }
        )
        self.assertFalse(self.env["crm.sales.funnel.report"].with_user(outsider).search([]))
        self.assertFalse(
            self.env["crm.sales.lead.analysis"].with_user(outsider).search([("team_id", "=", self.team.id)])
        )

    def _analysis(self, groupby, measures):
        return {
            key: tuple(round(v, 1) if isinstance(v, float) else v for v in values)
            for key, *values in self.env["crm.sales.lead.analysis"]
            .with_user(self.manager)
            ._read_group([("team_id", "=", self.team.id)], [groupby], measures)
        }

    def test_followup_frequency_against_win_rate_and_cycle_time(self):
        closed = datetime(2026, 11, 20, 12, 0)
        created = closed - timedelta(days=14)  # two weeks of life
        plan = [
            ("twice_a", 4, True),
            ("twice_b", 5, False),
            ("weekly", 2, True),
            ("rarely", 1, False),
            ("never", 0, False),
        ]
        for name, count, won in plan:
            lead = self._lead(name)
            for i in range(count):
                self.env["crm.lead.followup"].create(
                    {"lead_id": lead.id, "content": f"跟进 {i}", "date": created + timedelta(days=i + 1)}
                )
            self._close(lead, won, created, closed)
        by_frequency = self._analysis("followup_frequency", ["lead_count:sum", "win_rate:avg"])
        self.assertEqual(by_frequency["twice_weekly"], (2, 50.0))
        self.assertEqual(by_frequency["weekly"], (1, 100.0))
        self.assertEqual(by_frequency["less_weekly"], (1, 0.0))
        self.assertEqual(by_frequency["none"], (1, 0.0))
        self.assertEqual(
            list(by_frequency),
            ["none", "less_weekly", "weekly", "twice_weekly"],
            "The buckets come in the order of the selection, for the graph's x axis, not alphabetically.",
        )
        by_outcome = self._analysis("outcome", ["lead_count:sum", "cycle_days:avg"])
        self.assertEqual(by_outcome["won"], (2, 14.0), "Two won leads, 14 days each from creation to win.")
        self.assertEqual(by_outcome["lost"][0], 3)
        self.assertEqual(list(by_outcome), ["won", "lost"])

    def test_first_contact_sla_compliance_by_grade(self):
        now = fields.Datetime.now()
        cases = [
            ("a", now - timedelta(hours=30), now - timedelta(hours=10)),  # on time
            ("a", now - timedelta(hours=30), now - timedelta(hours=40)),  # late: contacted after the deadline
            ("a", False, now - timedelta(hours=1)),  # overdue
            ("b", False, now + timedelta(hours=5)),  # pending: not counted
            ("b", now - timedelta(hours=2), now + timedelta(hours=5)),  # on time
        ]
        for grade, contact, deadline in cases:
            lead = self._lead(f"SLA {grade}")
            self.env.flush_all()
            self.env.cr.execute(
                SQL(
                    "UPDATE crm_lead SET grade = %s, first_contact_date = %s, first_contact_deadline = %s, "
                    "first_contact_late = %s WHERE id = %s",
                    grade,
                    contact or None,
                    deadline,
                    bool(contact and contact > deadline),
                    lead.id,
                )
            )
        self.env.invalidate_all()
        by_grade = self._analysis("grade", ["lead_count:sum", "sla_compliance:avg"])
        self.assertEqual(by_grade["a"], (3, 33.3))
        self.assertEqual(by_grade["b"], (2, 100.0))
        by_state = self._analysis("first_contact_state", ["lead_count:sum"])
        self.assertEqual(by_state, {"on_time": (2,), "late": (1,), "overdue": (1,), "pending": (1,)})

    def test_override_split_and_grade_mix(self):
        closed = datetime(2026, 11, 20, 12, 0)
        gated, overridden, overridden_lost = self._lead("Gated"), self._lead("Override"), self._lead("Override 2")
        self._moves(gated, self.s2)
        self._moves(overridden, self.s2, override=True)
        self._moves(overridden_lost, self.s2, override=True)
        self._close(gated, True, closed - timedelta(days=10), closed)
        self._close(overridden, True, closed - timedelta(days=10), closed)
        self._close(overridden_lost, False, closed - timedelta(days=10), closed)
        by_move = self._analysis("moved_by", ["lead_count:sum", "win_rate:avg"])
        self.assertEqual(by_move, {"evidence": (1, 100.0), "override": (2, 50.0)})
        funnel = (
            self.env["crm.sales.funnel.report"]
            .with_user(self.manager)
            ._read_group(
                [("team_id", "=", self.team.id), ("stage_id", "=", self.s1.id)],
                ["moved_by"],
                ["conversion_in_order:avg"],
            )
        )
        self.assertEqual(dict(funnel), {"evidence": 100.0, "override": 100.0})
        mix = (
            self.env["crm.sales.lead.analysis"]
            .with_user(self.manager)
            ._read_group([("team_id", "=", self.team.id)], ["date:month", "grade"], ["lead_count:sum"])
        )
        self.assertEqual(sum(count for _month, _grade, count in mix), 3)
