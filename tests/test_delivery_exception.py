from datetime import date, datetime, timedelta

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged

from .common import RpcAttackCase
from .test_delivery_update import DeliveryCase


class ExceptionCase(DeliveryCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.delivery_manager = new_test_user(
            cls.env,
            login="csp_delivery_manager",
            name="Delivery Manager Qian",
            groups="crm_sales_process.group_delivery_manager,base.group_user",
        )
        cls.company.delivery_manager_id = cls.delivery_manager

    def _exception(self, order, user=None, **vals):
        return (
            self.env["sale.delivery.exception"]
            .with_user(user or self.deliverer)
            .create(
                {
                    "order_id": order.id,
                    "name": "钢结构件供应商延期",
                    "cause_type": "supply",
                    "description": "供应商通知钢结构件延期一周到货",
                    "impact": "安装顺延一周",
                    "new_date": date(2026, 12, 27),
                    **vals,
                }
            )
        )

    def _escalations(self, exception):
        todo = self.env.ref("mail.mail_activity_data_todo")
        return exception.activity_ids.filtered(
            lambda activity: activity.activity_type_id == todo and activity.automated
        )


@tagged("post_install", "-at_install")
class TestDeliveryException(ExceptionCase):
    def test_born_open_with_a_24_hour_deadline_and_the_delivery_owner(self):
        order = self._delivery_project().delivery_order_id
        detected = fields.Datetime.now() - timedelta(hours=3)
        exception = self._exception(order, detected_at=detected)
        self.assertEqual(exception.state, "open")
        self.assertEqual(exception.notify_deadline, detected + timedelta(hours=24))
        self.assertEqual(exception.user_id, self.deliverer, "The order's delivery owner handles it.")
        self.assertEqual(exception.project_id, order.delivery_project_id)
        self.assertEqual(exception.partner_id, order.partner_id)
        self.assertFalse(exception.notify_overdue)
        self.assertEqual(order.delivery_exception_count, 1)
        self.assertTrue(order.exception_unnotified)
        self.assertEqual(order.delivery_project_id.delivery_exception_count, 1)
        Order = self.env["sale.order"]
        self.assertEqual(Order.search([("exception_unnotified", "=", True), ("id", "=", order.id)]), order)
        self.assertFalse(Order.search([("exception_unnotified", "=", False), ("id", "=", order.id)]))
        action = order.action_view_delivery_exceptions()
        self.assertEqual(self.env["sale.delivery.exception"].search(action["domain"]), exception)
        self.assertEqual(action["context"]["default_order_id"], order.id)

    def test_detection_never_in_the_future_and_never_moved(self):
        order = self._delivery_project().delivery_order_id
        with self.assertRaises(ValidationError):
            self._exception(order, detected_at=fields.Datetime.now() + timedelta(hours=2))
        exception = self._exception(order, detected_at=fields.Datetime.now() - timedelta(hours=30))
        deadline = exception.notify_deadline
        with self.assertRaises(UserError):
            exception.with_user(self.deliverer).write({"detected_at": fields.Datetime.now()})
        self.assertEqual(exception.notify_deadline, deadline)
        self.assertTrue(exception.notify_overdue)
        # resending the value it has is harmless (a form saving all its fields)
        exception.with_user(self.deliverer).write({"detected_at": exception.detected_at, "impact": "顺延八天"})
        self.assertEqual(exception.impact, "顺延八天")

    def test_only_orders_in_delivery(self):
        quotation = self._contract()
        with self.assertRaises(ValidationError):
            self._exception(quotation)
        order = self._delivery_project().delivery_order_id
        exception = self._exception(order)
        with self.assertRaises(UserError):
            exception.with_user(self.deliverer).write({"order_id": quotation.id})

    def test_notify_by_email_records_when_by_whom_and_to_whom(self):
        order = self._delivery_project().delivery_order_id
        exception = self._exception(order, solution="改由第二供应商先发一半")
        action = exception.with_user(self.deliverer).action_notify_by_email()
        composer = (
            self.env["mail.compose.message"].with_user(self.deliverer).with_context(**action["context"]).create({})
        )
        self.assertEqual(composer.partner_ids, self.buyer, "The customer's delivery contact is told.")
        for text in ("钢结构件供应商延期", "安装顺延一周", "改由第二供应商先发一半", order.name):
            self.assertIn(text, composer.body + composer.subject)
        composer._action_send_mail()
        self.assertEqual(exception.state, "notified")
        self.assertEqual(exception.notify_channel, "email")
        self.assertEqual(exception.notified_by_id, self.deliverer)
        self.assertEqual(exception.notified_partner_ids, self.buyer)
        self.assertTrue(exception.notified_at)
        self.assertTrue(exception.notified_in_time)
        self.assertFalse(order.exception_unnotified)

    def test_a_note_does_not_notify(self):
        order = self._delivery_project().delivery_order_id
        exception = self._exception(order)
        exception.with_user(self.deliverer).message_post(body="内部讨论", subtype_xmlid="mail.mt_note")
        self.assertEqual(exception.state, "open")

    def test_record_a_call_late_and_escalation_once(self):
        order = self._delivery_project().delivery_order_id
        late = self._exception(order, detected_at=fields.Datetime.now() - timedelta(hours=30))
        on_time = self._exception(order, name="需求变更", cause_type="requirement_change")
        Exception_ = self.env["sale.delivery.exception"]
        self.assertEqual(Exception_.search([("notify_overdue", "=", True), ("order_id", "=", order.id)]), late)
        self.assertEqual(Exception_._cron_escalate_unnotified(), 1)
        [activity] = self._escalations(late)
        self.assertEqual(activity.user_id, self.delivery_manager)
        self.assertIn(order.name, activity.summary)
        self.assertTrue(late.escalated_at)
        self.assertFalse(self._escalations(on_time), "Within 24 hours nobody is escalated to.")
        self.assertEqual(Exception_._cron_escalate_unnotified(), 0, "Escalated once, however often the cron runs.")
        self.assertEqual(len(self._escalations(late)), 1)
        # told late by phone: recorded, not in time, and no more overdue
        wizard = (
            self.env["sale.delivery.exception.notify"]
            .with_user(self.deliverer)
            .with_context(**late.with_user(self.deliverer).action_record_notification()["context"])
            .create({"channel": "phone", "note": "客户同意顺延"})
        )
        self.assertEqual(wizard.partner_ids, self.buyer)
        wizard.action_confirm()
        self.assertEqual(late.state, "notified")
        self.assertEqual(late.notify_channel, "phone")
        self.assertFalse(late.notified_in_time)
        self.assertFalse(late.notify_overdue)
        self.assertIn("客户同意顺延", late.message_ids[0].body)
        self.assertEqual(Exception_.search([("notify_overdue", "=", True), ("order_id", "=", order.id)]), Exception_)

    def test_escalation_without_a_manager_set_goes_to_the_first_delivery_manager(self):
        self.company.delivery_manager_id = False
        first = self.env["res.users"].search(
            [
                ("groups_id", "in", self.env.ref("crm_sales_process.group_delivery_manager").ids),
                ("company_ids", "in", self.company.ids),
                ("share", "=", False),
            ],
            limit=1,
        )
        self.assertTrue(first)
        order = self._delivery_project().delivery_order_id
        late = self._exception(order, detected_at=fields.Datetime.now() - timedelta(hours=25))
        self.env["sale.delivery.exception"]._cron_escalate_unnotified()
        self.assertEqual(self._escalations(late).user_id, first)

    def test_escalation_cron_queries_do_not_grow_with_exceptions(self):
        order = self._delivery_project().delivery_order_id
        Exception_ = self.env["sale.delivery.exception"]

        def escalate(count):
            detected = fields.Datetime.now() - timedelta(hours=30)
            for _index in range(count):
                self._exception(order, detected_at=detected)
            return self.count_queries(Exception_._cron_escalate_unnotified)

        escalate(1)  # warms the registry caches (xmlids, model ids)
        self.assertEqual(escalate(2), escalate(12))

    def test_resolve_after_notifying_with_a_solution_reopen_cancel(self):
        order = self._delivery_project().delivery_order_id
        exception = self._exception(order).with_user(self.deliverer)
        with self.assertRaises(UserError):
            exception.action_resolve()
        exception._mark_notified("phone", self.buyer, note="")
        with self.assertRaises(UserError):
            exception.action_resolve()
        exception.solution = "第二供应商先发一半"
        exception.action_resolve()
        self.assertEqual(exception.state, "resolved")
        self.assertTrue(exception.resolved_at)
        with self.assertRaises(UserError):
            exception.action_cancel()
        exception.action_reopen()
        self.assertEqual(exception.state, "notified")
        self.assertFalse(exception.resolved_at)
        exception.action_cancel()
        self.assertEqual(exception.state, "cancelled")
        with self.assertRaises(UserError):
            exception.action_notify_by_email()

    def test_update_at_risk_proposes_an_exception(self):
        project = self._delivery_project()
        on_track = self._update(project, date(2026, 11, 2))
        self.assertFalse(on_track.exception_proposed)
        at_risk = self._update(project, date(2026, 11, 9), status="at_risk", name="钢结构件可能延期")
        self.assertTrue(at_risk.exception_proposed)
        action = at_risk.with_user(self.deliverer).action_record_delivery_exception()
        self.assertEqual(action["res_model"], "sale.delivery.exception")
        exception = (
            self.env["sale.delivery.exception"]
            .with_user(self.deliverer)
            .with_context(**action["context"])
            .create({"description": "供应商延期"})
        )
        self.assertEqual(exception.update_id, at_risk)
        self.assertEqual(exception.order_id, project.delivery_order_id)
        self.assertEqual(exception.name, "钢结构件可能延期")
        at_risk.invalidate_recordset(["exception_proposed"])
        self.assertFalse(at_risk.exception_proposed, "Recorded: nothing more to propose.")
        off_track = self._update(project, date(2026, 11, 16), status="off_track")
        self.assertFalse(off_track.exception_proposed, "An exception is already being handled.")
        exception._mark_notified("phone", self.buyer)
        exception.solution = "改由第二供应商"
        exception.action_resolve()
        off_track.invalidate_recordset(["exception_proposed"])
        self.assertTrue(off_track.exception_proposed, "Off track again with nothing open: a new exception.")

    def test_visibility_salesman_project_user_other_company(self):
        order = self._delivery_project().delivery_order_id
        exception = self._exception(order)
        self.assertTrue(exception.with_user(self.rep).read(["name"]), "The salesman of the order sees it.")
        with self.assertRaises(AccessError):
            exception.with_user(self.rep_2).read(["name"])
        self.assertFalse(
            self.env["sale.delivery.exception"].with_user(self.rep_2).search([("id", "=", exception.id)]),
            "Another salesman does not see it.",
        )
        engineer = new_test_user(
            self.env, login="csp_engineer", groups="project.group_project_user,sales_team.group_sale_salesman"
        )
        self.assertTrue(exception.with_user(engineer).read(["name"]), "The delivery team sees every exception.")
        other_company = self.env["res.company"].create({"name": "杭州分公司"})
        outsider = new_test_user(
            self.env,
            login="csp_other_delivery_manager",
            groups="crm_sales_process.group_delivery_manager,base.group_user",
            company_id=other_company.id,
            company_ids=[Command.set(other_company.ids)],
        )
        with self.assertRaises(AccessError):
            exception.with_user(outsider).read(["name"])

    def test_process_fields_refused_in_orm(self):
        order = self._delivery_project().delivery_order_id
        exception = self._exception(order)
        now = fields.Datetime.now()
        for vals in (
            {"state": "resolved"},
            {"notified_at": now},
            {"notified_by_id": self.deliverer.id},
            {"notify_channel": "phone"},
            {"notified_partner_ids": [Command.set(self.buyer.ids)]},
            {"escalated_at": now},
            {"resolved_at": now},
        ):
            with self.subTest(vals=list(vals)):
                with self.assertRaises(UserError):
                    exception.with_user(self.deliverer).write(vals)
                with self.assertRaises(UserError):
                    self._exception(order, **vals)
        self.assertEqual(exception.state, "open")
        self.assertFalse(exception.notified_at)
        forged_default = self._exception(order.with_context(default_state="resolved"))
        self.assertEqual(
            self.env["sale.delivery.exception"]
            .with_user(self.deliverer)
            .with_context(default_state="resolved", default_notified_at=now)
            .create({"order_id": order.id, "name": "x", "description": "x"})
            .state,
            "open",
            "A default in the context does not choose the state.",
        )
        self.assertEqual(forged_default.state, "open")


@tagged("post_install", "-at_install")
class TestDeliveryExceptionRpc(RpcAttackCase, ExceptionCase):
    def test_salesman_cannot_forge_a_notification_a_state_or_a_later_detection(self):
        order = self._delivery_project().delivery_order_id
        order.sudo().delivery_user_id = self.rep
        exception = self._exception(order, user=self.rep, detected_at=datetime.now() - timedelta(hours=30))
        self.assertEqual(exception.user_id, self.rep)
        for vals in (
            {"state": "notified"},
            {"notified_at": "2026-11-02 08:00:00"},
            {"notify_channel": "phone"},
            {"notified_partner_ids": [(6, 0, self.buyer.ids)]},
            {"escalated_at": "2026-11-02 08:00:00"},
            {"detected_at": fields.Datetime.to_string(datetime.now())},
        ):
            with self.subTest(vals=list(vals)):
                self.assertRefused(self.rpc("sale.delivery.exception", "write", exception.ids, vals))
        created = self.rpc(
            "sale.delivery.exception",
            "create",
            {"order_id": order.id, "name": "伪造", "description": "x", "state": "resolved"},
        )
        self.assertRefused(created)
        self.assertRefused(
            self.rpc(
                "sale.delivery.exception",
                "create",
                {"order_id": order.id, "name": "未来", "description": "x", "detected_at": "2099-01-01 00:00:00"},
            )
        )
        exception.invalidate_recordset()
        self.assertEqual(exception.state, "open")
        self.assertFalse(exception.notified_at)
        self.assertTrue(exception.notify_overdue)
        # the real way works for him: the call recorded through the wizard
        wizard_id = self.rpc(
            "sale.delivery.exception.notify",
            "create",
            {"exception_id": exception.id, "channel": "phone", "partner_ids": [(6, 0, self.buyer.ids)]},
        )
        self.rpc("sale.delivery.exception.notify", "action_confirm", [wizard_id])
        exception.invalidate_recordset()
        self.assertEqual(exception.state, "notified")
        self.assertEqual(exception.notified_by_id, self.rep)
