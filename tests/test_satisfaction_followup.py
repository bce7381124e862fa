from dateutil.relativedelta import relativedelta

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .common import RpcAttackCase
from .test_acceptance import AcceptanceCase


class SatisfactionCase(AcceptanceCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.aftersales_manager = new_test_user(
            cls.env,
            login="csp_aftersales_manager_s",
            name="After-sales Manager Zheng",
            groups="helpdesk_mgmt.group_helpdesk_manager,base.group_user",
        )
        cls.company.aftersales_manager_id = cls.aftersales_manager
        cls.survey = cls.env.ref("crm_sales_process.survey_customer_satisfaction")

    def _accepted_order(self):
        acceptance = self._sign_on_site_acceptance(self._ready(self._acceptance()))
        return acceptance.order_id

    def _answer(self, followup, score):
        """The customer answers the survey through its token, as the survey controller saves it."""
        answer = followup.user_input_id.sudo()
        question = self.env.ref("crm_sales_process.survey_customer_satisfaction_overall")
        choice = self.env.ref(f"crm_sales_process.survey_customer_satisfaction_overall_{score}")
        answer._save_lines(question, choice.id)
        answer._mark_done()


@tagged("post_install", "-at_install")
class TestSatisfactionFollowup(SatisfactionCase):
    def test_planned_at_one_three_six_months_once(self):
        order = self._accepted_order()
        followups = order.satisfaction_followup_ids.sorted("months")
        self.assertEqual(followups.mapped("months"), [1, 3, 6])
        accepted = order.accepted_date
        self.assertEqual(
            followups.mapped("planned_date"),
            [accepted + relativedelta(months=months) for months in (1, 3, 6)],
        )
        self.assertEqual(followups.contact_id, self.buyer, "The delivery contact answers.")
        self.assertEqual(set(followups.mapped("state")), {"planned"})
        self.assertEqual(followups.user_id, order.aftersales_user_id)
        again = self.env["sale.satisfaction.followup"]._plan_for_acceptance(order.acceptance_ids)
        self.assertFalse(again, "Planned once per order.")

    def test_sent_on_the_planned_date_once_and_reminded_once(self):
        order = self._accepted_order()
        first = order.satisfaction_followup_ids.filtered(lambda followup: followup.months == 1)
        Followup = self.env["sale.satisfaction.followup"]
        self.assertEqual(Followup._cron_send()[0], 0, "Nothing is due today.")
        with self.frozen(fields.Datetime.now() + relativedelta(months=1, days=1)):
            sent, _reminded = Followup._cron_send()
            self.assertEqual(sent, 1)
            self.assertEqual(first.state, "sent")
            self.assertTrue(first.user_input_id)
            self.assertEqual(first.user_input_id.partner_id, self.buyer)
            mails = self.env["mail.mail"].search([("model", "=", first._name), ("res_id", "=", first.id)])
            self.assertEqual(len(mails), 1)
            self.assertIn(first.user_input_id.access_token, mails.body_html)
            self.assertEqual(Followup._cron_send(), (0, 0), "Never twice.")
        with self.frozen(fields.Datetime.now() + relativedelta(months=1, days=9)):
            self.assertEqual(Followup._cron_send(), (0, 1), "Reminded after 7 days without an answer.")
            self.assertEqual(Followup._cron_send(), (0, 0), "Reminded once.")
        self.assertTrue(first.reminded_at)

    def test_answer_stores_the_score_and_a_low_one_opens_a_recovery(self):
        order = self._accepted_order()
        first, third = order.satisfaction_followup_ids.sorted("months")[:2]
        (first | third).with_user(self.aftersales_manager).action_send_now()
        self._answer(first, 4)
        self.assertEqual((first.state, first.score, first.low_score), ("answered", 4, False))
        customer = order.partner_id.commercial_partner_id
        self.assertEqual((customer.satisfaction_score, customer.satisfaction_low), (4, False))
        self.assertFalse(first.recovery_activity_id)
        self._answer(third, 2)
        self.assertEqual((third.score, third.low_score), (2, True))
        self.assertEqual(third.recovery_activity_id.user_id, self.aftersales_manager)
        self.assertIn(customer.name, third.recovery_activity_id.summary)
        self.assertTrue(customer.satisfaction_low)
        self.assertIn(customer, self.env["res.partner"].search([("satisfaction_low", "=", True)]))

    def test_visibility_and_forgery(self):
        order = self._accepted_order()
        followup = order.satisfaction_followup_ids[:1]
        self.assertTrue(followup.with_user(self.rep).read(["score"]), "The order's salesman sees it.")
        with self.assertRaises(AccessError):
            followup.with_user(self.rep_2).read(["score"])
        other_company = self.env["res.company"].create({"name": "杭州分公司"})
        outsider = new_test_user(
            self.env,
            login="csp_other_company_helpdesk",
            groups="helpdesk_mgmt.group_helpdesk_manager,base.group_user",
            company_id=other_company.id,
            company_ids=[Command.set(other_company.ids)],
        )
        with self.assertRaises(AccessError):
            followup.with_user(outsider).read(["score"])
        ticket = self.env["helpdesk.ticket"].create(
            {"name": "异响", "description": "<p>异响</p>", "partner_id": self.buyer.id}
        )
        self.env.flush_all()
        self.assertTrue(self.env["helpdesk.aftersales.report"].search([("ticket_id", "=", ticket.id)]))
        self.assertFalse(
            self.env["helpdesk.aftersales.report"].with_user(outsider).search([("ticket_id", "=", ticket.id)]),
            "Another company's after-sales manager does not see the figures.",
        )
        with self.assertRaises(AccessError):
            followup.with_user(self.rep).write({"contact_id": self.legal_rep.id})
        with self.assertRaises(UserError):
            followup.with_user(self.aftersales_manager).write({"score": 5})
        with self.assertRaises(UserError):
            order.partner_id.commercial_partner_id.with_user(self.rep).write({"satisfaction_low": True})


@tagged("post_install", "-at_install")
class TestSatisfactionFollowupRpc(RpcAttackCase, SatisfactionCase):
    def test_salesman_cannot_forge_a_score_or_clear_a_low_flag(self):
        self.rep.groups_id |= self.env.ref("helpdesk_mgmt.group_helpdesk_user")
        order = self._accepted_order()
        followup = order.satisfaction_followup_ids[:1]
        for vals in ({"score": 5}, {"state": "answered"}, {"answered_at": "2026-12-01 08:00:00"}, {"low_score": True}):
            with self.subTest(vals=list(vals)):
                self.assertRefused(self.rpc("sale.satisfaction.followup", "write", followup.ids, vals))
        customer = order.partner_id.commercial_partner_id
        self.assertRefused(self.rpc("res.partner", "write", customer.ids, {"satisfaction_score": 5}))
        followup.invalidate_recordset()
        self.assertEqual((followup.state, followup.score), ("planned", 0))
