from datetime import datetime, timedelta

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
