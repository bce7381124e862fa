import base64
import hashlib
import html
import json
from contextlib import contextmanager
from datetime import date, datetime
from unittest.mock import patch

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import Form, HttpCase, new_test_user, tagged

from .common import signature_png
from .test_need_confirmation import NeedConfirmationCase
from .test_negotiation_minutes import MinutesCase

# The customer signs at 16:02 in Suzhou after a meeting at 14:30 (Asia/Shanghai is UTC+8).
MEETING_UTC = datetime(2026, 11, 23, 6, 30)
SIGNED_UTC = datetime(2026, 11, 23, 8, 2)
MEETING_SHANGHAI = "2026-11-23 14:30 (Asia/Shanghai)"
SIGNED_SHANGHAI = "2026-11-23 16:02 (Asia/Shanghai)"


def fingerprint_before_local_times(document):
    """The fingerprint as computed before signed documents printed local times (18.0.1.2.0),
    written out here so that a change of the algorithm cannot go unnoticed: signatures made
    then must still verify."""

    def value(field, raw):
        if field.type == "many2one":
            return raw.id or None
        if field.type in ("one2many", "many2many"):
            return sorted(raw.ids)
        if field.type in ("date", "datetime"):
            return raw.isoformat() if raw else None
        if field.type in ("float", "monetary"):
            return f"{raw or 0.0:.6f}"
        if field.type == "html":
            return str(raw or "")
        return raw if raw not in (None, False) else None

    content = {name: value(document._fields[name], document[name]) for name in sorted(document._signed_content_fields)}
    for line_field, names in sorted(document._signed_line_fields.items()):
        content[line_field] = [
            {"id": line.id, **{name: value(line._fields[name], line[name]) for name in names}}
            for line in document[line_field].sorted("id")
        ]
    payload = {
        "model": document._name,
        "id": document.id,
        "content": content,
        "signed_by": document.signed_by or "",
        "signed_on": document.signed_on.isoformat() if document.signed_on else "",
        "signature": hashlib.sha256(base64.b64decode(document.signature or b"")).hexdigest(),
    }
    canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


class SignedTimesMixin:
    """A company in Shanghai, a rep whose own zone is elsewhere: documents follow the company."""

    @classmethod
    def _setup_zones(cls):
        cls.company.resource_calendar_id.tz = "Asia/Shanghai"
        cls.rep.tz = "Europe/Paris"
        cls.report_model = type(cls.env["ir.actions.report"])

    @contextmanager
    def without_wkhtmltopdf(self):
        """This server has no wkhtmltopdf: Odoo's own check says 'install', and reports are
        rendered as in production (under tests Odoo otherwise renders HTML without wkhtmltopdf)."""
        render = self.report_model._pre_render_qweb_pdf

        def production_rendering(report, *args, **kwargs):
            return render(report.with_context(force_report_rendering=True), *args, **kwargs)

        with (
            patch.object(self.report_model, "get_wkhtmltopdf_state", lambda report: "install"),
            patch.object(self.report_model, "_pre_render_qweb_pdf", production_rendering),
        ):
            yield

    def _notes(self, document):
        return " ".join(document.message_ids.mapped("body"))


@tagged("post_install", "-at_install")
class TestSignedDocumentTimes(SignedTimesMixin, MinutesCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_zones()

    def _signed_minutes(self, **sign):
        minutes = self._minutes(confirm=False)
        minutes.meeting_date = MEETING_UTC
        minutes.action_confirm()
        with self.frozen(SIGNED_UTC):
            minutes._sign("孔明亮", signature_png(), **sign)
        return minutes

    def test_report_prints_the_company_local_time(self):
        """The PDF (HTML under tests) and the file attached at signing print Shanghai times, named."""
        minutes = self._signed_minutes(on_site_user=self.rep)
        html_report = (
            self.env["ir.actions.report"]
            .with_user(self.rep)
            ._render_qweb_html("crm_sales_process.crm_negotiation_minutes_report", minutes.ids)[0]
            .decode()
        )
        for printed in (html_report, minutes.signed_pdf_id.raw.decode()):
            self.assertIn(MEETING_SHANGHAI, printed)
            self.assertIn(SIGNED_SHANGHAI, printed)
            self.assertNotIn("08:02", printed)
            self.assertNotIn("06:30", printed)

    def test_needs_list_prints_its_local_date(self):
        lead = self._create_lead(type="opportunity")
        self.env["crm.lead.need"].create({"lead_id": lead.id, "description": "夜班自动上下料"})
        # created at 23:30 UTC on 22 November: already the 23rd in Shanghai
        with self.frozen(datetime(2026, 11, 22, 23, 30)):
            confirmation = self.env["crm.need.confirmation"].with_user(self.rep).create({"lead_id": lead.id})
        html_report = (
            self.env["ir.actions.report"]
            ._render_qweb_html("crm_sales_process.crm_need_confirmation_report", confirmation.ids)[0]
            .decode()
        )
        self.assertIn("2026-11-23", html_report)
        self.assertNotIn("2026-11-22", html_report)

    def test_verify_message_in_the_reader_zone(self):
        minutes = self._signed_minutes()
        self.rep.tz = "Asia/Shanghai"
        message = minutes.with_user(self.rep).action_verify_signature()["params"]["message"]
        self.assertIn(f"孔明亮 signed on {SIGNED_SHANGHAI}", message)
        self.rep.tz = "Europe/Berlin"
        message = minutes.with_user(self.rep).action_verify_signature()["params"]["message"]
        self.assertIn("2026-11-23 09:02 (Europe/Berlin)", message)
        # a reader without a zone reads the document's
        self.rep.tz = False
        message = minutes.with_user(self.rep).action_verify_signature()["params"]["message"]
        self.assertIn(SIGNED_SHANGHAI, message)
        # the note of an altered document names the time in the zone of the user who checked
        self.rep.tz = "Asia/Shanghai"
        self.env.flush_all()
        self.env.cr.execute("UPDATE crm_negotiation_minutes SET location = 'x' WHERE id = %s", (minutes.id,))
        result = minutes.with_user(self.rep).action_verify_signature()
        self.assertEqual(result["params"]["type"], "danger")
        self.assertIn(SIGNED_SHANGHAI, result["params"]["message"])
        self.assertIn(SIGNED_SHANGHAI, minutes.message_ids[0].body)

    def test_document_zone_falls_back_to_customer_then_company_address(self):
        minutes = self._signed_minutes()
        self.assertEqual(minutes._signed_tz(), "Asia/Shanghai")
        self.company.resource_calendar_id = False
        self.customer.tz = "Asia/Urumqi"
        self.company.partner_id.tz = "Asia/Hong_Kong"
        self.assertEqual(minutes._signed_tz(), "Asia/Urumqi")
        self.customer.tz = False
        self.assertEqual(minutes._signed_tz(), "Asia/Hong_Kong")
        self.company.partner_id.tz = False
        self.assertEqual(minutes._signed_tz(), "UTC")
        self.assertEqual(minutes._local_datetime_str(minutes.signed_on), "2026-11-23 08:02 (UTC)")

    def test_signature_request_email_in_the_recipient_zone(self):
        minutes = self._minutes(confirm=False)
        minutes.meeting_date = MEETING_UTC
        template = self.env.ref("crm_sales_process.mail_template_negotiation_minutes_sign")
        self.company.resource_calendar_id.tz = "Europe/Berlin"
        self.customer.tz = "Asia/Shanghai"
        body = template.with_user(self.rep)._render_field("body_html", minutes.ids)[minutes.id]
        self.assertIn(f"meeting of {MEETING_SHANGHAI}", body)
        # a customer without a zone reads the company's
        self.customer.tz = False
        body = template.with_user(self.rep)._render_field("body_html", minutes.ids)[minutes.id]
        self.assertIn("meeting of 2026-11-23 07:30 (Europe/Berlin)", body)

    def test_signed_before_this_change_still_verifies(self):
        minutes = self._signed_minutes()
        # documents signed then carry no copy of the values they show (18.0.1.4.0)
        self.env.cr.execute("UPDATE crm_negotiation_minutes SET signed_snapshot = NULL WHERE id = %s", (minutes.id,))
        minutes.invalidate_recordset(["signed_snapshot"])
        old_hash = fingerprint_before_local_times(minutes)
        # a document signed with that fingerprint is intact, and verifies as such
        self.env.cr.execute("UPDATE crm_negotiation_minutes SET signed_hash = %s WHERE id = %s", (old_hash, minutes.id))
        self.assertTrue(minutes._signed_is_intact())
        self.assertEqual(minutes.with_user(self.rep).action_verify_signature()["params"]["type"], "success")

    # ------------------------------------------------------------------
    # Signing never depends on the PDF renderer
    # ------------------------------------------------------------------

    def test_on_site_signing_without_wkhtmltopdf(self):
        minutes = self._minutes()
        action = minutes.with_user(self.rep).action_sign_on_site()
        wizard = Form(self.env[action["res_model"]].with_user(self.rep).with_context(**action["context"]))
        wizard.signature = signature_png()
        with self.without_wkhtmltopdf():
            wizard.save().action_sign()
        self.assertEqual((minutes.state, minutes.signed_by), ("signed", "孔明亮"))
        self.assertTrue(minutes.signed_on)
        self.assertEqual(len(minutes.signed_hash), 64)
        self.assertTrue(minutes._signed_is_intact())
        self.assertFalse(minutes.signed_pdf_id)
        self.assertFalse(
            self.env["ir.attachment"].search([("res_model", "=", minutes._name), ("res_id", "=", minutes.id)])
        )
        note = minutes.message_ids[0]
        self.assertIn("wkhtmltopdf", note.body)
        self.assertIn("Render Signed PDF", note.body)
        self.assertEqual(note.subtype_id, self.env.ref("mail.mt_note"))
        # still without wkhtmltopdf, rendering it later says why it cannot
        with self.without_wkhtmltopdf(), self.assertRaisesRegex(UserError, "wkhtmltopdf"):
            minutes.with_user(self.rep).action_render_signed_pdf()
        self.assertFalse(minutes.signed_pdf_id)

        # once wkhtmltopdf is there (HTML under tests), the action renders and attaches it, kept as signed
        minutes.with_user(self.rep).action_render_signed_pdf()
        pdf = minutes.signed_pdf_id
        self.assertEqual((pdf.res_model, pdf.res_id), (minutes._name, minutes.id))
        self.assertIn(minutes.signed_hash, pdf.raw.decode())
        self.assertIn(pdf, minutes.message_ids[0].attachment_ids)
        with self.assertRaises(UserError):
            pdf.with_user(self.rep).unlink()
        with self.assertRaises(UserError):
            pdf.write({"raw": b"%PDF forged"})

    def test_download_renders_the_missing_pdf(self):
        minutes = self._minutes()
        with self.without_wkhtmltopdf():
            minutes._sign("孔明亮", signature_png(), on_site_user=self.rep)
        self.assertFalse(minutes.signed_pdf_id)
        action = minutes.with_user(self.rep).action_download_signed_pdf()
        self.assertTrue(minutes.signed_pdf_id)
        self.assertEqual(action["url"], f"/web/content/{minutes.signed_pdf_id.id}?download=true")

    def test_altered_content_gets_no_pdf_later(self):
        minutes = self._minutes()
        with self.without_wkhtmltopdf():
            minutes._sign("孔明亮", signature_png(), on_site_user=self.rep)
        self.env.flush_all()
        self.env.cr.execute("UPDATE crm_negotiation_minutes SET location = 'x' WHERE id = %s", (minutes.id,))
        with self.assertRaisesRegex(UserError, "no longer matches"):
            minutes.with_user(self.rep).action_render_signed_pdf()
        self.assertFalse(minutes.signed_pdf_id)

    def test_other_rendering_errors_are_logged_and_told(self):
        def broken(report, *args, **kwargs):
            raise ValueError("font cache corrupted")

        minutes = self._minutes()
        with (
            patch.object(self.report_model, "_render_qweb_pdf", broken),
            self.assertLogs("odoo.addons.crm_sales_process.models.crm_signed_document_mixin", "ERROR") as logs,
        ):
            minutes._sign("孔明亮", signature_png(), on_site_user=self.rep)
        self.assertEqual(minutes.state, "signed")
        self.assertFalse(minutes.signed_pdf_id)
        self.assertIn("font cache corrupted", logs.output[0])
        self.assertIn("font cache corrupted", minutes.message_ids[0].body)

    def test_demo_signing_without_wkhtmltopdf(self):
        """The demo data signs the Xi'an minutes on site: without wkhtmltopdf it must still load."""
        minutes = self._minutes()
        with self.without_wkhtmltopdf():
            self.env["crm.sales.process.demo"]._sign_documents(
                "crm.negotiation.minutes", minutes.ids, "马骏", self.rep.id
            )
        self.assertEqual((minutes.state, minutes.signed_by), ("signed", "马骏"))
        self.assertFalse(minutes.signed_pdf_id)

    # ------------------------------------------------------------------
    # Who signs on site
    # ------------------------------------------------------------------

    def test_on_site_dialog_proposes_a_person_not_the_company(self):
        # the customer's attendee
        minutes = self._minutes()
        action = minutes.with_user(self.rep).action_sign_on_site()
        self.assertEqual(action["context"]["default_signed_by"], "孔明亮")
        # no attendee: the decision maker of the opportunity's decision chain
        lead = self._lead_in_negotiation()
        director = self.env["res.partner"].create({"name": "钱总", "parent_id": self.customer.id})
        lead.stakeholder_ids = [Command.create({"partner_id": director.id, "role": "decision_maker"})]
        minutes = self._minutes(lead)
        minutes.action_draft()
        minutes.customer_attendee_ids = False
        minutes.action_confirm()
        self.assertEqual(minutes._signed_default_signer(), "钱总")
        # nobody known: the opportunity's contact name, never the company's name
        lead.stakeholder_ids = False
        lead.contact_name = "赵经理"
        self.assertEqual(minutes._signed_default_signer(), "赵经理")
        lead.contact_name = False
        self.assertEqual(minutes._signed_default_signer(), "")

    def test_signer_name_must_be_typed_text(self):
        minutes = self._minutes()
        for name in ("", "   ", None, 123, ["孔明亮"], {"name": "孔明亮"}, "名" * 129):
            with self.subTest(name=name), self.assertRaises(UserError):
                minutes._sign(name, signature_png())
        action = minutes.with_user(self.rep).action_sign_on_site()
        wizard = Form(self.env[action["res_model"]].with_user(self.rep).with_context(**action["context"]))
        wizard.signed_by = "  "
        wizard.signature = signature_png()
        with self.assertRaisesRegex(UserError, "Type the name"):
            wizard.save().action_sign()
        self.assertFalse(minutes.signed_on)


@tagged("post_install", "-at_install")
class TestSignedNeedsTimes(SignedTimesMixin, NeedConfirmationCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_zones()

    def test_needs_confirmed_on_the_local_day(self):
        """Signed at 01:30 on the 24th in Shanghai (17:30 UTC on the 23rd): confirmed on the 24th."""
        lead, needs = self._lead_with_needs()
        confirmation = self._confirmation(lead)
        with self.frozen(datetime(2026, 11, 23, 17, 30)):
            confirmation._sign("周建国", signature_png())
        self.assertEqual(set(needs.mapped("confirmed_date")), {date(2026, 11, 24)})

    def test_on_site_dialog_proposes_the_decision_maker(self):
        lead, _needs = self._lead_with_needs()
        confirmation = self._confirmation(lead)
        action = confirmation.with_user(self.rep).action_sign_on_site()
        self.assertEqual(action["context"]["default_signed_by"], "周建国")


@tagged("post_install", "-at_install")
class TestSignedDocumentTimesPortal(SignedTimesMixin, HttpCase, MinutesCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_zones()

    def _page(self, minutes, token, query=""):
        return self.url_open(f"/my/negotiation_minutes/{minutes.id}?access_token={token}{query}")

    def test_portal_page_shows_the_company_local_time(self):
        minutes = self._minutes(confirm=False)
        minutes.meeting_date = MEETING_UTC
        minutes.action_confirm()
        token = minutes._portal_ensure_token()
        with self.frozen(SIGNED_UTC):
            minutes._sign("孔明亮", signature_png())
        page = self._page(minutes, token)
        self.assertEqual(page.status_code, 200)
        self.assertIn(MEETING_SHANGHAI, page.text)
        self.assertIn(f'"o_csp_signed_on">{SIGNED_SHANGHAI}', page.text)
        self.assertNotIn("08:02", page.text)

    def test_portal_proposes_the_expected_signer(self):
        minutes = self._minutes()
        token = minutes._portal_ensure_token()
        page = html.unescape(self._page(minutes, token).text)
        self.assertIn(f'"defaultName": {json.dumps("孔明亮")}', page)
        self.assertNotIn(f'"defaultName": {json.dumps(self.customer.name)}', page)

    def test_portal_signing_without_wkhtmltopdf(self):
        minutes = self._minutes()
        token = minutes._portal_ensure_token()
        with self.without_wkhtmltopdf():
            result = self.make_jsonrpc_request(
                f"/my/negotiation_minutes/{minutes.id}/sign",
                {"access_token": token, "name": "孔明亮", "signature": signature_png().decode()},
            )
            self.assertTrue(result.get("force_refresh"), result)
            minutes.invalidate_recordset()
            self.assertEqual((minutes.state, minutes.signed_by), ("signed", "孔明亮"))
            self.assertTrue(minutes._signed_is_intact())
            self.assertFalse(minutes.signed_pdf_id)
            self.assertIn("wkhtmltopdf", minutes.message_ids[0].body)
            # the customer asking for the PDF gets the page and a notice, not an error
            page = self._page(minutes, token, "&report_type=pdf&download=1")
            self.assertEqual(page.status_code, 200)
            self.assertIn("The PDF cannot be produced right now", page.text)
        # the PDF is rendered on the customer's demand once it can be
        page = self._page(minutes, token, "&report_type=pdf&download=1")
        self.assertEqual(page.status_code, 200)
        minutes.invalidate_recordset()
        self.assertTrue(minutes.signed_pdf_id)
        self.assertEqual(page.content, minutes.signed_pdf_id.raw)

    def test_portal_refuses_a_name_that_is_not_text(self):
        minutes = self._minutes()
        token = minutes._portal_ensure_token()
        for name in (None, "  ", 42, ["孔明亮"], {"first": "明亮"}):
            with self.subTest(name=name):
                result = self.make_jsonrpc_request(
                    f"/my/negotiation_minutes/{minutes.id}/sign",
                    {"access_token": token, "name": name, "signature": signature_png().decode()},
                )
                self.assertIn("name", result.get("error", ""), result)
        minutes.invalidate_recordset()
        self.assertFalse(minutes.signed_on)

    def test_portal_user_is_proposed_his_own_name(self):
        contact = self.env["res.partner"].create({"name": "周建国", "parent_id": self.customer.id})
        new_test_user(
            self.env, login="csp_portal_times", name="周建国", groups="base.group_portal", partner_id=contact.id
        )
        minutes = self._minutes()
        token = minutes._portal_ensure_token()
        self.authenticate("csp_portal_times", "csp_portal_times")
        page = html.unescape(self._page(minutes, token).text)
        self.assertIn(f'"defaultName": {json.dumps("周建国")}', page)
