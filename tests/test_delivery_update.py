from datetime import date, datetime, timedelta

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import new_test_user, tagged

from .common import RpcAttackCase
from .test_contract import ContractCase


class DeliveryCase(ContractCase):
    """A signed, confirmed contract and its delivery project, delivered by a project user."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.deliverer = new_test_user(
            cls.env,
            login="csp_deliverer",
            name="Delivery Zhao",
            email="zhao@example.cn",
            groups="project.group_project_user,sales_team.group_sale_salesman,base.group_user",
        )

    def _delivery_project(self):
        order = self._contract(
            commitment_date=datetime(2026, 12, 20, 2, 0),
            delivery_contact_id=self.buyer.id,
            delivery_user_id=self.deliverer.id,
        )
        self._approve_all(order)
        order.with_user(self.rep).write({"customer_signer_id": self.legal_rep.id})
        self._sign_on_site(order)
        self.assertEqual(order.state, "sale")
        return order.delivery_project_id

    def _update(self, project, day, **vals):
        return (
            self.env["project.update"]
            .with_user(self.deliverer)
            .create(
                {
                    "project_id": project.id,
                    "name": f"周报 {day}",
                    "date": day,
                    "status": "on_track",
                    "progress": 40,
                    "description": "<p>设备已到货</p>",
                    **vals,
                }
            )
        )


@tagged("post_install", "-at_install")
class TestDeliveryUpdateCadence(DeliveryCase):
    def test_next_update_due_from_kickoff_then_each_update(self):
        project = self._delivery_project()
        self.assertTrue(project.kickoff_date)
        self.assertEqual(project.next_update_date, project.kickoff_date + timedelta(days=7))
        self._update(project, date(2026, 11, 2))
        self.assertEqual(project.next_update_date, date(2026, 11, 9))
        self.company.delivery_update_days = 10
        self.assertEqual(project.next_update_date, date(2026, 11, 12), "The company's cadence applies.")
        self._update(project, date(2026, 11, 9), status="done", progress=100)
        self.assertFalse(project.next_update_date, "A delivery done needs no more updates.")
        other = self.env["project.project"].create({"name": "Internal"})
        self.assertFalse(other.next_update_date, "Only the delivery projects of contracts have the cadence.")

    def test_overdue_flag_filter_and_one_reminder_per_period(self):
        project = self._delivery_project()
        self._update(project, date(2026, 11, 2))
        Project = self.env["project.project"]
        todo = self.env.ref("mail.mail_activity_data_todo")

        def reminders():
            return project.activity_ids.filtered(
                lambda activity: activity.activity_type_id == todo and activity.automated
            )

        with self.frozen(datetime(2026, 11, 9, 4, 0)):
            project.invalidate_recordset(["update_overdue"])
            self.assertFalse(project.update_overdue, "Due today is not overdue yet.")
            self.assertNotIn(project, Project.search([("update_overdue", "=", True)]))
            Project._cron_remind_overdue_updates()
            self.assertFalse(reminders())
        with self.frozen(datetime(2026, 11, 10, 4, 0)):
            project.invalidate_recordset(["update_overdue"])
            self.assertTrue(project.update_overdue)
            self.assertIn(project, Project.search([("update_overdue", "=", True)]))
            self.assertNotIn(project, Project.search([("update_overdue", "=", False)]))
            Project._cron_remind_overdue_updates()
            Project._cron_remind_overdue_updates()
            self.assertEqual(len(reminders()), 1, "One reminder per overdue period, however often the cron runs.")
            self.assertEqual(reminders().user_id, self.deliverer)
            self.assertIn(project.name, reminders().summary)
            self.assertEqual(project.update_reminded_for, date(2026, 11, 9))
        self._update(project, date(2026, 11, 10))
        with self.frozen(datetime(2026, 11, 18, 4, 0)):
            Project._cron_remind_overdue_updates()
            self.assertEqual(len(reminders()), 2, "A new overdue period gets its own reminder.")

    def test_reminder_date_is_the_crons(self):
        project = self._delivery_project()
        with self.assertRaises(UserError):
            project.with_user(self.deliverer).write({"update_reminded_for": date(2026, 11, 30)})
        with self.assertRaises(UserError):
            project.with_user(self.manager).write({"update_reminded_for": date(2026, 11, 30)})
        self.assertFalse(project.update_reminded_for)


@tagged("post_install", "-at_install")
class TestDeliveryProgressReport(DeliveryCase):
    def test_send_to_customer_records_when_and_to_whom(self):
        project = self._delivery_project()
        update = self._update(project, date(2026, 11, 2), next_steps="<p>下周调试设备</p>")
        action = update.with_user(self.deliverer).action_send_to_customer()
        self.assertEqual(action["res_model"], "mail.compose.message")
        Composer = self.env["mail.compose.message"].with_user(self.deliverer)
        composer = Composer.with_context(**action["context"]).create({})
        self.assertEqual(composer.partner_ids, self.buyer, "The customer's delivery contact receives the report.")
        self.assertIn("40%", composer.body)
        self.assertIn("下周调试设备", composer.body)
        self.assertIn(project.delivery_order_id.name, composer.subject)
        composer._action_send_mail()
        self.assertTrue(update.sent_date)
        self.assertEqual(update.sent_partner_ids, self.buyer)
        message = update.message_ids.filtered(lambda message: self.buyer in message.partner_ids)
        self.assertEqual(len(message), 1)
        self.assertIn("设备已到货", message.body)

    def test_a_note_is_not_a_report(self):
        project = self._delivery_project()
        update = self._update(project, date(2026, 11, 2))
        update.with_user(self.deliverer).message_post(body="内部备注", message_type="comment")
        self.assertFalse(update.sent_date)

    def test_sent_fields_are_not_typed(self):
        project = self._delivery_project()
        update = self._update(project, date(2026, 11, 2))
        for vals in ({"sent_date": fields.Datetime.now()}, {"sent_partner_ids": [(6, 0, self.buyer.ids)]}):
            with self.subTest(vals=list(vals)), self.assertRaises(UserError):
                update.with_user(self.deliverer).write(vals)
        with self.assertRaises(UserError):
            self._update(project, date(2026, 11, 3), sent_date=fields.Datetime.now())
        self.assertFalse(update.sent_date)


@tagged("post_install", "-at_install")
class TestDeliveryUpdateRpc(RpcAttackCase, DeliveryCase):
    def test_salesman_cannot_forge_a_sent_report_or_a_reminder(self):
        self.rep.groups_id |= self.env.ref("project.group_project_user")
        project = self._delivery_project()
        update = self._update(project, date(2026, 11, 2))
        self.assertRefused(self.rpc("project.update", "write", update.ids, {"sent_date": "2026-11-02 08:00:00"}))
        self.assertRefused(
            self.rpc("project.update", "write", update.ids, {"sent_partner_ids": [(6, 0, self.buyer.ids)]})
        )
        self.assertRefused(self.rpc("project.project", "write", project.ids, {"update_reminded_for": "2026-11-30"}))
        self.assertRefused(
            self.rpc(
                "project.update",
                "create",
                {"project_id": project.id, "name": "伪造", "status": "on_track", "sent_date": "2026-11-02 08:00:00"},
            )
        )
        update.invalidate_recordset()
        project.invalidate_recordset()
        self.assertFalse(update.sent_date)
        self.assertFalse(update.sent_partner_ids)
        self.assertFalse(project.update_reminded_for)
