from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import Form, HttpCase, tagged

from .common import CrmSalesProcessCase, signature_png


class NeedConfirmationCase(CrmSalesProcessCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer.is_company = True
        cls.director = cls.env["res.partner"].create(
            {"name": "周建国", "parent_id": cls.customer.id, "decision_role": "decision_maker"}
        )
        cls.tag = cls.env["crm.need.tag"].create({"name": "Test 提效"})

    def _lead_with_needs(self):
        lead = self._create_lead(type="opportunity")
        needs = (
            self.env["crm.lead.need"]
            .with_user(self.rep)
            .create(
                [
                    {
                        "lead_id": lead.id,
                        "need_type": "rigid",
                        "description": "换型时间缩短到 1 小时以内",
                        "tag_ids": [Command.set(self.tag.ids)],
                    },
                    {"lead_id": lead.id, "need_type": "flexible", "description": "设备联网，产量自动统计"},
                    {"lead_id": lead.id, "need_type": "potential", "description": "二期扩建第三条线"},
                ]
            )
        )
        return lead, needs

    def _confirmation(self, lead):
        action = lead.with_user(self.rep).action_request_need_confirmation()
        confirmation = self.env["crm.need.confirmation"].browse(action["res_id"])
        confirmation.with_user(self.rep).action_confirm()
        return confirmation


@tagged("post_install", "-at_install")
class TestNeedConfirmation(NeedConfirmationCase):
    def test_list_copies_the_needs_to_confirm(self):
        lead, needs = self._lead_with_needs()
        needs[2].with_user(self.rep).action_cancel()
        confirmation = self._confirmation(lead)
        self.assertTrue(confirmation.name.startswith("XQQR"), confirmation.name)
        self.assertEqual(confirmation.partner_id, self.customer)
        self.assertEqual(confirmation.line_ids.need_id, needs[:2], "Cancelled needs are left out.")
        self.assertEqual(confirmation.line_ids[0].code, needs[0].code)
        self.assertEqual(confirmation.line_ids[0].tags, "Test 提效")
        self.assertEqual(lead.need_confirmation_count, 1)

    def test_no_needs_no_list(self):
        lead = self._create_lead(type="opportunity")
        with self.assertRaises(UserError):
            lead.with_user(self.rep).action_request_need_confirmation()
        self.assertFalse(lead.need_confirmation_ids)

    def test_signature_confirms_the_needs_and_the_checklist(self):
        lead, needs = self._lead_with_needs()
        line = self.checklist(lead).filtered(lambda line: line.evidence == "needs_confirmed")
        self.assertFalse(line.is_done)
        confirmation = self._confirmation(lead)
        action = confirmation.with_user(self.rep).action_sign_on_site()
        wizard = Form(self.env[action["res_model"]].with_user(self.rep).with_context(**action["context"]))
        wizard.signed_by = "周建国"
        wizard.signature = signature_png()
        wizard.save().action_sign()
        self.assertEqual(confirmation.state, "signed")
        self.assertEqual(set(needs.mapped("state")), {"confirmed"})
        self.assertEqual(set(needs.mapped("confirmation_method")), {"signature"})
        self.assertEqual(needs.confirmed_by_id, self.director, "The contact who signed confirmed them.")
        line.invalidate_recordset()
        self.assertTrue(line.is_done)
        # the list is frozen with its lines; the needs themselves follow their own rules
        with self.assertRaises(UserError):
            confirmation.line_ids[0].with_user(self.rep).write({"description": "改过的需求"})
        with self.assertRaises(UserError):
            confirmation.with_user(self.rep).unlink()

    def test_needs_confirmed_by_meeting_keep_their_method(self):
        lead, needs = self._lead_with_needs()
        needs[0]._mark_confirmed("meeting", self.director, "2026-11-01")
        confirmation = self._confirmation(lead)
        confirmation._sign("Someone from purchasing", signature_png())
        self.assertEqual(needs[0].confirmation_method, "meeting")
        self.assertEqual(needs[1:].mapped("confirmation_method"), ["signature", "signature"])
        self.assertEqual(needs[1].confirmed_by_id, self.customer, "An unknown signer confirms for the company.")

    def test_pdf_lists_the_needs(self):
        lead, needs = self._lead_with_needs()
        confirmation = self._confirmation(lead)
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("crm_sales_process.crm_need_confirmation_report", confirmation.ids)[0]
            .decode()
        )
        for text in (confirmation.name, needs[0].code, "换型时间缩短到 1 小时以内", "二期扩建第三条线"):
            self.assertIn(text, html)


@tagged("post_install", "-at_install")
class TestNeedConfirmationPortal(HttpCase, NeedConfirmationCase):
    def test_customer_confirms_on_the_portal(self):
        lead, needs = self._lead_with_needs()
        confirmation = self._confirmation(lead)
        token = confirmation._portal_ensure_token()
        page = self.url_open(f"/my/needs_confirmation/{confirmation.id}?access_token={token}")
        self.assertEqual(page.status_code, 200)
        self.assertIn("设备联网，产量自动统计", page.text)
        self.assertEqual(self.url_open(f"/my/needs_confirmation/{confirmation.id}?access_token=x").status_code, 404)
        result = self.make_jsonrpc_request(
            f"/my/needs_confirmation/{confirmation.id}/sign",
            {"access_token": token, "name": "周建国", "signature": signature_png().decode()},
        )
        self.assertTrue(result.get("force_refresh"), result)
        needs.invalidate_recordset()
        self.assertEqual(set(needs.mapped("state")), {"confirmed"})
        self.assertEqual(needs.confirmed_by_id, self.director)
