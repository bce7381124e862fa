from datetime import date, datetime, timedelta

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import HttpCase, new_test_user, tagged

from ..models.crm_lead_gate import StageGateBypass
from .common import RpcAttackCase, signature_png
from .test_delivery_update import DeliveryCase


class AcceptanceCase(DeliveryCase):
    def _acceptance(self, order=None, user=None, **vals):
        order = order or self._delivery_project().delivery_order_id
        return (
            self.env["sale.acceptance"]
            .with_user(user or self.deliverer)
            .create(
                {
                    "order_id": order.id,
                    "received_date": date(2026, 11, 20),
                    "customer_signer_id": self.legal_rep.id,
                    **vals,
                }
            )
        )

    def _decide(self, acceptance, result="pass", remark=False):
        acceptance.line_ids.with_user(self.deliverer).write({"line_result": result, "remark": remark})

    def _ready(self, acceptance, result="pass"):
        if result == "fail":
            self._decide(acceptance, "fail", "外壳划伤")
            acceptance.with_user(self.deliverer).failure_reason = "两台设备外壳划伤"
        else:
            self._decide(acceptance)
        acceptance.with_user(self.deliverer).action_confirm()
        return acceptance

    def _sign_on_site_acceptance(self, acceptance):
        action = acceptance.with_user(self.deliverer).action_sign_on_site()
        wizard = (
            self.env[action["res_model"]]
            .with_user(self.deliverer)
            .with_context(**action["context"])
            .create({"signature": signature_png()})
        )
        self.assertEqual(wizard.signed_by, self.legal_rep.name, "The signatory is proposed.")
        wizard.action_sign()
        return acceptance


@tagged("post_install", "-at_install")
class TestAcceptance(AcceptanceCase):
    def test_lines_from_the_order_numbered_owner_and_type(self):
        acceptance = self._acceptance()
        order = acceptance.order_id
        self.assertTrue(acceptance.name.startswith("YSQR/"))
        self.assertEqual(acceptance.state, "draft")
        self.assertEqual(acceptance.user_id, self.deliverer, "The delivery owner prepares it.")
        self.assertEqual(acceptance.partner_id, order.partner_id.commercial_partner_id)
        self.assertEqual(acceptance.company_id, order.company_id)
        self.assertEqual(acceptance.acceptance_type, "product")
        self.assertEqual(len(acceptance.line_ids), len(order.order_line))
        self.assertEqual(acceptance.line_ids.order_line_id, order.order_line)
        self.assertEqual(acceptance.line_ids[0].ordered_qty, order.order_line[0].product_uom_qty)
        self.assertFalse(acceptance.result, "Nothing decided yet.")
        self.assertEqual(order.acceptance_state, "waiting")
        with self.assertRaises(ValidationError):
            self._acceptance(self._contract())

    def test_due_three_working_days_after_receipt_over_weekend_and_holiday(self):
        calendar = self.company.resource_calendar_id
        calendar.tz = "Asia/Shanghai"
        # received on Friday 2026-11-27: Monday, Tuesday, Wednesday
        acceptance = self._acceptance(received_date=date(2026, 11, 27))
        self.assertEqual(acceptance.due_date, date(2026, 12, 2))
        # a company holiday on Monday 2026-11-30 pushes it to Thursday
        self.env["resource.calendar.leaves"].create(
            {
                "name": "公司假日",
                "calendar_id": calendar.id,
                "date_from": datetime(2026, 11, 29, 16, 0),
                "date_to": datetime(2026, 11, 30, 15, 59),
            }
        )
        acceptance.with_user(self.deliverer).received_date = date(2026, 11, 26)
        acceptance.with_user(self.deliverer).received_date = date(2026, 11, 27)
        self.assertEqual(acceptance.due_date, date(2026, 12, 3))
        service = self._acceptance(
            order=acceptance.order_id, acceptance_type="service", received_date=False, meeting_date=date(2026, 12, 8)
        )
        self.assertEqual(service.due_date, date(2026, 12, 8), "Services: the acceptance meeting.")

    def test_result_follows_the_lines(self):
        acceptance = self._acceptance()
        self._decide(acceptance)
        self.assertEqual(acceptance.result, "pass")
        acceptance.line_ids[:1].with_user(self.deliverer).write({"line_result": "fail", "remark": "划伤"})
        self.assertEqual(acceptance.result, "fail")
        with self.assertRaises(ValidationError):
            acceptance.line_ids[:1].with_user(self.deliverer).accepted_qty = acceptance.line_ids[:1].ordered_qty + 1

    def test_confirm_needs_decided_lines_reasons_and_an_authorised_signatory(self):
        acceptance = self._acceptance()
        with self.assertRaises(UserError):
            acceptance.with_user(self.deliverer).action_confirm()  # undecided lines
        self._decide(acceptance, "fail")
        with self.assertRaises(UserError):
            acceptance.with_user(self.deliverer).action_confirm()  # a failed line without remark
        self._decide(acceptance, "fail", "外壳划伤")
        with self.assertRaises(UserError):
            acceptance.with_user(self.deliverer).action_confirm()  # no failure reason
        acceptance.with_user(self.deliverer).failure_reason = "两台设备外壳划伤"
        acceptance.with_user(self.deliverer).customer_signer_id = self.buyer
        with self.assertRaises(ValidationError):
            acceptance.with_user(self.deliverer).action_confirm()  # the buyer holds no power of attorney
        acceptance.with_user(self.deliverer).customer_signer_id = self.legal_rep
        acceptance.with_user(self.deliverer).action_confirm()
        self.assertEqual(acceptance.state, "confirmed")
        with self.assertRaises(UserError):
            acceptance.line_ids[:1].with_user(self.deliverer).line_result = "pass"

    def test_passed_signed_on_site_completes_the_delivery(self):
        lead = self._create_lead(type="opportunity")
        lead.with_context(crm_stage_gate_bypass=StageGateBypass("override", "test setup")).write(
            {"stage_id": self.env.ref("crm_sales_process.crm_stage_contract").id}
        )
        acceptance = self._acceptance()
        order = acceptance.order_id
        order.sudo().opportunity_id = lead
        self.assertEqual(lead.process_phase, "delivery")
        self._sign_on_site_acceptance(self._ready(acceptance))
        self.assertEqual(acceptance.state, "signed")
        self.assertTrue(acceptance.signed_on_site)
        self.assertTrue(acceptance._signed_is_intact())
        self.assertIn(acceptance.signed_hash, acceptance.signed_pdf_id.raw.decode())
        self.assertEqual(order.accepted_date, fields.Date.context_today(acceptance.with_context(tz="Asia/Shanghai")))
        self.assertEqual(order.delivery_stage, "accepted")
        self.assertEqual(order.acceptance_state, "passed")
        self.assertEqual(lead.process_phase, "aftersales")
        self.assertFalse(acceptance.rectification_deadline)
        with self.assertRaises(UserError):
            acceptance.with_user(self.deliverer).received_date = date(2026, 11, 21)

    def test_failed_starts_rectification_then_a_new_version_passes(self):
        acceptance = self._sign_on_site_acceptance(self._ready(self._acceptance(), "fail"))
        order = acceptance.order_id
        self.assertEqual(acceptance.result, "fail")
        self.assertEqual(acceptance.rectification_deadline, acceptance.signed_on + timedelta(hours=24))
        activity = acceptance.rectification_activity_id
        self.assertEqual(activity.user_id, self.deliverer)
        self.assertIn(acceptance.name, activity.summary)
        self.assertFalse(order.accepted_date, "A failed acceptance does not complete the delivery.")
        self.assertEqual(order.acceptance_state, "failed")
        with self.assertRaises(UserError):
            self._acceptance(order=order).action_new_version()  # a draft is not followed by a version
        action = acceptance.with_user(self.deliverer).action_new_version()
        second = self.env["sale.acceptance"].browse(action["res_id"])
        self.assertEqual((second.name, second.version, second.previous_id), (acceptance.name, 2, acceptance))
        self.assertEqual(acceptance.next_id, second)
        self.assertFalse(second.line_ids.filtered("line_result"), "Each line is accepted again.")
        self.assertEqual(second.customer_signer_id, self.legal_rep)
        with self.assertRaises(UserError):
            acceptance.with_user(self.deliverer).action_new_version()  # once
        self._sign_on_site_acceptance(self._ready(second))
        self.assertEqual(order.acceptance_state, "passed")
        self.assertTrue(order.accepted_date)

    def test_tamper_detected(self):
        acceptance = self._sign_on_site_acceptance(self._ready(self._acceptance()))
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE sale_acceptance_line SET accepted_qty = 0, line_result = 'fail' WHERE id = %s",
            (acceptance.line_ids[0].id,),
        )
        result = acceptance.with_user(self.deliverer).action_verify_signature()
        self.assertEqual(result["params"]["type"], "danger")

    def test_overdue_filter_and_one_reminder(self):
        acceptance = self._acceptance(received_date=fields.Date.today() - timedelta(days=10))
        Acceptance = self.env["sale.acceptance"]
        self.assertTrue(acceptance.overdue)
        self.assertIn(acceptance, Acceptance.search([("overdue", "=", True)]))
        fresh = self._acceptance(order=acceptance.order_id, received_date=fields.Date.today())
        self.assertNotIn(fresh, Acceptance.search([("overdue", "=", True)]))
        todo = self.env.ref("mail.mail_activity_data_todo")

        def reminders():
            return acceptance.activity_ids.filtered(lambda activity: activity.activity_type_id == todo)

        Acceptance._cron_remind_overdue()
        self.assertEqual(len(reminders()), 1)
        self.assertEqual(reminders().user_id, self.deliverer)
        Acceptance._cron_remind_overdue()
        self.assertEqual(len(reminders()), 1, "Once per due date.")

    def test_pdf_titles_and_lines(self):
        acceptance = self._ready(self._acceptance(), "fail")
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("crm_sales_process.sale_acceptance_report", acceptance.ids)[0]
            .decode()
        )
        for text in (
            "Product Acceptance Certificate",
            acceptance.name,
            "外壳划伤",
            "两台设备外壳划伤",
            self.legal_rep.name,
        ):
            self.assertIn(text, html)

    def test_visibility_salesman_other_company(self):
        acceptance = self._acceptance()
        self.assertTrue(acceptance.with_user(self.rep).read(["name"]), "The order's salesman sees it.")
        with self.assertRaises(AccessError):
            acceptance.with_user(self.rep_2).read(["name"])
        with self.assertRaises(AccessError):
            acceptance.line_ids.with_user(self.rep_2).read(["description"])
        other_company = self.env["res.company"].create({"name": "杭州分公司"})
        outsider = new_test_user(
            self.env,
            login="csp_other_delivery_manager_acceptance",
            groups="crm_sales_process.group_delivery_manager,base.group_user",
            company_id=other_company.id,
            company_ids=[Command.set(other_company.ids)],
        )
        with self.assertRaises(AccessError):
            acceptance.with_user(outsider).read(["name"])


@tagged("post_install", "-at_install")
class TestAcceptancePortal(HttpCase, AcceptanceCase):
    def test_customer_signs_with_the_token_only(self):
        acceptance = self._ready(self._acceptance())
        token = acceptance._portal_ensure_token()
        self.assertEqual(self.url_open(f"/my/acceptance/{acceptance.id}?access_token=wrong").status_code, 404)
        page = self.url_open(f"/my/acceptance/{acceptance.id}?access_token={token}")
        self.assertEqual(page.status_code, 200)
        self.assertIn(acceptance.line_ids[0].description.splitlines()[0], page.text)
        self.assertIn("portal.signature_form", page.text)
        result = self.make_jsonrpc_request(
            f"/my/acceptance/{acceptance.id}/sign",
            {"access_token": token, "name": self.legal_rep.name, "signature": signature_png().decode()},
        )
        self.assertTrue(result.get("force_refresh"), result)
        acceptance.invalidate_recordset()
        self.assertEqual(acceptance.state, "signed")
        self.assertFalse(acceptance.signed_on_site)
        self.assertTrue(acceptance.order_id.accepted_date)


@tagged("post_install", "-at_install")
class TestAcceptanceRpc(RpcAttackCase, AcceptanceCase):
    def test_salesman_cannot_forge_results_signatures_versions_or_acceptance(self):
        acceptance = self._acceptance(user=self.deliverer)
        order = acceptance.order_id
        attacks = (
            {"result": "pass"},
            {"state": "signed"},
            {"signed_by": "伪造", "signed_on": "2026-11-23 08:00:00"},
            {"version": 5},
            {"rectification_deadline": "2026-12-31 08:00:00"},
            {"reminded_for": "2026-12-31"},
            {"previous_id": acceptance.id},
        )
        for vals in attacks:
            with self.subTest(vals=list(vals)):
                self.assertRefused(self.rpc("sale.acceptance", "write", acceptance.ids, vals))
        self.assertRefused(
            self.rpc("sale.acceptance", "create", {"order_id": order.id, "state": "signed", "signed_by": "伪造"})
        )
        self.assertRefused(self.rpc("sale.order", "write", order.ids, {"accepted_date": "2026-11-23"}))
        self.assertRefused(self.rpc("sale.acceptance.line", "write", acceptance.line_ids[:1].ids, {"ordered_qty": 999}))
        # frozen once confirmed: a line's result cannot change behind the customer's back
        self._ready(acceptance)
        self.assertRefused(
            self.rpc("sale.acceptance.line", "write", acceptance.line_ids[:1].ids, {"line_result": "fail"})
        )
        acceptance.invalidate_recordset()
        order.invalidate_recordset()
        self.assertEqual((acceptance.state, acceptance.result, acceptance.version), ("confirmed", "pass", 1))
        self.assertFalse(order.accepted_date)
