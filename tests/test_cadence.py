from odoo import fields
from odoo.tests import tagged

from .common import CrmSalesProcessCase


@tagged("post_install", "-at_install")
class TestGradeCadence(CrmSalesProcessCase):
    def _cadence(self, lead):
        return lead.activity_ids.sorted("date_deadline")

    def test_a_lead_gets_call_proposal_meeting(self):
        lead = self._create_lead(answers=self.all_levels("high"))
        activities = self._cadence(lead)
        self.assertEqual(
            activities.mapped("activity_type_id"),
            self.env.ref("mail.mail_activity_data_call")
            | self.env.ref("crm_sales_process.mail_activity_type_proposal")
            | self.env.ref("mail.mail_activity_data_meeting"),
        )
        today = fields.Date.context_today(lead)
        self.assertEqual([(a.date_deadline - today).days for a in activities], [1, 3, 7])
        self.assertEqual(activities.user_id, self.rep, "The lead owner runs the cadence.")

    def test_b_and_c_cadences(self):
        b_lead = self._create_lead(answers=self.all_levels("medium"))
        self.assertEqual(len(b_lead.activity_ids), 2)
        c_lead = self._create_lead(answers=self.all_levels("low"))
        self.assertEqual(len(c_lead.activity_ids), 4, "C leads get a nurture email a week for four weeks.")
        self.assertEqual(set(c_lead.activity_ids.activity_type_id.mapped("name")), {"Email"})

    def test_cadence_starts_when_grade_first_appears(self):
        lead = self._create_lead(answers={"urgency": "high", "budget_fit": "high"})
        self.assertFalse(lead.activity_ids)
        self._answer(lead, company_size="high", decision_chain="high", intent="high")
        self.assertEqual(lead.grade, "a")
        self.assertEqual(len(lead.activity_ids), 3)

    def test_cadence_once_per_grade_and_only_upwards(self):
        lead = self._create_lead(answers=self.all_levels("low"))
        self.assertEqual(lead.grade, "c")
        self.assertEqual(len(lead.activity_ids), 4)
        self._answer(lead, urgency="high", budget_fit="high", company_size="medium")  # 30+25+15+3+2 = 75
        self.assertEqual(lead.grade, "b")
        self.assertEqual(len(lead.activity_ids), 6, "Rising to B adds the B cadence.")
        self._answer(lead, budget_fit="low")  # falls back to C
        self.assertEqual(lead.grade, "c")
        self.assertEqual(len(lead.activity_ids), 6, "Falling adds nothing.")
        self._answer(lead, budget_fit="high")  # B again
        self.assertEqual(lead.grade, "b")
        self.assertEqual(len(lead.activity_ids), 6, "The B cadence is never launched twice.")
        self._answer(lead, decision_chain="high", intent="high")  # 30+25+15+15+10 = 95
        self.assertEqual(lead.grade, "a")
        self.assertEqual(len(lead.activity_ids), 9)
        self.assertEqual(lead.grade_cadence_launched, "cba")

    def test_cadence_from_direct_line_write(self):
        """An answer written on the grading line itself (RPC) starts the cadence too."""
        lead = self._create_lead()
        for line in lead.grading_line_ids:
            level_option = self.options[line.criterion_id.code, "high"]
            line.with_user(self.rep).write({"option_id": level_option.id})
        self.assertEqual(lead.grade, "a")
        self.assertEqual(len(lead.activity_ids), 3)

    def test_company_plan_replaces_shared_plan(self):
        plan = self.env["mail.activity.plan"].create(
            {
                "name": "Our A cadence",
                "res_model": "crm.lead",
                "crm_grade": "a",
                "company_id": self.company.id,
                "template_ids": [
                    (
                        0,
                        0,
                        {
                            "activity_type_id": self.env.ref("mail.mail_activity_data_call").id,
                            "summary": "Call within the hour",
                            "responsible_type": "on_demand",
                        },
                    )
                ],
            }
        )
        lead = self._create_lead(answers=self.all_levels("high"))
        self.assertEqual(lead.activity_ids.summary, "Call within the hour")
        self.assertTrue(plan)
