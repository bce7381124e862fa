from datetime import datetime, timedelta

from psycopg2 import IntegrityError

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import CrmSalesProcessCase, RpcAttackCase


@tagged("post_install", "-at_install")
class TestFollowup(CrmSalesProcessCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.call = cls.env.ref("mail.mail_activity_data_call")
        cls.todo = cls.env.ref("mail.mail_activity_data_todo")

    def _activity(self, lead, activity_type, user=None, summary=False):
        return (
            self.env["mail.activity"]
            .with_user(user or self.rep)
            .create(
                {
                    "res_model_id": self.env["ir.model"]._get_id("crm.lead"),
                    "res_id": lead.id,
                    "activity_type_id": activity_type.id,
                    "summary": summary,
                    "user_id": (user or self.rep).id,
                    "date_deadline": fields.Date.today(),
                }
            )
        )

    def test_done_call_logs_the_followup_with_its_reaction(self):
        lead = self._create_lead()
        activity = self._activity(lead, self.call)
        self.assertTrue(lead.has_next_step, "An open activity is a planned next step.")
        activity.with_user(self.rep).with_context(
            crm_followup_reaction="neutral", crm_followup_reason="需内部讨论"
        ).action_feedback(feedback="演示了方案，客户要求补充能耗数据")
        followup = lead.followup_ids
        self.assertEqual(len(followup), 1)
        self.assertRecordValues(
            followup,
            [
                {
                    "channel": "call",
                    "content": "演示了方案，客户要求补充能耗数据",
                    "reaction": "neutral",
                    "reaction_reason": "需内部讨论",
                    "user_id": self.rep.id,
                    "activity_type_id": self.call.id,
                    "customer_reached": True,
                }
            ],
        )
        self.assertEqual(lead.last_followup_date, followup.date)
        self.assertTrue(lead.first_contact_date, "A follow-up that reached the customer is the first contact.")
        self.assertFalse(lead.has_next_step, "The only activity is done: no next step planned.")
        self.assertEqual(lead.followup_count, 1)
        self.assertIn(lead, self.env["crm.lead"].search([("has_next_step", "=", False), ("id", "=", lead.id)]))

    def test_done_and_schedule_next_makes_the_next_activity_the_next_step(self):
        lead = self._create_lead()
        activity = self._activity(lead, self.call)
        action = (
            activity.with_user(self.rep)
            .with_context(crm_followup_reaction="positive")
            .action_feedback_schedule_next(feedback="客户同意安排现场演示")
        )
        followup = lead.followup_ids
        self.assertEqual(action["context"]["crm_followup_id"], followup.id)
        deadline = fields.Date.today() + timedelta(days=3)
        nxt = (
            self.env["mail.activity"]
            .with_user(self.rep)
            .with_context(**action["context"])
            .create(
                {
                    "activity_type_id": self.env.ref("mail.mail_activity_data_meeting").id,
                    "summary": "现场演示",
                    "date_deadline": deadline,
                    "user_id": self.rep.id,
                }
            )
        )
        self.assertRecordValues(
            followup,
            [
                {
                    "next_activity_id": nxt.id,
                    "next_action": "现场演示",
                    "next_date": deadline,
                    "next_user_id": self.rep.id,
                }
            ],
        )
        self.assertTrue(lead.has_next_step)

    def test_schedule_next_context_cannot_link_another_leads_followup(self):
        lead, other = self._create_lead(), self._create_lead(name="Other")
        followup = (
            self.env["crm.lead.followup"]
            .with_user(self.rep)
            .create({"lead_id": lead.id, "content": "电话沟通", "reaction": "positive"})
        )
        self.env["mail.activity"].with_user(self.rep).with_context(crm_followup_id=followup.id).create(
            {
                "res_model_id": self.env["ir.model"]._get_id("crm.lead"),
                "res_id": other.id,
                "activity_type_id": self.todo.id,
                "date_deadline": fields.Date.today(),
                "user_id": self.rep.id,
            }
        )
        self.assertFalse(followup.next_activity_id)

    def test_followup_by_hand_plans_and_follows_its_next_step(self):
        lead = self._create_lead()
        self.assertFalse(lead.has_next_step)
        deadline = fields.Date.today() + timedelta(days=5)
        followup = (
            self.env["crm.lead.followup"]
            .with_user(self.rep)
            .create(
                {
                    "lead_id": lead.id,
                    "channel": "visit",
                    "content": "拜访采购部，确认设备参数",
                    "reaction": "positive",
                    "reaction_reason": "有兴趣进一步了解方案",
                    "next_action": "提供设备参数表",
                    "next_date": deadline,
                    "next_user_id": self.rep_2.id,
                }
            )
        )
        activity = followup.next_activity_id
        self.assertRecordValues(
            activity,
            [
                {
                    "res_model": "crm.lead",
                    "res_id": lead.id,
                    "summary": "提供设备参数表",
                    "date_deadline": deadline,
                    "user_id": self.rep_2.id,
                    "activity_type_id": self.todo.id,
                }
            ],
        )
        self.assertTrue(lead.has_next_step)
        followup.with_user(self.rep).next_date = deadline + timedelta(days=2)
        self.assertEqual(activity.date_deadline, deadline + timedelta(days=2), "The next activity follows the step.")
        activity.with_user(self.rep_2).sudo(False).action_feedback(feedback="已发送")
        self.assertFalse(lead.has_next_step)
        self.assertEqual(len(lead.followup_ids), 1, "A to-do done without a reaction logs no follow-up.")

    def test_todo_done_with_a_reaction_logs_an_other_followup(self):
        lead = self._create_lead()
        activity = self._activity(lead, self.todo, summary="发送资料")
        activity.with_user(self.rep).with_context(crm_followup_reaction="negative").action_feedback()
        self.assertRecordValues(
            lead.followup_ids, [{"channel": "other", "content": "发送资料", "reaction": "negative"}]
        )

    def test_invalid_reaction_refused_and_activity_kept(self):
        lead = self._create_lead()
        activity = self._activity(lead, self.call)
        with self.assertRaises(UserError):
            activity.with_user(self.rep).with_context(crm_followup_reaction="enthusiastic").action_feedback("x")
        self.assertTrue(activity.exists())
        self.assertFalse(lead.followup_ids)

    def test_followup_not_reaching_the_customer_is_no_first_contact(self):
        lead = self._create_lead()
        self.env["crm.lead.followup"].with_user(self.rep).create(
            {"lead_id": lead.id, "content": "电话无人接听", "customer_reached": False}
        )
        self.assertFalse(lead.first_contact_date)
        self.assertTrue(lead.last_followup_date)

    def test_followup_dated_back_does_not_backdate_the_first_contact(self):
        with self.frozen(datetime(2026, 11, 2, 9, 0)):
            lead = self._create_lead(answers=self.all_levels("high"))
            self.env.flush_all()
        with self.frozen(datetime(2026, 11, 5, 9, 0)):
            self.env["crm.lead.followup"].with_user(self.rep).create(
                {"lead_id": lead.id, "content": "电话", "date": datetime(2026, 11, 2, 10, 0)}
            )
            self.assertEqual(lead.first_contact_date, datetime(2026, 11, 5, 9, 0))
            self.assertEqual(lead.first_contact_state, "late")
            self.assertEqual(lead.last_followup_date, datetime(2026, 11, 2, 10, 0))
            self.assertEqual(lead.days_since_followup, 2)

    def test_followup_is_progress_with_the_customer(self):
        lead = self._create_lead()
        self.customer.sudo()._process().write({"last_progress_date": datetime(2026, 1, 1)})
        self.env["crm.lead.followup"].with_user(self.rep).create({"lead_id": lead.id, "content": "邮件跟进"})
        self.customer.invalidate_recordset()
        self.assertGreater(self.customer.last_progress_date, datetime(2026, 1, 1))

    def test_bad_dates_and_half_steps_refused(self):
        lead = self._create_lead()
        Followup = self.env["crm.lead.followup"].with_user(self.rep)
        with self.assertRaises(ValidationError):
            Followup.create({"lead_id": lead.id, "content": "x", "date": fields.Datetime.now() + timedelta(days=1)})
        with self.assertRaises(ValidationError):
            Followup.create(
                {
                    "lead_id": lead.id,
                    "content": "x",
                    "next_action": "回访",
                    "next_date": fields.Date.today() - timedelta(days=3),
                }
            )
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"), self.cr.savepoint():
            Followup.create({"lead_id": lead.id, "content": "x", "next_action": "回访"})
        self.assertFalse(lead.followup_ids)

    def test_followup_stays_on_its_lead(self):
        lead, other = self._create_lead(), self._create_lead(name="Other")
        followup = self.env["crm.lead.followup"].with_user(self.rep).create({"lead_id": lead.id, "content": "a"})
        with self.assertRaises(UserError):
            followup.with_user(self.rep).lead_id = other
        self.assertEqual(followup.lead_id, lead)
        self.assertEqual((lead.followup_count, other.followup_count), (1, 0))

    def test_deleting_the_last_followup_updates_the_lead(self):
        lead = self._create_lead()
        first = self.env["crm.lead.followup"].create(
            {"lead_id": lead.id, "content": "a", "date": fields.Datetime.now() - timedelta(days=3)}
        )
        second = self.env["crm.lead.followup"].create({"lead_id": lead.id, "content": "b"})
        self.assertEqual((lead.last_followup_date, lead.followup_count), (second.date, 2))
        second.unlink()
        self.assertEqual((lead.last_followup_date, lead.followup_count), (first.date, 1))

    def test_followups_follow_the_visibility_of_their_lead(self):
        lead = self._create_lead(user=self.rep)
        followup = self.env["crm.lead.followup"].with_user(self.rep).create({"lead_id": lead.id, "content": "a"})
        self.assertFalse(self.env["crm.lead.followup"].with_user(self.rep_2).search([("id", "=", followup.id)]))
        with self.assertRaises(AccessError):
            followup.with_user(self.rep_2).content = "forged"
        other_company = self.env["res.company"].create({"name": "Other Co"})
        self.manager.write({"company_ids": [(4, other_company.id)]})
        foreign_lead = self._create_lead(user=self.manager, company_id=other_company.id, team_id=False)
        foreign = self.env["crm.lead.followup"].create({"lead_id": foreign_lead.id, "content": "b"})
        self.assertFalse(
            self.env["crm.lead.followup"]
            .with_user(self.manager)
            .with_context(allowed_company_ids=[self.company.id])
            .search([("id", "=", foreign.id)])
        )


@tagged("post_install", "-at_install")
class TestFollowupIntegrityRpc(RpcAttackCase):
    def test_salesman_cannot_forge_the_lead_flags_or_the_next_activity(self):
        lead = self._create_lead()
        self.assertRefused(self.rpc("crm.lead", "write", [lead.id], {"has_next_step": True}))
        self.assertRefused(self.rpc("crm.lead", "write", [lead.id], {"last_followup_date": "2026-11-20 08:00:00"}))
        self.assertRefused(self.rpc("crm.lead", "write", [lead.id], {"followup_count": 12}))
        other = self.env["mail.activity"].create(
            {
                "res_model_id": self.env["ir.model"]._get_id("crm.lead"),
                "res_id": lead.id,
                "activity_type_id": self.env.ref("mail.mail_activity_data_todo").id,
                "date_deadline": fields.Date.today(),
                "user_id": self.rep.id,
            }
        )
        self.assertRefused(
            self.rpc(
                "crm.lead.followup",
                "create",
                [{"lead_id": lead.id, "content": "电话", "next_activity_id": other.id}],
            )
        )
        created = self.rpc(
            "crm.lead.followup",
            "create",
            [{"lead_id": lead.id, "content": "电话"}],
            context={"lang": "zh_CN", "default_activity_type_id": self.env.ref("mail.mail_activity_data_call").id},
        )
        followup = self.env["crm.lead.followup"].browse(created)
        other_lead = self._create_lead(name="Other")
        self.assertRefused(self.rpc("crm.lead.followup", "write", [followup.id], {"lead_id": other_lead.id}))
        self.assertEqual(followup.lead_id, lead)
        self.assertFalse(followup.activity_type_id, "A process field cannot come as a context default.")
        self.assertFalse(self.env["crm.lead.followup"].search([("next_activity_id", "=", other.id)]))
        lead.invalidate_recordset()
        self.assertTrue(lead.has_next_step, "The open activity is the lead's next step.")
