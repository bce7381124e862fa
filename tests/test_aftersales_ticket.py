from datetime import datetime, timedelta

from odoo import Command, fields
from odoo.exceptions import UserError, ValidationError
from odoo.tests import HttpCase, new_test_user, tagged

from .common import RpcAttackCase
from .test_contract import ContractCase

# Friday 2026-11-06 17:55 in Shanghai
FRIDAY_1755 = datetime(2026, 11, 6, 9, 55)


class TicketCase(ContractCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        calendar = cls.company.resource_calendar_id
        calendar.tz = "Asia/Shanghai"
        cls.support = new_test_user(
            cls.env,
            login="csp_support",
            name="Support Wu",
            email="wu@example.cn",
            groups="helpdesk_mgmt.group_helpdesk_user,base.group_user",
            tz="Asia/Shanghai",
        )
        cls.aftersales_manager = new_test_user(
            cls.env,
            login="csp_aftersales_manager",
            name="After-sales Manager Zheng",
            groups="helpdesk_mgmt.group_helpdesk_manager,base.group_user",
        )
        cls.company.aftersales_manager_id = cls.aftersales_manager
        cls.team = cls.env["helpdesk.ticket.team"].create(
            {"name": "售后服务", "user_ids": [Command.set(cls.support.ids)]}
        )
        cls.done = cls.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_done")
        cls.in_progress = cls.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_in_progress")

    def _ticket(self, when=FRIDAY_1755, **vals):
        with self.frozen(when):
            return (
                self.env["helpdesk.ticket"]
                .with_user(self.support)
                .create(
                    {
                        "name": "主轴异响",
                        "description": "<p>主轴高速运转时有异响</p>",
                        "partner_id": self.buyer.id,
                        "team_id": self.team.id,
                        "user_id": self.support.id,
                        **vals,
                    }
                )
            )


@tagged("post_install", "-at_install")
class TestAftersalesTicket(TicketCase):
    def test_deadlines_on_the_support_calendar(self):
        ticket = self._ticket()
        # 15 working minutes from Friday 17:55: Monday 08:15 in Shanghai
        self.assertEqual(ticket.response_deadline, datetime(2026, 11, 9, 0, 15))
        # 48 working hours (6 days of 8 hours): Monday 2026-11-16 17:00 in Shanghai
        self.assertEqual(ticket.resolution_deadline, datetime(2026, 11, 16, 9, 0))
        urgent = self._ticket(urgent=True)
        # 2 working hours: Monday 10:00 in Shanghai
        self.assertEqual(urgent.resolution_deadline, datetime(2026, 11, 9, 2, 0))
        ticket.with_user(self.support).urgent = True
        self.assertEqual(ticket.resolution_deadline, datetime(2026, 11, 9, 2, 0), "Urgent: 2 hours on site.")

    def test_first_reply_responds_a_note_does_not(self):
        ticket = self._ticket(when=datetime.now() - timedelta(minutes=5))
        ticket.with_user(self.support).message_post(body="内部：联系了工程师", subtype_xmlid="mail.mt_note")
        self.assertFalse(ticket.responded_at)
        ticket.with_user(self.support).message_post(
            body="您好，我们已收到，工程师正在分析。", message_type="comment", subtype_xmlid="mail.mt_comment"
        )
        self.assertTrue(ticket.responded_at)
        first = ticket.responded_at
        ticket.with_user(self.support).action_mark_responded()
        self.assertEqual(ticket.responded_at, first, "The first response stays the first.")

    def test_resolution_sla_and_reopening(self):
        on_time = self._ticket(when=datetime.now() - timedelta(minutes=5))
        on_time.with_user(self.support).action_mark_responded()
        on_time.with_user(self.support).stage_id = self.done
        self.assertTrue(on_time.resolved_at)
        self.assertEqual((on_time.response_sla, on_time.resolution_sla), ("met", "met"))
        late = self._ticket()  # a ticket of Friday 2026-11-06, answered and closed now
        late.with_user(self.support).action_mark_responded()
        late.with_user(self.support).stage_id = self.done
        self.assertEqual((late.response_sla, late.resolution_sla), ("breached", "breached"))
        Ticket = self.env["helpdesk.ticket"]
        self.assertIn(late, Ticket.search([("resolution_breached", "=", True)]))
        self.assertNotIn(on_time, Ticket.search([("resolution_breached", "=", True)]))
        late.with_user(self.support).stage_id = self.in_progress
        self.assertFalse(late.resolved_at, "Reopened: not resolved any more.")
        self.assertFalse(late.followup_due_date)

    def test_breaches_escalate_once_and_queries_do_not_grow(self):
        ticket = self._ticket()
        Ticket = self.env["helpdesk.ticket"]
        self.assertIn(ticket, Ticket.search([("response_breached", "=", True)]))
        self.assertEqual(Ticket._cron_escalate_breaches(), 2, "The response and the resolution, each once.")
        todos = ticket.activity_ids.filtered(lambda activity: activity.user_id == self.aftersales_manager)
        self.assertEqual(len(todos), 2)
        self.assertTrue(ticket.response_escalated_at and ticket.resolution_escalated_at)
        self.assertEqual(Ticket._cron_escalate_breaches(), 0)
        fresh = self._ticket(when=datetime.now())
        Ticket._cron_escalate_breaches()
        self.assertFalse(fresh.activity_ids, "Not breached yet: nobody is escalated to.")

        def escalate(count):
            for _index in range(count):
                self._ticket()
            return self.count_queries(Ticket._cron_escalate_breaches)

        escalate(1)  # warms the registry caches
        self.assertEqual(escalate(2), escalate(10))

    def test_followup_visit_three_days_after_resolution_with_satisfaction(self):
        ticket = self._ticket(when=datetime.now() - timedelta(hours=1))
        with self.assertRaises(UserError):
            ticket.with_user(self.support).action_record_followup_visit()
        ticket.with_user(self.support).stage_id = self.done
        resolved_day = fields.Date.context_today(ticket.with_context(tz="Asia/Shanghai"), ticket.resolved_at)
        self.assertEqual(ticket.followup_due_date, resolved_day + timedelta(days=3))
        Visit = self.env["helpdesk.ticket.followup.visit"].with_user(self.support)
        with self.assertRaises(ValueError):
            Visit.create({"ticket_id": ticket.id, "satisfaction": "6"})
        with self.assertRaises(ValidationError):
            ticket.with_user(self.support)._record_followup_visit("0", "")
        action = ticket.with_user(self.support).action_record_followup_visit()
        Visit.with_context(**action["context"]).create(
            {"satisfaction": "4", "satisfaction_remark": "运行正常"}
        ).action_confirm()
        self.assertEqual((ticket.satisfaction, ticket.satisfaction_remark), ("4", "运行正常"))
        self.assertEqual(ticket.followup_user_id, self.support)
        self.assertFalse(ticket.followup_overdue)
        with self.assertRaises(UserError):
            ticket.with_user(self.support)._record_followup_visit("5", "")

    def test_followup_overdue_filter(self):
        ticket = self._ticket(when=datetime.now() - timedelta(days=10))
        with self.frozen(datetime.now() - timedelta(days=8)):
            ticket.with_user(self.support).stage_id = self.done
        self.assertTrue(ticket.followup_overdue)
        self.assertIn(ticket, self.env["helpdesk.ticket"].search([("followup_overdue", "=", True)]))

    def test_forged_deadlines_scores_and_dates_refused(self):
        ticket = self._ticket()
        for vals in (
            {"responded_at": fields.Datetime.now()},
            {"resolved_at": fields.Datetime.now()},
            {"satisfaction": "5"},
            {"followup_done_at": fields.Datetime.now()},
            {"response_escalated_at": fields.Datetime.now()},
        ):
            with self.subTest(vals=list(vals)), self.assertRaises(UserError):
                ticket.with_user(self.support).write(vals)
        with self.assertRaises(UserError):
            self._ticket(satisfaction="5")
        self.assertFalse(ticket.satisfaction)

    def test_order_link_and_aftersales_owner_with_service_guide(self):
        order = self._contract(delivery_contact_id=self.buyer.id)
        self._approve_all(order)
        order.with_user(self.rep).write({"customer_signer_id": self.legal_rep.id})
        self._sign_on_site(order)
        self.assertEqual(order.aftersales_user_id, self.aftersales_manager, "The company's after-sales manager.")
        self.assertEqual(order.partner_id.commercial_partner_id.aftersales_user_id, self.aftersales_manager)
        guide = order.message_ids.filtered(
            lambda message: "15" in (message.body or "") and "48" in (message.body or "")
        )
        self.assertTrue(guide, "The service guide went to the customer.")
        self.assertIn(self.buyer, guide.partner_ids)
        self.assertNotIn("48.0", guide.body, "Hours read as people write them.")
        ticket = self._ticket(sale_order_id=order.id)
        self.assertIn(order, ticket.sale_order_ids)


@tagged("post_install", "-at_install")
class TestAftersalesReports(TicketCase):
    def test_sla_report_matches_hand_counts(self):
        met = self._ticket(when=datetime.now() - timedelta(minutes=5), service_type="consultation")
        met.with_user(self.support).action_mark_responded()
        met.with_user(self.support).stage_id = self.done
        met.with_user(self.support)._record_followup_visit("2", "响应慢")
        late = self._ticket(service_type="fault")  # November 6th: both deadlines passed, nothing done
        late_answered = self._ticket(service_type="fault")
        late_answered.with_user(self.support).action_mark_responded()
        self.env.flush_all()
        Report = self.env["helpdesk.aftersales.report"].with_user(self.support)
        tickets = (met | late | late_answered).ids
        [row] = Report._read_group(
            [("ticket_id", "in", tickets)],
            [],
            ["tickets:sum", "response_in_sla:avg", "resolution_in_sla:avg", "satisfaction:avg", "low_satisfaction:sum"],
        )
        # responses: 1 met of 3; resolutions: 1 met of 3 (the two late ones breached); one visit scored 2
        self.assertEqual(row[0], 3)
        self.assertAlmostEqual(row[1], 100 / 3, places=4)
        self.assertAlmostEqual(row[2], 100 / 3, places=4)
        self.assertEqual((row[3], row[4]), (2.0, 1))
        by_type = dict(Report._read_group([("ticket_id", "in", tickets)], ["service_type"], ["response_in_sla:avg"]))
        self.assertEqual(by_type, {"consultation": 100.0, "fault": 0.0})
        other = new_test_user(self.env, login="csp_support_other", groups="helpdesk_mgmt.group_helpdesk_user_own")
        self.assertFalse(
            self.env["helpdesk.aftersales.report"].with_user(other).search([("ticket_id", "in", tickets)]),
            "Another supporter sees only his own records.",
        )

    def test_service_record_pdf(self):
        ticket = self._ticket(
            when=datetime.now() - timedelta(hours=1), handling="<p>远程排查，重启服务</p>", result="恢复正常"
        )
        ticket.with_user(self.support).stage_id = self.done
        ticket.with_user(self.support)._record_followup_visit("5", "很满意")
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("crm_sales_process.helpdesk_ticket_service_record_report", ticket.ids)[0]
            .decode()
        )
        for text in (ticket.number, "主轴高速运转时有异响", "远程排查，重启服务", "恢复正常", "很满意", "Support Wu"):
            self.assertIn(text, html)

    def test_success_case_flag(self):
        self.customer.write({"success_case": True, "success_case_note": "产线效率提升 25%"})
        self.assertIn(self.customer, self.env["res.partner"].search([("success_case", "=", True)]))


@tagged("post_install", "-at_install")
class TestAftersalesTicketRpc(RpcAttackCase, TicketCase):
    def test_salesman_cannot_forge_response_resolution_or_satisfaction(self):
        self.rep.groups_id |= self.env.ref("helpdesk_mgmt.group_helpdesk_user")
        ticket = self._ticket()
        for vals in (
            {"responded_at": "2026-11-27 10:00:00"},
            {"resolved_at": "2026-11-27 10:00:00"},
            {"satisfaction": "5"},
            {"satisfaction_remark": "非常满意"},
            {"resolution_escalated_at": "2026-11-27 10:00:00"},
        ):
            with self.subTest(vals=list(vals)):
                self.assertRefused(self.rpc("helpdesk.ticket", "write", ticket.ids, vals))
        ticket.invalidate_recordset()
        self.assertFalse(ticket.responded_at or ticket.resolved_at or ticket.satisfaction)
        self.assertEqual(ticket.response_sla, False)


@tagged("post_install", "-at_install")
class TestCountdownTour(HttpCase, TicketCase):
    def test_deadlines_count_down_on_the_ticket(self):
        ticket = self._ticket(when=datetime.now())
        self.env.flush_all()
        # a response an hour late and a resolution due in five hours, whatever the time the suite runs
        self.env.cr.execute(
            "UPDATE helpdesk_ticket SET response_deadline = %s, resolution_deadline = %s WHERE id = %s",
            (datetime.now() - timedelta(hours=1), datetime.now() + timedelta(hours=5), ticket.id),
        )
        self.support.password = "csp_support_password"
        self.start_tour(
            f"/odoo/action-helpdesk_mgmt.helpdesk_ticket_action/{ticket.id}",
            "crm_sales_process_countdown_tour",
            login="csp_support",
        )
