"""Issue 10, as a salesman over JSON-RPC: every promise of the process (codes, grades,
signatures, approvals) attacked with the calls the web client itself makes, then read back
from the database to check that nothing changed.

Data is made by the test's superuser (server code: trusted); every attack is a
``/web/dataset/call_kw`` call of the logged-in salesman ``csp_rep`` (``RpcAttackCase.rpc``)
or a portal call, answered with a clear, translated refusal (``assertRefused``) or with no
effect at all.
"""

import base64
import re

from lxml import html as lxml_html

from odoo import Command, fields
from odoo.tests import new_test_user, tagged
from odoo.tests.common import JsonRpcException

from .common import RpcAttackCase, RpcError, signature_png

SOLUTION_TIERS = ("legal", "commercial", "technical")


def _printed(page, css_class):
    """The text of the elements of ``page`` (HTML) carrying ``css_class``."""
    root = lxml_html.fromstring(page)
    return [
        element.text_content().strip()
        for element in root.xpath(f"//*[contains(concat(' ', normalize-space(@class), ' '), ' {css_class} ')]")
    ]


def _printed_opportunity(page):
    """The opportunity as the minutes print it: the header table's first row, second value cell."""
    root = lxml_html.fromstring(page)
    cells = root.xpath(
        "(//*[contains(concat(' ', normalize-space(@class), ' '), ' o_csp_minutes ')]//table)[1]//tr[1]/td[2]"
    )
    return [cell.text_content().strip() for cell in cells]


def _amount_of(text):
    """The number printed in an amount such as "¥ 1,130.00" or "1,130.00 ¥"."""
    digits = re.sub(r"[^0-9.]", "", text.replace(",", ""))
    return float(digits.strip(".")) if digits.strip(".") else None


@tagged("post_install", "-at_install")
class TestCustomerIntegrityRpc(RpcAttackCase):
    """Customer codes, grades and progress dates are the process's, never a salesman's."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        manufacturing = cls.env.ref("base.res_partner_industry_C")
        zhejiang = cls.env.ref("base.state_cn_ZJ")
        cls.mine = cls.env["res.partner"].create(
            {
                "name": "宁波自有客户",
                "is_company": True,
                "user_id": cls.rep.id,
                "industry_id": manufacturing.id,
                "state_id": zhejiang.id,
            }
        )
        cls.theirs = cls.env["res.partner"].create(
            {
                "name": "温州同事客户",
                "is_company": True,
                "user_id": cls.rep_2.id,
                "industry_id": manufacturing.id,
                "state_id": zhejiang.id,
                "match_level": "high",
                "value_level": "medium",
                "last_progress_date": "2026-03-02 08:00:00",
            }
        )

    def _customer_state(self, partner):
        self.env.invalidate_all()
        return partner.read(
            [
                "customer_code",
                "customer_code_company_id",
                "customer_code_prefix",
                "match_level",
                "value_level",
                "customer_grade",
                "last_progress_date",
            ]
        )[0]

    def test_salesman_cannot_rewrite_his_own_customer_code(self):
        before = self._customer_state(self.mine)
        self.assertRegex(before["customer_code"], r"^M-HU-\d{3}$", "The numbering gave the code.")
        for vals in (
            *({"customer_code": code} for code in ("M-HU-999", "任意文本", "", False, self.theirs.customer_code)),
            {"customer_code_company_id": False},
        ):
            with self.subTest(vals=vals):
                self.assertRefused(self.rpc("res.partner", "write", [self.mine.id], vals))
        self.assertEqual(self._customer_state(self.mine), before)

    def test_customer_cannot_be_created_with_another_customers_code(self):
        code = self.theirs.customer_code
        self.assertTrue(code)
        for vals in (
            {"customer_code": code},
            {"customer_code": code, "customer_code_company_id": self.company.id},
            {"customer_code": "Z-ZZ-001"},
        ):
            with self.subTest(vals=vals):
                self.assertRefused(
                    self.rpc("res.partner", "create", [{"name": "冒名客户", "is_company": True, **vals}])
                )
        # as a default of the context (a form opened with it): no effect, the code stays the numbering's
        created = self.rpc(
            "res.partner",
            "create",
            {"name": "默认值客户", "is_company": True},
            context={"default_customer_code": code, "default_customer_code_company_id": self.company.id},
        )
        self.assertNotIsInstance(created, RpcError)
        self.env.invalidate_all()
        partner = self.env["res.partner"].browse(created)
        self.assertFalse(partner.customer_code, "No industry nor region: no code at all.")
        self.assertFalse(partner.customer_code_company_id)
        Partner = self.env["res.partner"].with_context(active_test=False)
        self.assertEqual(Partner.search([("customer_code", "=", code)]), self.theirs)
        self.assertFalse(Partner.search([("name", "=", "冒名客户")]))
        self.assertFalse(Partner.search([("customer_code", "=", "Z-ZZ-001")]))

    def test_salesman_cannot_write_grade_or_progress_of_a_colleagues_customer(self):
        before = self._customer_state(self.theirs)
        self.assertEqual(before["customer_grade"], "b")
        for vals in (
            {"customer_grade": "a"},
            {"customer_grade": "c"},
            {"customer_grade": False},
            {"last_progress_date": fields.Datetime.to_string(fields.Datetime.now())},
            {"last_progress_date": False},
        ):
            with self.subTest(vals=vals):
                self.assertRefused(self.rpc("res.partner", "write", [self.theirs.id], vals))
        self.assertEqual(self._customer_state(self.theirs), before)

    def test_salesman_cannot_grade_a_colleagues_customer_high(self):
        before = self._customer_state(self.theirs)
        for vals in ({"match_level": "high", "value_level": "high"}, {"value_level": "high"}):
            with self.subTest(vals=vals):
                self.assertRefused(self.rpc("res.partner", "write", [self.theirs.id], vals))
        self.assertEqual(self._customer_state(self.theirs), before)
        # a grade-A customer created for a colleague, or under his customer
        for vals in (
            {"name": "送给同事的A类客户", "is_company": True, "user_id": self.rep_2.id},
            {"name": "同事客户的联系人", "parent_id": self.theirs.id},
        ):
            with self.subTest(vals=vals):
                result = self.rpc("res.partner", "create", [{**vals, "match_level": "high", "value_level": "high"}])
                self.assertRefused(result)
        self.env.invalidate_all()
        Partner = self.env["res.partner"].with_context(active_test=False)
        self.assertFalse(Partner.search([("name", "in", ("送给同事的A类客户", "同事客户的联系人"))]))
        self.assertEqual(self._customer_state(self.theirs), before)

    def test_grade_a_customer_cannot_be_handed_to_a_colleague(self):
        """The refused create above, in two calls: graded high as his own (or nobody's), then
        given to the colleague. Refused, or the colleague gets no grade he did not give."""
        for owner in (self.rep, None):
            with self.subTest(owner=owner and owner.login):
                vals = {"name": f"转交的A类客户 {owner and owner.login}", "is_company": True}
                if owner:
                    vals["user_id"] = owner.id
                created = self.rpc("res.partner", "create", {**vals, "match_level": "high", "value_level": "high"})
                self.assertNotIsInstance(created, RpcError, "His own customer: he grades it.")
                result = self.rpc("res.partner", "write", [created], {"user_id": self.rep_2.id})
                if isinstance(result, RpcError):
                    self.assertRefused(result)
                self.env.invalidate_all()
                partner = self.env["res.partner"].browse(created)
                self.assertFalse(
                    partner.user_id == self.rep_2 and partner.customer_grade == "a",
                    "The colleague was given a grade-A customer graded by another salesman.",
                )
        self.assertFalse(
            self.env["res.partner"].search([("user_id", "=", self.rep_2.id), ("customer_grade", "=", "a")]),
            "The colleague was given no grade-A customer.",
        )


class DocumentAttackCase(RpcAttackCase):
    """An opportunity of the salesman with needs, a quotation and the customer's people."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer.is_company = True
        cls.director = cls.env["res.partner"].create(
            {"name": "周建国", "parent_id": cls.customer.id, "decision_role": "decision_maker"}
        )
        cls.buyer = cls.env["res.partner"].create(
            {"name": "孔明亮", "parent_id": cls.customer.id, "function": "采购经理"}
        )
        cls.product = cls.env["product.product"].create({"name": "GMC-5 加工中心", "list_price": 1000.0})
        cls.checklist_item = cls.env.ref("crm_sales_process.crm_stage_checklist_item_solution_review")
        cls.checklist_item.evidence = "solution_review"

    def _lead_with_needs(self, user=None, team=None):
        lead = self._create_lead(user=user, type="opportunity", **({"team_id": team.id} if team else {}))
        needs = self.env["crm.lead.need"].create(
            [
                {"lead_id": lead.id, "need_type": "rigid", "description": "换型时间缩短到 1 小时以内"},
                {"lead_id": lead.id, "need_type": "flexible", "description": "设备联网，产量自动统计"},
            ]
        )
        return lead, needs

    def _order(self, lead, price=1000.0, user=None):
        return self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "opportunity_id": lead.id,
                "user_id": (user or self.rep).id,
                "order_line": [
                    Command.create({"product_id": self.product.id, "product_uom_qty": 1, "price_unit": price})
                ],
            }
        )

    def _minutes(self, lead=None, order=None, confirm=True):
        lead = lead or self._create_lead(type="opportunity")
        minutes = self.env["crm.negotiation.minutes"].create(
            {
                "lead_id": lead.id,
                "user_id": self.rep.id,
                "order_id": order.id if order else False,
                "location": "苏州 会议室 A",
                "customer_attendee_ids": [Command.set(self.buyer.ids)],
                "term_ids": [
                    Command.create({"topic": "price", "description": "单价 158 万元，含税", "status": "agreed"}),
                    Command.create({"topic": "liability", "description": "违约责任上限", "status": "open"}),
                ],
            }
        )
        if confirm:
            minutes.action_confirm()
        return minutes

    def _signature_state(self, document):
        self.env.invalidate_all()
        return document.read(
            ["state", "signed_on", "signed_by", "signed_hash", "signature", "signed_on_site", "signed_pdf_id"]
        )[0]

    def _sign_on_portal(self, document, name, token=None, signature=None):
        """The portal's sign call (the signature pad's JSON request), as the current session."""
        kind = "negotiation_minutes" if document._name == "crm.negotiation.minutes" else "needs_confirmation"
        try:
            return self.make_jsonrpc_request(
                f"/my/{kind}/{document.id}/sign",
                {
                    "access_token": token or document._portal_ensure_token(),
                    "name": name,
                    "signature": signature_png().decode() if signature is None else signature,
                },
            )
        except JsonRpcException as error:
            self.fail(f"The portal answered a server error instead of a message: {error}")


@tagged("post_install", "-at_install")
class TestDocumentIntegrityRpc(DocumentAttackCase):
    """Documents are born in their first state, confirmed only by what confirms them, and
    signed content is owned by the document."""

    def test_solution_review_cannot_be_created_approved(self):
        lead = self._create_lead(type="opportunity")
        order = self._order(lead)
        line = self.checklist(lead).filtered(lambda line: line.item_id == self.checklist_item)
        self.assertTrue(line, "The lead has its solution-review output.")
        self.assertFalse(line.is_done)
        base = {"lead_id": lead.id, "order_id": order.id, "summary": "<p>8 台加工中心</p>"}
        for vals in (
            {"state": "approved"},
            {"state": "to_review"},
            {"state": "approved", "decided_on": "2026-05-01 08:00:00"},
            {"submitted_on": "2026-05-01 08:00:00"},
        ):
            with self.subTest(vals=vals):
                self.assertRefused(self.rpc("crm.solution.review", "create", [{**base, **vals}]))
        # the state as a default of the context: no effect, the sheet is born a draft
        created = self.rpc("crm.solution.review", "create", base, context={"default_state": "approved"})
        self.assertNotIsInstance(created, RpcError)
        with self.subTest(vals="copy"):  # nor is a copy born approved
            self.assertRefused(self.rpc("crm.solution.review", "copy", [created], default={"state": "approved"}))
        self.env.invalidate_all()
        reviews = self.env["crm.solution.review"].search([("lead_id", "=", lead.id)])
        self.assertEqual(reviews.ids, [created])
        self.assertEqual((reviews.state, reviews.decided_on, reviews.validation_status), ("draft", False, "no"))
        self.assertFalse(line.is_done, "No approved solution review: the output is not done.")

    def test_need_confirmed_by_signature_cannot_be_faked_after_a_reset(self):
        lead, needs = self._lead_with_needs()
        action = lead.action_request_need_confirmation()
        confirmation = self.env["crm.need.confirmation"].browse(action["res_id"])
        confirmation.action_confirm()
        confirmation.sudo()._sign("周建国", signature_png())
        need = needs[0]
        self.assertEqual((need.state, need.confirmation_method), ("confirmed", "signature"))
        # the salesman reopens it and changes what the customer confirmed: allowed, it is recorded again
        self.assertNotIsInstance(self.rpc("crm.lead.need", "action_reset", [need.id]), RpcError)
        self.assertNotIsInstance(
            self.rpc("crm.lead.need", "write", [need.id], {"description": "换型时间缩短到 10 分钟以内"}), RpcError
        )
        self.env.invalidate_all()
        before = need.read(["state", "confirmation_method", "confirmed_by_id", "confirmed_date", "description"])[0]
        self.assertEqual((before["state"], before["confirmation_method"]), ("draft", False))
        # …then writes it back to "confirmed by signature", as if the customer had signed the new text
        signed = {
            "state": "confirmed",
            "confirmation_method": "signature",
            "confirmed_by_id": self.director.id,
            "confirmed_date": fields.Date.to_string(fields.Date.today()),
        }
        for vals in (signed, {"state": "confirmed"}, {"confirmation_method": "signature"}):
            with self.subTest(vals=vals):
                self.assertRefused(self.rpc("crm.lead.need", "write", [need.id], vals))
        # the Confirm dialog records emails and meetings, never a signature
        wizard = self.rpc(
            "crm.lead.need.confirm",
            "create",
            {
                "need_ids": [Command.set(need.ids)],
                "confirmation_method": "signature",
                "confirmed_by_id": self.director.id,
            },
        )
        if not isinstance(wizard, RpcError):
            self.rpc("crm.lead.need.confirm", "action_confirm", [wizard])
        self.env.invalidate_all()
        self.assertEqual(
            need.read(["state", "confirmation_method", "confirmed_by_id", "confirmed_date", "description"])[0],
            before,
        )
        self.assertTrue(confirmation._signed_is_intact(), "The signed list keeps the text that was signed.")

    def test_need_changed_after_its_list_was_made_is_not_confirmed_by_signing_the_old_text(self):
        """The customer's signature confirms the needs as the list shows them: a need whose text
        changed since (edited, or confirmed, reset and edited) is not confirmed by signing the old one."""
        for reset_first in (False, True):
            with self.subTest(reset_first=reset_first):
                lead, needs = self._lead_with_needs()
                need = needs[0]
                lists = self.env["crm.need.confirmation"]
                for _index in range(2 if reset_first else 1):
                    lists |= self.env["crm.need.confirmation"].browse(lead.action_request_need_confirmation()["res_id"])
                lists.action_confirm()
                if reset_first:
                    lists[0].sudo()._sign("周建国", signature_png())
                    self.assertEqual((need.state, need.confirmation_method), ("confirmed", "signature"))
                    self.assertNotIsInstance(self.rpc("crm.lead.need", "action_reset", [need.id]), RpcError)
                self.assertNotIsInstance(
                    self.rpc("crm.lead.need", "write", [need.id], {"description": "另一个需求：整线交钥匙"}), RpcError
                )
                # the customer signs the list still waiting, on the portal
                waiting = lists[-1]
                self.assertIn("换型时间缩短到 1 小时以内", waiting.line_ids.mapped("description"))
                self.logout()
                result = self._sign_on_portal(waiting, "周建国")
                self.assertTrue(result.get("force_refresh"), result)
                self.authenticate("csp_rep", "csp_rep_password")
                self.env.invalidate_all()
                self.assertEqual(waiting.state, "signed")
                self.assertEqual(needs[1].state, "confirmed", "The unchanged need is confirmed by the signature.")
                self.assertEqual(
                    need.read(["state", "confirmation_method", "description"])[0],
                    {
                        "id": need.id,
                        "state": "draft",
                        "confirmation_method": False,
                        "description": "另一个需求：整线交钥匙",
                    },
                    "The customer signed another text than the need's.",
                )

    def test_confirmation_line_cannot_point_at_a_need_the_salesman_cannot_read(self):
        other_team = self.env["crm.team"].create({"name": "Test South China", "company_id": self.company.id})
        _foreign_lead, foreign_needs = self._lead_with_needs(user=self.rep_2, team=other_team)
        foreign = foreign_needs[0]
        self.assertRefused(self.rpc("crm.lead.need", "read", [foreign.id], ["description"]))  # not his to read
        lead, needs = self._lead_with_needs()
        confirmation = self.env["crm.need.confirmation"].browse(lead.action_request_need_confirmation()["res_id"])
        line = confirmation.line_ids[0]
        line_vals = {"need_type": "rigid", "description": "照抄的需求", "need_id": foreign.id}
        for model, method, args in (
            ("crm.need.confirmation.line", "create", [{"confirmation_id": confirmation.id, **line_vals}]),
            ("crm.need.confirmation.line", "write", [line.id, {"need_id": foreign.id}]),
            ("crm.need.confirmation", "write", [confirmation.id, {"line_ids": [Command.create(line_vals)]}]),
            (
                "crm.need.confirmation",
                "write",
                [confirmation.id, {"line_ids": [Command.update(line.id, {"need_id": foreign.id})]}],
            ),
        ):
            with self.subTest(model=model, method=method):
                self.assertRefused(self.rpc(model, method, *args))
        self.env.invalidate_all()
        self.assertEqual(confirmation.line_ids.need_id, needs)
        # the list the salesman confirms and the customer signs confirms his own needs only
        self.assertNotIsInstance(self.rpc("crm.need.confirmation", "action_confirm", [confirmation.id]), RpcError)
        confirmation.sudo()._sign("周建国", signature_png())
        self.env.invalidate_all()
        self.assertEqual(set(needs.mapped("state")), {"confirmed"})
        self.assertEqual(
            foreign.read(["state", "confirmation_method", "confirmed_by_id"])[0],
            {"id": foreign.id, "state": "draft", "confirmation_method": False, "confirmed_by_id": False},
        )

    def test_signed_minutes_keep_their_customer_when_the_lead_changes(self):
        minutes = self._minutes()
        minutes.sudo()._sign("孔明亮", signature_png())
        lead = minutes.lead_id
        other = self.env["res.partner"].create({"name": "无锡另一家公司", "is_company": True})
        before = self._signature_state(minutes)
        # the salesman moves the opportunity to another customer (his right on his lead)…
        self.rpc("crm.lead", "write", [lead.id], {"partner_id": other.id})
        # …and tries the signed minutes themselves
        refused = self.rpc("crm.negotiation.minutes", "write", [minutes.id], {"partner_id": other.id})
        self.env.invalidate_all()
        self.assertEqual(minutes.partner_id, self.customer, "Signed for this customer, it stays his.")
        self.assertEqual(
            self.rpc("crm.negotiation.minutes", "read", [minutes.id], ["partner_id"])[0]["partner_id"][0],
            self.customer.id,
        )
        self.assertEqual(self._signature_state(minutes), before)
        self.assertTrue(minutes._signed_is_intact(), "The signature still verifies.")
        self.assertRefused(refused)

    def test_confirmed_minutes_show_what_was_confirmed(self):
        lead = self._create_lead(type="opportunity", name="苏州精密机械 二期产线")
        order = self._order(lead, price=1000.0)
        minutes = self._minutes(lead=lead, order=order)
        confirmed_amount = order.amount_total
        self.assertTrue(minutes._signed_amount_str())
        # after confirmation, the order's price and the lead's name change (over RPC, as the salesman)
        self.assertNotIsInstance(
            self.rpc("sale.order.line", "write", [order.order_line.id], {"price_unit": 98765.0}), RpcError
        )
        self.assertNotIsInstance(self.rpc("crm.lead", "write", [lead.id], {"name": "改过的商机名称"}), RpcError)
        self.env.invalidate_all()
        self.assertNotAlmostEqual(order.amount_total, confirmed_amount, msg="The order did change.")
        self.assertEqual(lead.name, "改过的商机名称")
        report = (
            self.env["ir.actions.report"]
            ._render_qweb_html("crm_sales_process.crm_negotiation_minutes_report", minutes.ids)[0]
            .decode()
        )
        self.logout()  # the customer's page, through the emailed link
        page = self.url_open(minutes.get_portal_url())
        self.assertEqual(page.status_code, 200)
        for source, text in (("portal page", page.text), ("PDF", report)):
            with self.subTest(source=source):
                amounts = _printed(text, "o_csp_minutes_amount")
                self.assertEqual(len(amounts), 1, amounts)
                self.assertAlmostEqual(_amount_of(amounts[0]), confirmed_amount, places=2, msg=amounts[0])
                self.assertEqual(_printed_opportunity(text), ["苏州精密机械 二期产线"])
                self.assertNotIn("改过的商机名称", text)
                self.assertNotIn("98,765", text)

    def test_signed_pdf_attachment_is_frozen_in_every_field(self):
        minutes = self._minutes()
        minutes.sudo()._sign("孔明亮", signature_png())
        attachment = minutes.signed_pdf_id
        self.assertTrue(attachment, "The signed PDF is attached.")
        frozen = ["type", "url", "name", "checksum", "res_model", "res_id", "mimetype", "public", "description"]
        before = attachment.read(frozen)[0]
        for vals in (
            {"type": "url", "url": "https://evil.example"},
            {"url": "https://evil.example"},
            {"datas": base64.b64encode(b"<p>forged</p>").decode()},
            {"name": "forged.pdf"},
            {"mimetype": "application/pdf"},
            {"res_model": "res.partner", "res_id": self.customer.id},
            {"res_id": self.customer.id},
            {"public": True},
            {"description": "replaced"},
        ):
            with self.subTest(vals=vals):
                self.assertRefused(self.rpc("ir.attachment", "write", [attachment.id], vals))
        with self.subTest(vals="unlink"):
            self.assertRefused(self.rpc("ir.attachment", "unlink", [attachment.id]))
        self.env.invalidate_all()
        self.assertEqual(attachment.read(frozen)[0], before)
        self.assertEqual(minutes.signed_pdf_id, attachment)
        self.assertTrue(minutes._signed_is_intact())

    def test_salesman_cannot_sign_on_the_customer_portal(self):
        minutes = self._minutes()
        token = minutes._portal_ensure_token()
        before = self._signature_state(minutes)
        page = self.url_open(minutes.get_portal_url())
        self.assertEqual(page.status_code, 200)
        self.assertFalse(_printed(page.text, "o_csp_sign"), "No Sign button for our own users.")
        result = self._sign_on_portal(minutes, "孔明亮", token)
        self.assertIn("error", result, result)
        self.assertEqual(self._signature_state(minutes), before)
        self.assertEqual(before["state"], "confirmed")
        self.assertFalse(before["signed_on"])

    def test_portal_signer_name_must_be_text(self):
        minutes = self._minutes()
        token = minutes._portal_ensure_token()
        before = self._signature_state(minutes)
        new_test_user(self.env, login="csp_integrity_portal", groups="base.group_portal", partner_id=self.buyer.id)
        for login in (None, "csp_integrity_portal"):
            if login:
                self.authenticate(login, login)
            else:
                self.logout()
            for name in ({"first": "明亮"}, ["孔明亮"], 42, 4.2, True):
                with self.subTest(user=login or "public", name=name):
                    result = self._sign_on_portal(minutes, name, token)
                    self.assertIsInstance(result.get("error"), str, result)
                    self.assertNotIn("Traceback", result["error"])
                    self.assertEqual(self._signature_state(minutes), before)
            for signature in ({"png": "x"}, ["x"], 42):
                with self.subTest(user=login or "public", signature=signature):
                    result = self._sign_on_portal(minutes, "孔明亮", token, signature=signature)
                    self.assertIsInstance(result.get("error"), str, result)
                    self.assertEqual(self._signature_state(minutes), before)


@tagged("post_install", "-at_install")
class TestApprovalIntegrityRpc(DocumentAttackCase):
    """An approval holds only for what was approved, is given only by its reviewer for the
    record it was asked for, and is read only by who may read the document."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._without_contract_chain()
        cls.env["tier.definition"].create(
            {
                "name": "Manager approval",
                "model_id": cls.env.ref("sale.model_sale_order").id,
                "review_type": "individual",
                "reviewer_id": cls.manager.id,
                "definition_domain": "[('amount_untaxed', '>', 50.0)]",
            }
        )
        cls.legal = new_test_user(
            cls.env,
            login="csp_legal",
            name="Legal Qian",
            groups="crm_sales_process.group_legal_reviewer,base.group_user",
        )
        cls.technical = new_test_user(
            cls.env,
            login="csp_technical",
            name="Engineer Sun",
            groups="crm_sales_process.group_technical_reviewer,base.group_user",
        )
        cls.reviewers = {"legal": cls.legal, "commercial": cls.manager, "technical": cls.technical}
        cls.tiers = {
            code: cls.env.ref(f"crm_sales_process.tier_definition_solution_review_{code}") for code in SOLUTION_TIERS
        }

    def _approved_order(self, user=None):
        lead = self._create_lead(user=user, type="opportunity")
        order = self._order(lead, user=user)
        order.request_validation()
        order.with_user(self.manager).validate_tier()
        self.assertEqual(order.validation_status, "validated")
        return order

    def _submitted_review(self, user=None):
        user = user or self.rep
        lead = self._create_lead(user=user, type="opportunity")
        order = self._order(lead, user=user)
        action = lead.with_user(user).action_request_solution_review()
        review = self.env["crm.solution.review"].with_user(user).browse(action["res_id"])
        review.write({"summary": "<p>8 台加工中心对接现有产线</p>", "risks": "<p>老产线接口为非标协议</p>"})
        review.action_submit()
        self.assertEqual(order, review.order_id)
        return review.with_env(self.env)

    def _decide(self, review, code, comment, approve=True):
        """The reviewer of tier ``code`` clicks Validate or Reject and writes his comment."""
        user = self.reviewers[code]
        review = review.with_user(user)
        action = review.validate_tier() if approve else review.reject_tier()
        wizard = self.env[action["res_model"]].with_user(user).with_context(**action["context"])
        wizard.create({"comment": comment}).add_comment()

    def _tier(self, review, code):
        return review.review_ids.filtered(lambda tier: tier.definition_id == self.tiers[code])

    def _reviews_state(self, *records):
        """The reviews of ``records`` (documents of any model) as stored."""
        self.env.invalidate_all()
        return [
            document.review_ids.sorted("id").read(["status", "done_by", "comment", "reviewed_date"])
            for document in records
        ]

    def _todo_users(self, review):
        activity_type = self.env.ref("crm_sales_process.mail_activity_type_solution_review")
        return review.activity_ids.filtered(lambda activity: activity.activity_type_id == activity_type).user_id

    def test_approved_order_changed_after_approval_is_approved_again(self):
        changes = {
            "price": lambda order: ("sale.order.line", "write", [order.order_line.id], {"price_unit": 5000.0}),
            "discount": lambda order: ("sale.order.line", "write", [order.order_line.id], {"discount": 40.0}),
            "quantity": lambda order: ("sale.order.line", "write", [order.order_line.id], {"product_uom_qty": 9}),
            "taxes": lambda order: ("sale.order.line", "write", [order.order_line.id], {"tax_id": [Command.clear()]}),
            "new line": lambda order: (
                "sale.order.line",
                "create",
                {"order_id": order.id, "product_id": self.product.id, "product_uom_qty": 3},
            ),
        }
        for change, call in changes.items():
            with self.subTest(change=change):
                order = self._approved_order()
                self.assertEqual(order.review_ids.status, "approved")
                self.assertNotIsInstance(
                    self.rpc(*call(order)), RpcError, "A quotation may change; its approval then starts again."
                )
                self.env.invalidate_all()
                self.assertNotEqual(order.validation_status, "validated")
                self.assertFalse(order.review_ids.filtered(lambda review: review.status == "approved"))
                pending = order.review_ids.filtered(lambda review: review.status == "pending")
                self.assertIn(self.manager, pending.reviewer_ids, "A new review is asked of the manager.")
                # confirming at the new content, before the manager approved it, is refused
                refused = self.rpc("sale.order", "action_confirm", [order.id])
                self.env.invalidate_all()
                self.assertEqual(order.state, "draft")
                self.assertEqual(set(order.review_ids.mapped("status")), {"pending"})
                self.assertRefused(refused)
        # once the manager approved the new content, it is confirmed
        order.with_user(self.manager).validate_tier()
        self.assertNotIsInstance(self.rpc("sale.order", "action_confirm", [order.id]), RpcError)
        self.env.invalidate_all()
        self.assertEqual(order.state, "sale")

    def test_approved_solution_review_is_reviewed_again_when_its_quotation_changes(self):
        review = self._submitted_review()
        for code in SOLUTION_TIERS:
            self._decide(review, code, f"{code} OK")
        self.assertEqual(review.state, "approved")
        line = self.checklist(review.lead_id).filtered(lambda line: line.item_id == self.checklist_item)
        self.assertTrue(line.is_done)
        self.assertFalse(self._todo_users(review))
        result = self.rpc("sale.order.line", "write", [review.order_id.order_line.id], {"price_unit": 500.0})
        self.assertNotIsInstance(result, RpcError)
        self.env.invalidate_all()
        self.assertEqual(review.state, "to_review")
        self.assertEqual(set(review.review_ids.mapped("status")), {"pending"}, "Every tier is asked again.")
        self.assertFalse(review.review_ids.filtered("done_by"))
        self.assertLessEqual(self.legal | self.technical | self.manager, self._todo_users(review))
        self.assertFalse(line.is_done, "The output waits for the new approval.")

    def test_comment_wizard_decides_only_the_reviews_of_its_record(self):
        order = self._approved_order()
        review = self._submitted_review()
        before = self._reviews_state(order, review)
        # the order's (approved) reviews, slipped into a dialog opened for the solution review
        wizard = self.rpc(
            "comment.wizard",
            "create",
            {
                "res_model": "crm.solution.review",
                "res_id": review.id,
                "review_ids": [Command.set(order.review_ids.ids)],
                "validate_reject": "validate",
                "comment": "我批准了",
            },
        )
        result = wizard if isinstance(wizard, RpcError) else self.rpc("comment.wizard", "add_comment", [wizard])
        self.assertEqual(self._reviews_state(order, review), before)
        with self.subTest(attack="the order's reviews in the review's dialog"):
            self.assertRefused(result)
        # a reviewer of the sheet deciding its tier through a dialog opened for another record (his
        # order under approval), after the sheet was rejected: the sheet's checks must still hold
        self.rep.groups_id = [Command.link(self.env.ref("crm_sales_process.group_technical_reviewer").id)]
        self._decide(review, "legal", "违约责任条款缺失", approve=False)
        self.assertEqual(review.state, "rejected")
        technical = self._tier(review, "technical")
        self.assertEqual(technical.status, "pending")
        order_2 = self._order(self._create_lead(type="opportunity"))
        order_2.request_validation()
        before = self._reviews_state(review, order_2)
        wizard = self.rpc(
            "comment.wizard",
            "create",
            {
                "res_model": "sale.order",
                "res_id": order_2.id,
                "review_ids": [Command.set(technical.ids)],
                "validate_reject": "validate",
                "comment": "技术可行",
            },
        )
        result = wizard if isinstance(wizard, RpcError) else self.rpc("comment.wizard", "add_comment", [wizard])
        self.assertEqual(self._reviews_state(review, order_2), before)
        self.assertEqual(review.state, "rejected")
        with self.subTest(attack="the review's tier in the order's dialog"):
            self.assertRefused(result)

    def test_comment_wizard_refuses_a_model_that_is_not_under_approval(self):
        order = self._approved_order()
        before = self._reviews_state(order)
        for res_model in ("no.such.model", "res.partner", False):
            with self.subTest(res_model=res_model):
                wizard = self.rpc(
                    "comment.wizard",
                    "create",
                    {
                        "res_model": res_model,
                        "res_id": self.customer.id,
                        "review_ids": [Command.set(order.review_ids.ids)],
                        "validate_reject": "validate",
                        "comment": "随便",
                    },
                )
                self.assertNotIsInstance(wizard, RpcError)
                result = self.rpc("comment.wizard", "add_comment", [wizard])
                self.assertEqual(self._reviews_state(order), before)
                self.assertRefused(result, error=("UserError",))

    def test_reviews_of_documents_the_salesman_cannot_read_stay_hidden(self):
        order = self._approved_order(user=self.rep_2)
        order.review_ids.sudo().write({"comment": "底价 92 万，不能再降"})
        review = self._submitted_review(user=self.rep_2)
        self._decide(review, "legal", "违约金条款对我方不利")
        secrets = ("底价 92 万，不能再降", "违约金条款对我方不利")
        self.assertRefused(self.rpc("sale.order", "read", [order.id], ["name"]))
        self.assertRefused(self.rpc("crm.solution.review", "read", [review.id], ["name"]))
        hidden = order.review_ids | review.review_ids
        domains = {
            "sale.order": [("model", "=", "sale.order"), ("res_id", "=", order.id)],
            "crm.solution.review": [("model", "=", "crm.solution.review"), ("res_id", "=", review.id)],
            "comments": [("comment", "!=", False)],
            "ids": [("id", "in", hidden.ids)],
        }
        for name, domain in domains.items():
            with self.subTest(domain=name):
                found = self.rpc("tier.review", "search_read", domain, ["comment", "status", "res_id", "model"])
                self.assertNotIsInstance(found, RpcError)
                self.assertFalse({row["id"] for row in found} & set(hidden.ids), found)
                self.assertFalse({row["comment"] for row in found} & set(secrets), found)
                self.assertEqual(self.rpc("tier.review", "search_count", domain), len(found))
        # nor by id (ids are sequential), the way a form reads a record
        for method, args in (("read", [hidden.ids, ["comment"]]), ("web_read", [hidden.ids])):
            with self.subTest(method=method):
                kwargs = {"specification": {"comment": {}}} if method == "web_read" else {}
                self.assertRefused(self.rpc("tier.review", method, *args, **kwargs), error=("AccessError",))
        # the reviewers read them, comments included
        self.authenticate("csp_manager", "csp_manager")
        found = self.rpc("tier.review", "search_read", domains["sale.order"], ["comment"])
        self.assertEqual([row["comment"] for row in found], ["底价 92 万，不能再降"])
        self.authenticate("csp_legal", "csp_legal")
        found = self.rpc("tier.review", "search_read", domains["crm.solution.review"], ["comment"])
        self.assertIn("违约金条款对我方不利", [row["comment"] for row in found])
