from datetime import datetime, timedelta

from odoo.tests import tagged

from .common import CrmSalesProcessCase

NOW = datetime(2026, 3, 2, 9, 0, 0)


@tagged("post_install", "-at_install")
class TestFirstContact(CrmSalesProcessCase):
    def _lead_at(self, when, grade_levels, **vals):
        with self.frozen(when):
            lead = self._create_lead(answers=self.all_levels(grade_levels), **vals)
            lead.flush_recordset()
        return lead

    def test_deadline_follows_the_grade(self):
        expected = {"high": timedelta(hours=24), "medium": timedelta(hours=48), "low": timedelta(hours=168)}
        for level, delay in expected.items():
            with self.subTest(level=level):
                lead = self._lead_at(NOW, level)
                self.assertEqual(lead.first_contact_deadline, NOW + delay)

    def test_deadline_follows_company_settings(self):
        self.company.first_contact_hours_a = 4
        lead = self._lead_at(NOW, "high")
        self.assertEqual(lead.first_contact_deadline, NOW + timedelta(hours=4))
        self.company.first_contact_hours_a = 8
        self.assertEqual(lead.first_contact_deadline, NOW + timedelta(hours=8))

    def test_deadline_counts_from_a_later_assignment(self):
        lead = self._lead_at(NOW, "high", user_id=False)
        self.assertEqual(lead.first_contact_deadline, NOW + timedelta(hours=24))
        assigned = NOW + timedelta(hours=30)
        with self.frozen(assigned):
            lead.user_id = self.rep
            lead.flush_recordset()
        self.assertEqual(lead.date_open, assigned)
        self.assertEqual(lead.first_contact_deadline, assigned + timedelta(hours=24))

    def test_ungraded_lead_has_no_deadline(self):
        with self.frozen(NOW):
            lead = self._create_lead(answers={"urgency": "high"})
        self.assertFalse(lead.first_contact_deadline)
        self.assertEqual(lead.first_contact_state, "pending")

    def test_done_call_records_first_contact(self):
        lead = self._lead_at(NOW, "high")
        todo = lead.activity_schedule("mail.mail_activity_data_todo", user_id=self.rep.id)
        todo.with_user(self.rep).action_feedback(feedback="Prepared the visit")
        self.assertFalse(lead.first_contact_date, "An internal to-do is not a customer contact.")
        call = lead.activity_schedule("mail.mail_activity_data_call", user_id=self.rep.id)
        with self.frozen(NOW + timedelta(hours=5)):
            call.with_user(self.rep).action_feedback(feedback="Talked to the plant manager")
        self.assertEqual(lead.first_contact_date, NOW + timedelta(hours=5))
        self.assertEqual(lead.first_contact_state, "on_time")
        # a later call does not move the first contact
        call_2 = lead.activity_schedule("mail.mail_activity_data_call", user_id=self.rep.id)
        with self.frozen(NOW + timedelta(hours=50)):
            call_2.with_user(self.rep).action_feedback()
        self.assertEqual(lead.first_contact_date, NOW + timedelta(hours=5))

    def test_email_to_customer_records_first_contact(self):
        lead = self._lead_at(NOW, "medium")
        lead.with_user(self.rep).message_post(body="Internal: call him tomorrow", subtype_xmlid="mail.mt_note")
        self.assertFalse(lead.first_contact_date, "An internal note is not a customer contact.")
        with self.frozen(NOW + timedelta(hours=60)):
            lead.with_user(self.rep).message_post(
                body="Dear Mr Zhou, here is our catalogue.",
                partner_ids=self.customer.ids,
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
            )
        self.assertEqual(lead.first_contact_date, NOW + timedelta(hours=60))
        self.assertEqual(lead.first_contact_state, "late", "B leads must be contacted within 48 hours.")

    def test_log_first_contact_button(self):
        lead = self._lead_at(NOW, "low")
        with self.frozen(NOW + timedelta(hours=2)):
            lead.with_user(self.rep).action_log_first_contact()
        self.assertEqual(lead.first_contact_date, NOW + timedelta(hours=2))
        self.assertEqual(lead.first_contact_state, "on_time")

    def test_overdue_filter(self):
        a_lead = self._lead_at(NOW, "high")
        b_lead = self._lead_at(NOW, "medium")
        contacted = self._lead_at(NOW, "high")
        contacted.first_contact_date = NOW + timedelta(hours=1)
        leads = a_lead | b_lead | contacted
        Lead = self.env["crm.lead"]
        with self.frozen(NOW + timedelta(hours=30)):
            self.assertEqual(Lead.search([("id", "in", leads.ids), ("first_contact_state", "=", "overdue")]), a_lead)
            self.assertEqual(Lead.search([("id", "in", leads.ids), ("first_contact_state", "=", "pending")]), b_lead)
            self.assertEqual(Lead.search([("id", "in", leads.ids), ("first_contact_state", "=", "on_time")]), contacted)
            self.assertEqual(
                Lead.search([("id", "in", leads.ids), ("first_contact_state", "!=", "overdue")]), b_lead | contacted
            )
            a_lead.invalidate_recordset(["first_contact_state"])
            self.assertEqual(a_lead.first_contact_state, "overdue")
        with self.frozen(NOW + timedelta(hours=50)):
            self.assertEqual(
                Lead.search([("id", "in", leads.ids), ("first_contact_state", "in", ["overdue"])]), a_lead | b_lead
            )

    def test_cron_escalates_overdue_a_lead_once(self):
        a_lead = self._lead_at(NOW, "high")
        b_lead = self._lead_at(NOW, "medium")
        activity_type = self.env.ref("crm_sales_process.mail_activity_type_first_contact_overdue")
        Lead = self.env["crm.lead"]
        with self.frozen(NOW + timedelta(hours=10)):
            Lead._cron_escalate_overdue_first_contact()
        self.assertFalse(a_lead.activity_ids.filtered(lambda a: a.activity_type_id == activity_type))
        with self.frozen(NOW + timedelta(hours=60)):
            Lead._cron_escalate_overdue_first_contact()
            Lead._cron_escalate_overdue_first_contact()
        escalations = a_lead.activity_ids.filtered(lambda a: a.activity_type_id == activity_type)
        self.assertEqual(len(escalations), 1)
        self.assertEqual(escalations.user_id, self.manager, "The team leader gets the activity.")
        self.assertFalse(b_lead.activity_ids.filtered(lambda a: a.activity_type_id == activity_type))
        # done, and the cron still does not nag again
        escalations.action_feedback()
        with self.frozen(NOW + timedelta(hours=80)):
            Lead._cron_escalate_overdue_first_contact()
        self.assertFalse(a_lead.activity_ids.filtered(lambda a: a.activity_type_id == activity_type))

    def test_escalation_says_the_deadline_in_the_leaders_time_zone(self):
        self.manager.tz = "Asia/Shanghai"
        a_lead = self._lead_at(NOW, "high")
        deadline = a_lead.first_contact_deadline
        with self.frozen(NOW + timedelta(hours=60)):
            self.env["crm.lead"]._cron_escalate_overdue_first_contact()
        activity_type = self.env.ref("crm_sales_process.mail_activity_type_first_contact_overdue")
        note = a_lead.activity_ids.filtered(lambda a: a.activity_type_id == activity_type).note
        local = (deadline + timedelta(hours=8)).strftime("%Y-%m-%d %H:%M")
        self.assertIn(f"{local} (Asia/Shanghai)", note, "UTC+8, the zone named, as the leader reads it.")
        self.assertNotIn(deadline.strftime("%Y-%m-%d %H:%M"), note)
