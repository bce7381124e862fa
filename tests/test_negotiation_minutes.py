import json
from datetime import timedelta

from odoo import Command
from odoo.exceptions import AccessError, RedirectWarning, UserError, ValidationError
from odoo.tests import Form, HttpCase, new_test_user, tagged

from ..models.crm_lead_gate import StageGateBypass
from .common import CrmSalesProcessCase, signature_png


class MinutesCase(CrmSalesProcessCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.stage_negotiation = cls.env.ref("crm_sales_process.crm_stage_negotiation")
        cls.stage_contract = cls.env.ref("crm_sales_process.crm_stage_contract")
        cls.item_minutes = cls.env.ref("crm_sales_process.crm_stage_checklist_item_negotiation_minutes")
        cls.buyer = cls.env["res.partner"].create(
            {"name": "孔明亮", "parent_id": cls.customer.id, "function": "采购经理"}
        )

    def _lead_in_negotiation(self):
        lead = self._create_lead(type="opportunity")
        lead.with_context(crm_stage_gate_bypass=StageGateBypass("override", "test setup")).write(
            {"stage_id": self.stage_negotiation.id}
        )
        return lead

    def _minutes(self, lead=None, confirm=True):
        lead = lead or self._lead_in_negotiation()
        minutes = (
            self.env["crm.negotiation.minutes"]
            .with_user(self.rep)
            .create(
                {
                    "lead_id": lead.id,
                    "location": "苏州 会议室 A",
                    "customer_attendee_ids": [Command.set(self.buyer.ids)],
                    "term_ids": [
                        Command.create({"topic": "price", "description": "单价 158 万元，含税", "status": "agreed"}),
                        Command.create({"topic": "payment", "description": "30% 预付，60% 发货前，10% 验收后"}),
                        Command.create(
                            {
                                "topic": "liability",
                                "description": "违约责任上限",
                                "status": "open",
                                "responsible": "法务",
                            }
                        ),
                    ],
                }
            )
        )
        if confirm:
            minutes.action_confirm()
        return minutes


@tagged("post_install", "-at_install")
class TestNegotiationMinutes(MinutesCase):
    def test_minutes_numbered_and_prefilled_from_the_lead(self):
        minutes = self._minutes(confirm=False)
        self.assertTrue(minutes.name.startswith("TPJY"), minutes.name)
        self.assertEqual(minutes.partner_id, self.customer)
        self.assertEqual((minutes.agreed_count, minutes.open_count), (2, 1))
        self.assertEqual(minutes.lead_id.negotiation_minutes_count, 1)

    def test_minutes_quote_their_own_opportunity(self):
        """The quotation domain of the form holds over RPC too: the rep's own quotation of another
        of his deals is refused on these minutes."""
        other_lead = self._create_lead(name="Another deal")
        order = self.env["sale.order"].create(
            {"partner_id": self.customer.id, "opportunity_id": other_lead.id, "user_id": self.rep.id}
        )
        with self.assertRaises(ValidationError):
            self.env["crm.negotiation.minutes"].with_user(self.rep).create(
                {"lead_id": self._create_lead().id, "order_id": order.id}
            )

    def test_minutes_without_terms_cannot_be_confirmed(self):
        minutes = self.env["crm.negotiation.minutes"].with_user(self.rep).create({"lead_id": self._create_lead().id})
        with self.assertRaises(UserError):
            minutes.action_confirm()
        self.assertEqual(minutes.state, "draft")

    def test_confirmed_minutes_are_frozen_until_back_to_draft(self):
        minutes = self._minutes()
        with self.assertRaises(UserError):
            minutes.write({"location": "上海"})
        with self.assertRaises(UserError):
            minutes.term_ids[0].write({"description": "单价 100 万元"})
        with self.assertRaises(UserError):
            minutes.write({"term_ids": [Command.create({"topic": "other", "description": "追加条款"})]})
        minutes.action_draft()
        minutes.term_ids[0].write({"description": "单价 150 万元，含税"})
        self.assertEqual(minutes.term_ids[0].description, "单价 150 万元，含税")

    def test_signature_cannot_be_written_over_rpc(self):
        minutes = self._minutes()
        for vals in (
            {"state": "signed"},
            {"signed_by": "孔明亮", "signed_on": "2026-11-20 10:00:00"},
            {"signature": signature_png()},
            {"signed_hash": "0" * 64},
        ):
            with self.subTest(vals=list(vals)), self.assertRaises(UserError):
                minutes.with_user(self.rep).write(vals)
        with self.assertRaises(UserError):
            self.env["crm.negotiation.minutes"].with_user(self.rep).create(
                {"lead_id": minutes.lead_id.id, "state": "signed", "signed_by": "forged"}
            )
        self.assertFalse(minutes.signed_on)

    def test_on_site_signing(self):
        minutes = self._minutes()
        action = minutes.with_user(self.rep).action_sign_on_site()
        wizard = Form(self.env[action["res_model"]].with_user(self.rep).with_context(**action["context"]))
        self.assertEqual(wizard.signed_by, "孔明亮", "The customer's attendee signs, not the company.")
        wizard.signature = signature_png()
        wizard.save().action_sign()
        self.assertEqual(minutes.state, "signed")
        self.assertEqual(minutes.signed_by, "孔明亮")
        self.assertTrue(minutes.signed_on_site)
        self.assertEqual(minutes.signed_on_site_user_id, self.rep)
        self.assertEqual(len(minutes.signed_hash), 64)
        self.assertEqual(minutes.signed_pdf_id.res_id, minutes.id)
        # under tests Odoo renders reports as HTML instead of running wkhtmltopdf
        self.assertIn(minutes.signed_hash, minutes.signed_pdf_id.raw.decode())
        self.assertIn("孔明亮", minutes.signed_pdf_id.raw.decode())
        self.assertIn(minutes.signed_pdf_id, minutes.message_ids.attachment_ids)
        with self.assertRaises(UserError, msg="A document is signed once."):
            minutes._sign("Someone else", signature_png())

    def test_signed_minutes_frozen_for_everyone_but_chatter_works(self):
        minutes = self._minutes()
        minutes._sign("孔明亮", signature_png())
        admin = self.env.ref("base.user_admin")
        for user in (self.rep, admin):
            for vals in ({"location": "改过的地点"}, {"state": "draft"}, {"notes": "<p>补充</p>"}):
                with self.subTest(user=user.login, vals=list(vals)), self.assertRaises(UserError):
                    minutes.with_user(user).write(vals)
            with self.assertRaises(UserError):
                minutes.with_user(user).unlink()
            with self.assertRaises(UserError):
                minutes.term_ids[0].with_user(user).write({"status": "open"})
            with self.assertRaises(UserError):
                minutes.term_ids[0].with_user(user).unlink()
        with self.assertRaises(UserError):
            minutes.sudo().unlink()
        with self.assertRaises(UserError):
            minutes.action_cancel()
        # chatter, followers and activities still work
        minutes.with_user(self.rep).message_post(body="客户要求提供发票样本", subtype_xmlid="mail.mt_note")
        minutes.with_user(self.rep).message_subscribe(partner_ids=self.manager.partner_id.ids)
        minutes.with_user(self.rep).activity_schedule("mail.mail_activity_data_todo", user_id=self.rep.id)
        self.assertIn(self.manager.partner_id, minutes.message_partner_ids)
        self.assertEqual(len(minutes.activity_ids), 1)
        self.assertEqual(minutes.state, "signed")

    def test_signed_pdf_is_kept_as_signed(self):
        minutes = self._minutes()
        minutes._sign("孔明亮", signature_png())
        pdf = minutes.signed_pdf_id
        for user in (self.rep, self.env.ref("base.user_admin")):
            with self.subTest(user=user.login):
                with self.assertRaises(UserError):
                    pdf.with_user(user).unlink()
                with self.assertRaises(UserError):
                    pdf.with_user(user).write({"raw": b"%PDF forged"})
        self.assertIn(minutes.signed_hash, pdf.raw.decode())
        other = self.env["ir.attachment"].create(
            {"name": "photo.png", "raw": b"x", "res_model": minutes._name, "res_id": minutes.id}
        )
        other.unlink()  # other attachments of the minutes stay free
        self.assertFalse(other.exists())

    def test_raw_sql_change_detected(self):
        minutes = self._minutes()
        minutes._sign("孔明亮", signature_png())
        result = minutes.with_user(self.rep).action_verify_signature()
        self.assertEqual(result["params"]["type"], "success")
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE crm_negotiation_minutes_term SET description = %s WHERE id = %s",
            ("单价 99 万元，含税", minutes.term_ids[0].id),
        )
        result = minutes.with_user(self.rep).action_verify_signature()
        self.assertEqual(result["params"]["type"], "danger")
        self.assertIn("Altered", result["params"]["message"])
        # a header change and a forged signer name are caught too
        self.env.cr.execute(
            "UPDATE crm_negotiation_minutes_term SET description = %s WHERE id = %s",
            ("单价 158 万元，含税", minutes.term_ids[0].id),
        )
        self.assertTrue(minutes._signed_is_intact())
        self.env.cr.execute("UPDATE crm_negotiation_minutes SET signed_by = 'Someone' WHERE id = %s", (minutes.id,))
        self.assertFalse(minutes._signed_is_intact())

    def test_cancel_and_new_version(self):
        minutes = self._minutes()
        action = minutes.with_user(self.rep).action_new_version()
        new = self.env["crm.negotiation.minutes"].browse(action["res_id"])
        self.assertEqual(minutes.state, "cancelled", "The unsigned version is replaced.")
        self.assertEqual((new.state, new.version, new.origin_id, new.name), ("draft", 2, minutes, minutes.name))
        self.assertEqual(len(new.term_ids), 3)
        new.action_confirm()
        new._sign("孔明亮", signature_png())
        third = self.env["crm.negotiation.minutes"].browse(new.action_new_version()["res_id"])
        self.assertEqual(new.state, "signed", "A signed version stays signed.")
        self.assertEqual(third.version, 3)
        self.assertFalse(third.signed_on)
        third.write({"location": "线上会议"})
        self.assertEqual(new.location, "苏州 会议室 A")

    def test_checklist_item_flips_when_signed_and_gate_opens(self):
        lead = self._lead_in_negotiation()
        line = self.checklist(lead).filtered(lambda line: line.item_id == self.item_minutes)
        self.assertEqual(line.evidence, "minutes_signed")
        self.assertFalse(line.is_done)
        with self.assertRaises(UserError):
            line.with_user(self.rep).write({"manual_done": True})
        minutes = self._minutes(lead)
        with self.assertRaises(RedirectWarning, msg="Confirmed but unsigned minutes do not open the gate."):
            lead.with_user(self.rep).write({"stage_id": self.stage_contract.id})
        minutes._sign("孔明亮", signature_png())
        lead.invalidate_recordset()
        line.invalidate_recordset()
        self.assertTrue(line.is_done)
        self.assertNotIn(line, lead._gate_missing(self.stage_contract).get(lead, []))

    def test_minutes_follow_lead_visibility(self):
        minutes = self._minutes()
        with self.assertRaises(AccessError):
            minutes.with_user(self.rep_2).read(["name"])
        with self.assertRaises(AccessError):
            minutes.term_ids.with_user(self.rep_2).read(["description"])
        self.assertTrue(minutes.with_user(self.manager).read(["name"]))

    def test_other_company_sees_no_sales_documents(self):
        """A rep of another company sees neither the minutes, their terms, nor the lead's needs."""
        minutes = self._minutes()
        need = self.env["crm.lead.need"].create({"lead_id": minutes.lead_id.id, "description": "自动上下料"})
        other_company = self.env["res.company"].create({"name": "西安分公司"})
        outsider = new_test_user(
            self.env,
            login="csp_other_company_manager",
            groups="sales_team.group_sale_manager,base.group_user",
            company_id=other_company.id,
            company_ids=[Command.set(other_company.ids)],
        )
        for records in (minutes, minutes.term_ids, need):
            with self.subTest(model=records._name), self.assertRaises(AccessError):
                records.with_user(outsider).read(["company_id"])
        # the same manager, once also in the minutes' company, reads them: the company rule refused
        outsider.company_ids = [Command.link(self.company.id)]
        both = {"allowed_company_ids": [other_company.id, self.company.id]}
        for records in (minutes, minutes.term_ids, need):
            self.assertTrue(records.with_user(outsider).with_context(**both).read(["company_id"]))

    def test_pdf_shows_terms_and_signature(self):
        minutes = self._minutes()
        minutes._sign("孔明亮", signature_png())
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("crm_sales_process.crm_negotiation_minutes_report", minutes.ids)[0]
            .decode()
        )
        for text in ("单价 158 万元，含税", "违约责任上限", "孔明亮", minutes.signed_hash, "data:image/png;base64"):
            self.assertIn(text, html)


@tagged("post_install", "-at_install")
class TestNegotiationMinutesPortal(HttpCase, MinutesCase):
    """The customer signs through the emailed link, and only through it."""

    def _sign_url(self, minutes):
        return f"/my/negotiation_minutes/{minutes.id}/sign"

    def _post_signature(self, minutes, token, name="孔明亮"):
        return self.make_jsonrpc_request(
            self._sign_url(minutes),
            {"access_token": token, "name": name, "signature": signature_png().decode()},
        )

    def _raw_post(self, minutes, token):
        return self.url_open(
            self._sign_url(minutes),
            data=json.dumps(
                {"jsonrpc": "2.0", "method": "call", "params": {"access_token": token, "name": "x", "signature": "x"}}
            ),
            headers={"Content-Type": "application/json"},
        ).json()

    def test_customer_signs_with_the_token(self):
        minutes = self._minutes()
        token = minutes._portal_ensure_token()
        page = self.url_open(f"/my/negotiation_minutes/{minutes.id}?access_token={token}")
        self.assertEqual(page.status_code, 200)
        self.assertIn("单价 158 万元，含税", page.text)
        self.assertIn("portal.signature_form", page.text)
        result = self._post_signature(minutes, token)
        self.assertTrue(result.get("force_refresh"), result)
        minutes.invalidate_recordset()
        self.assertEqual((minutes.state, minutes.signed_by), ("signed", "孔明亮"))
        self.assertFalse(minutes.signed_on_site)
        self.assertTrue(minutes.signer_ip)
        self.assertTrue(minutes._signed_is_intact())
        # a second signature is refused and changes nothing
        result = self._post_signature(minutes, token, name="另一个人")
        self.assertIn("error", result)
        minutes.invalidate_recordset()
        self.assertEqual(minutes.signed_by, "孔明亮")
        page = self.url_open(f"/my/negotiation_minutes/{minutes.id}?access_token={token}")
        self.assertNotIn("portal.signature_form", page.text)

    def test_customer_signs_in_the_browser(self):
        """The real portal page: signature pad, name, style, submit (headless Chromium); the
        customer then reads the signing time in his local time (a company in Shanghai)."""
        minutes = self._minutes()
        minutes.company_id.resource_calendar_id.sudo().tz = "Asia/Shanghai"
        token = minutes._portal_ensure_token()
        self.start_tour(
            f"/my/negotiation_minutes/{minutes.id}?access_token={token}", "crm_sales_process_portal_sign_tour"
        )
        minutes.invalidate_recordset()
        self.assertEqual((minutes.state, minutes.signed_by), ("signed", "孔明亮"))
        self.assertTrue(minutes.signature)
        self.assertTrue(minutes._signed_is_intact())
        page = self.url_open(f"/my/negotiation_minutes/{minutes.id}?access_token={token}").text
        local = (minutes.signed_on + timedelta(hours=8)).strftime("%Y-%m-%d %H:%M")
        self.assertIn(f'<span class="o_csp_signed_on">{local} (Asia/Shanghai)</span>', page)

    def test_rep_has_the_minutes_signed_on_site_in_the_browser(self):
        minutes = self._minutes()
        self.start_tour(
            f"/odoo/action-crm_sales_process.crm_negotiation_minutes_action/{minutes.id}",
            "crm_sales_process_sign_on_site_tour",
            login="csp_rep",
        )
        minutes.invalidate_recordset()
        self.assertEqual((minutes.state, minutes.signed_by), ("signed", "孔明亮"))
        self.assertTrue(minutes.signed_on_site)
        self.assertEqual(minutes.signed_on_site_user_id, self.rep)

    def test_wrong_or_missing_token_reveals_nothing(self):
        minutes = self._minutes()
        minutes._portal_ensure_token()
        for query in ("", "?access_token=wrong", f"?access_token={minutes.access_token[:-1]}x"):
            with self.subTest(query=query):
                page = self.url_open(f"/my/negotiation_minutes/{minutes.id}{query}")
                self.assertEqual(page.status_code, 404)
                self.assertNotIn(self.customer.name, page.text)
        missing = self.url_open(f"/my/negotiation_minutes/{minutes.id + 10000}?access_token={minutes.access_token}")
        self.assertEqual(missing.status_code, 404)
        for token in (None, "wrong"):
            response = self._raw_post(minutes, token)
            self.assertEqual(response["error"]["code"], 404)
        minutes.invalidate_recordset()
        self.assertEqual(minutes.state, "confirmed")

    def test_portal_user_signs_only_for_his_company(self):
        minutes = self._minutes()
        token = minutes._portal_ensure_token()
        other = self.env["res.partner"].create({"name": "无锡另一家公司", "is_company": True})
        new_test_user(self.env, login="csp_portal_other", groups="base.group_portal", partner_id=other.id)
        self.authenticate("csp_portal_other", "csp_portal_other")
        page = self.url_open(f"/my/negotiation_minutes/{minutes.id}?access_token={token}")
        self.assertEqual(page.status_code, 403)
        response = self._raw_post(minutes, token)
        self.assertIn("error", response)
        minutes.invalidate_recordset()
        self.assertEqual(minutes.state, "confirmed")
        # the customer's own portal user signs
        contact = self.env["res.partner"].create({"name": "周建国", "parent_id": self.customer.id})
        new_test_user(self.env, login="csp_portal_own", groups="base.group_portal", partner_id=contact.id)
        self.authenticate("csp_portal_own", "csp_portal_own")
        result = self._post_signature(minutes, token, name="周建国")
        self.assertTrue(result.get("force_refresh"), result)
        minutes.invalidate_recordset()
        self.assertEqual(minutes.state, "signed")

    def test_cancelled_minutes_cannot_be_signed(self):
        minutes = self._minutes()
        token = minutes._portal_ensure_token()
        minutes.action_cancel()
        result = self._post_signature(minutes, token)
        self.assertIn("error", result)
        minutes.invalidate_recordset()
        self.assertFalse(minutes.signed_on)

    def test_signature_request_email_carries_the_link(self):
        minutes = self._minutes()
        action = minutes.with_user(self.rep).action_send()
        composer = Form(self.env["mail.compose.message"].with_user(self.rep).with_context(**action["context"]))
        self.assertIn(f"/my/negotiation_minutes/{minutes.id}?access_token={minutes.access_token}", composer.body)
        composer.save().action_send_mail()
        self.assertIn(self.customer, minutes.message_ids[0].partner_ids)
