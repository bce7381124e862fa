from datetime import datetime

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import tagged

from .test_contract import ContractCase


@tagged("post_install", "-at_install")
class TestRelationshipContact(ContractCase):
    def test_active_customers_planned_once_per_quarter_and_overdue(self):
        self.env["res.partner"].create(
            {"name": "马总", "parent_id": self.customer.id, "decision_role": "decision_maker"}
        )
        order = self._contract()
        self._approve_all(order)
        order.with_user(self.rep).write({"customer_signer_id": self.legal_rep.id})
        self._sign_on_site(order)
        Partner = self.env["res.partner"]
        activity_type = self.env.ref("crm_sales_process.mail_activity_type_relationship_contact")

        def contacts():
            return self.customer.activity_ids.filtered(lambda activity: activity.activity_type_id == activity_type)

        with self.frozen(datetime(2026, 11, 23, 2, 0)):
            self.assertGreaterEqual(Partner._cron_plan_relationship_contacts(), 1)
            [activity] = contacts()
            self.assertIn("马总", activity.note)
            self.assertEqual(activity.date_deadline, fields.Date.to_date("2026-11-23"), "Due now: late in Q4.")
            self.assertEqual(self.customer.relationship_quarter, "2026-Q4")
            Partner._cron_plan_relationship_contacts()
            self.assertEqual(len(contacts()), 1, "Once per quarter.")
        with self.frozen(datetime(2026, 11, 25, 2, 0)):
            self.assertTrue(self.customer.relationship_contact_overdue)
            self.assertIn(self.customer, Partner.search([("relationship_contact_overdue", "=", True)]))
        with self.frozen(datetime(2027, 1, 5, 2, 0)):
            contacts().action_done()
            Partner._cron_plan_relationship_contacts()
            [next_quarter] = contacts()
            self.assertEqual(next_quarter.date_deadline, fields.Date.to_date("2027-01-31"))
            self.assertFalse(self.customer.relationship_contact_overdue)
        self.assertNotIn(self.stranger, Partner.search([("relationship_quarter", "!=", False)]), "Not a customer.")

    def test_holiday_greetings_planned_once_days_before(self):
        order = self._contract()
        self._approve_all(order)
        order.with_user(self.rep).write({"customer_signer_id": self.legal_rep.id})
        self._sign_on_site(order)
        Greeting = self.env["crm.holiday.greeting"]
        spring = Greeting.create({"name": "春节", "date": "2027-02-06", "days_before": 3})
        todo = self.env.ref("mail.mail_activity_data_todo")

        def greetings():
            return self.customer.activity_ids.filtered(
                lambda activity: activity.activity_type_id == todo and "春节" in (activity.summary or "")
            )

        with self.frozen(datetime(2027, 2, 1, 2, 0)):
            Greeting._cron_plan_greetings()
            self.assertFalse(greetings(), "Not yet: 3 days before.")
        with self.frozen(datetime(2027, 2, 3, 2, 0)):
            self.assertGreaterEqual(Greeting._cron_plan_greetings(), 1)
            self.assertEqual(greetings().date_deadline, fields.Date.to_date("2027-02-06"))
            self.assertEqual(spring.planned_on, fields.Date.to_date("2027-02-03"))
            self.assertEqual(Greeting._cron_plan_greetings(), 0, "Once.")
        self.assertEqual(len(greetings()), 1)
        with self.assertRaises(UserError):
            spring.with_user(self.manager).write({"planned_on": False})
