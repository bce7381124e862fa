"""The demo's deliveries as a delivery manager finds them (make run, make test)."""

from odoo.tests import TransactionCase, tagged

DEMO = "crm_sales_process."


@tagged("post_install", "-at_install")
class TestDeliveryDemo(TransactionCase):
    def test_weekly_updates_on_time_exception_told_in_time_acceptance_waiting(self):
        order = self.env.ref(DEMO + "demo_order_xian")
        project = order.delivery_project_id
        self.assertEqual(len(project.update_ids), 3)
        self.assertFalse(project.update_overdue)
        [exception] = order.delivery_exception_ids
        self.assertEqual(exception.state, "resolved")
        self.assertTrue(exception.notified_in_time)
        [acceptance] = order.acceptance_ids
        self.assertEqual(
            (acceptance.state, acceptance.result, acceptance.acceptance_type), ("confirmed", "pass", "product")
        )
        self.assertEqual(order.delivery_stage, "in_delivery")

    def test_failed_acceptance_then_a_passed_version(self):
        order = self.env.ref(DEMO + "demo_order_suzhou_parts")
        first, second = order.acceptance_ids.sorted("version")
        self.assertEqual((first.result, first.state, second.result, second.state), ("fail", "signed", "pass", "signed"))
        self.assertEqual((second.version, second.previous_id), (2, first))
        self.assertTrue(first.rectification_deadline)
        self.assertTrue(first._signed_is_intact() and second._signed_is_intact())
        self.assertTrue(order.accepted_date)
        self.assertEqual(order.delivery_stage, "accepted")
        self.assertFalse(order.delivery_project_id.next_update_date, "An accepted delivery needs no more updates.")

    def test_overdue_update_and_escalated_exception(self):
        order = self.env.ref(DEMO + "demo_order_suzhou_tooling")
        self.assertEqual(order.state, "sale")
        self.assertTrue(order.delivery_project_id.update_overdue)
        self.assertTrue(order.delivery_project_id.update_reminded_for)
        [exception] = order.delivery_exception_ids
        self.assertEqual(exception.state, "open")
        self.assertTrue(exception.notify_overdue)
        self.assertTrue(exception.escalated_at)
        manager = self.env.ref(DEMO + "demo_user_delivery_manager")
        self.assertIn(manager, exception.activity_ids.user_id)
        tracking = self.env["sale.order"].search(
            [("delivery_stage", "=", "in_delivery"), ("exception_unnotified", "=", True)]
        )
        self.assertIn(order, tracking)

    def test_aftersales_demo(self):
        team = self.env.ref(DEMO + "demo_helpdesk_team")
        tickets = self.env["helpdesk.ticket"].search([("team_id", "=", team.id)])
        self.assertEqual(len(tickets), 4)
        on_time = tickets.filtered(lambda ticket: ticket.satisfaction == "5")
        self.assertEqual((on_time.response_sla, on_time.resolution_sla), ("met", "met"))
        urgent = tickets.filtered("urgent")
        self.assertEqual(urgent.resolution_sla, "met")
        self.assertTrue(tickets.filtered("followup_overdue"), "A follow-up visit is overdue.")
        breached = tickets.filtered(lambda ticket: not ticket.responded_at)
        self.assertTrue(breached.response_escalated_at and breached.resolution_escalated_at)
        manager = self.env.ref(DEMO + "demo_user_aftersales_manager")
        self.assertEqual(len(breached.activity_ids.filtered(lambda activity: activity.user_id == manager)), 2)
        order = self.env.ref(DEMO + "demo_order_suzhou_parts")
        answered = order.satisfaction_followup_ids.filtered(lambda followup: followup.state == "answered")
        self.assertEqual(sorted(answered.mapped("score")), [2, 4])
        low = answered.filtered("low_score")
        self.assertEqual(low.recovery_activity_id.user_id, manager)
        self.assertTrue(order.partner_id.commercial_partner_id.satisfaction_low)
        xian = self.env.ref(DEMO + "demo_partner_xian")
        self.assertTrue(xian.relationship_contact_overdue)
        self.assertTrue(xian.success_case)
