import base64
from datetime import date, datetime, timedelta

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, new_test_user, tagged

from ..models.crm_lead_gate import StageGateBypass
from .common import CrmSalesProcessCase, signature_png


class ContractCase(CrmSalesProcessCase):
    """A contract (sale.order) with the default approval chain: sales manager → legal → GM."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.legal = new_test_user(
            cls.env,
            login="csp_legal",
            name="Legal Sun",
            groups="crm_sales_process.group_legal_reviewer,base.group_user",
        )
        cls.gm = new_test_user(
            cls.env,
            login="csp_gm",
            name="GM Qian",
            groups="crm_sales_process.group_general_manager,base.group_user",
        )
        # a B2B company: the customer pays by transfer on the payment terms, signing confirms the contract
        cls.company.write(
            {
                "gm_approval_amount": 10000.0,
                "contract_signatory_ids": [Command.set(cls.gm.ids)],
                "portal_confirmation_pay": False,
            }
        )
        cls.product = cls.env["product.product"].create(
            {"name": "GMC-5 加工中心", "list_price": 1000.0, "taxes_id": False}
        )
        cls.legal_rep = cls.env["res.partner"].create(
            {"name": "周法人", "parent_id": cls.customer.id, "is_legal_representative": True}
        )
        cls.buyer = cls.env["res.partner"].create({"name": "孔明亮", "parent_id": cls.customer.id})
        cls.stranger = cls.env["res.partner"].create({"name": "路人甲"})

    def _contract(self, qty=1, price=1000.0, **vals):
        values = {
            "partner_id": self.customer.id,
            "user_id": self.rep.id,
            "order_line": [
                Command.create({"product_id": self.product.id, "product_uom_qty": qty, "price_unit": price})
            ],
        }
        values.update(vals)
        return self.env["sale.order"].with_user(self.rep).create(values)

    def _approve_all(self, order):
        order.with_user(self.rep).request_validation()
        for user in (self.manager, self.legal, self.gm):
            self._validate(order, user)
        return order

    def _validate(self, order, user, comment=None):
        action = order.with_user(user).validate_tier()
        if isinstance(action, dict) and action.get("res_model") == "comment.wizard":
            wizard = (
                self.env["comment.wizard"]
                .with_user(user)
                .with_context(**action["context"])
                .create({"comment": comment or f"同意 ({user.name})"})
            )
            wizard.add_comment()
        order.invalidate_recordset()

    def _sign_on_site(self, order, signer=None):
        """The customer signs on site (the rep's wizard); ``signer``: another contact than the order's signer."""
        action = order.with_user(self.rep).action_contract_sign_on_site()
        wizard = Form(self.env[action["res_model"]].with_user(self.rep).with_context(**action["context"]))
        if signer:
            wizard.signer_id = signer
        wizard.signature = signature_png()
        return wizard.save().action_sign()

    def _poa(self, partner, date_from, date_to, limit=0.0):
        attachment = self.env["ir.attachment"].create(
            {"name": "授权委托书.pdf", "datas": base64.b64encode(b"%PDF-1.4 poa"), "res_model": "res.partner"}
        )
        return self.env["crm.power.attorney"].create(
            {
                "partner_id": partner.id,
                "date_from": date_from,
                "date_to": date_to,
                "amount_limit": limit,
                "attachment_ids": [Command.set(attachment.ids)],
            }
        )


@tagged("post_install", "-at_install")
class TestApprovalChain(ContractCase):
    def test_route_below_and_above_the_threshold(self):
        small = self._contract(qty=5)
        self.assertFalse(small.requires_gm_approval)
        self.assertIn("<", small.approval_route)
        small.with_user(self.rep).request_validation()
        self.assertEqual(
            small.review_ids.sorted("sequence").definition_id,
            self.env.ref("crm_sales_process.tier_definition_sale_order_sales_manager")
            | self.env.ref("crm_sales_process.tier_definition_sale_order_legal"),
        )
        big = self._contract(qty=120)
        self.assertTrue(big.requires_gm_approval)
        self.assertIn("≥", big.approval_route)
        big.with_user(self.rep).request_validation()
        self.assertEqual(
            big.review_ids.sorted("sequence").mapped("definition_id.reviewer_group_id"),
            self.env.ref("sales_team.group_sale_manager")
            | self.env.ref("crm_sales_process.group_legal_reviewer")
            | self.env.ref("crm_sales_process.group_general_manager"),
        )

    def test_threshold_compared_in_company_currency(self):
        usd = self.env.ref("base.USD")
        usd.active = True
        company_currency = self.company.currency_id
        other = usd if company_currency != usd else self.env.ref("base.EUR")
        other.active = True
        self.env["res.currency.rate"].search([("currency_id", "in", (other | company_currency).ids)]).unlink()
        # 1 company currency = 0.1 other: 2,000 other = 20,000 in company currency
        self.env["res.currency.rate"].create(
            {"currency_id": other.id, "rate": 0.1, "name": "2020-01-01", "company_id": self.company.id}
        )
        pricelist = self.env["product.pricelist"].create({"name": "Other", "currency_id": other.id})
        order = self._contract(qty=2, price=1000.0, pricelist_id=pricelist.id)
        self.assertEqual(order.currency_id, other)
        self.assertAlmostEqual(order.amount_total_company, 20000.0)
        self.assertTrue(order.requires_gm_approval, "2,000 in the order's currency is 20,000 in the company's")
        # the same amount in company currency stays below
        self.assertFalse(self._contract(qty=2, price=1000.0).requires_gm_approval)

    def test_approvers_approve_in_order_with_comments(self):
        order = self._contract(qty=20)
        order.with_user(self.rep).request_validation()
        reviews = order.review_ids.sorted("sequence")
        self.assertTrue(all(reviews.mapped("has_comment")))
        # legal cannot approve before the sales manager
        with self.assertRaises(AccessError):
            self._validate(order, self.legal)
        self.assertEqual(reviews.mapped("status"), ["pending", "waiting", "waiting"])
        self.assertIn("Sales manager", order.next_review)
        self._validate(order, self.manager, "商务条款合理")
        self.assertEqual(reviews[0].status, "approved")
        self.assertEqual(reviews[0].comment, "商务条款合理")
        self.assertIn("Legal", order.next_review)
        with self.assertRaises(AccessError):
            self._validate(order, self.gm)  # not the GM's turn yet
        self.assertEqual(reviews[2].status, "waiting")
        self._validate(order, self.legal, "法务合规")
        self._validate(order, self.gm, "同意签约")
        self.assertEqual(order.validation_status, "validated")
        self.assertTrue(order.contract_approved)


@tagged("post_install", "-at_install")
class TestBlockedUntilApproved(ContractCase):
    def test_confirm_send_and_print_wait_for_the_last_approval(self):
        order = self._contract(qty=20)
        with self.assertRaises(UserError):
            order.with_user(self.rep).action_confirm()
        with self.assertRaises(UserError):
            order.with_user(self.rep).action_quotation_send()
        with self.assertRaises(UserError):
            order.with_user(self.rep).with_context(mark_so_as_sent=True).message_post(body="报价单")
        with self.assertRaises(UserError):
            order.with_user(self.rep).write({"state": "sent"})
        self.assertEqual(order.state, "draft")
        order.with_user(self.rep).request_validation()
        self._validate(order, self.manager)
        self._validate(order, self.legal)
        with self.assertRaises(UserError, msg="The GM's approval is still missing"):
            order.with_user(self.rep).action_quotation_send()
        self._validate(order, self.gm)
        action = order.with_user(self.rep).action_quotation_send()
        self.assertEqual(action["res_model"], "mail.compose.message")
        order.with_user(self.rep).with_context(mark_so_as_sent=True).message_post(body="报价单")
        self.assertEqual(order.state, "sent")

    def test_composer_send_is_refused_before_approval(self):
        order = self._contract()
        composer = (
            self.env["mail.compose.message"]
            .with_user(self.rep)
            .with_context(mark_so_as_sent=True)
            .create(
                {
                    "model": "sale.order",
                    "res_ids": order.ids,
                    "composition_mode": "comment",
                    "body": "请查收合同",
                    "partner_ids": [Command.set(self.customer.ids)],
                }
            )
        )
        with self.assertRaises(UserError):
            composer.action_send_mail()
        self.assertEqual(order.state, "draft")
        self.assertFalse(order.message_ids.filtered(lambda message: "请查收合同" in (message.body or "")))

    def test_customer_pdf_refused_internal_draft_marked(self):
        order = self._contract()
        portal = new_test_user(self.env, login="csp_portal_pdf", groups="base.group_portal", partner_id=self.buyer.id)
        report = self.env["ir.actions.report"]
        for ref in ("sale.action_report_saleorder", "sale.action_report_pro_forma_invoice"):
            with self.subTest(report=ref), self.assertRaises(UserError):
                report.with_user(portal).sudo()._render_qweb_html(ref, order.ids)
        html = report.with_user(self.rep)._render_qweb_html("sale.action_report_saleorder", order.ids)[0].decode()
        self.assertIn("DRAFT — not approved", html)
        self._approve_all(order)
        html = report.with_user(portal).sudo()._render_qweb_html("sale.action_report_saleorder", order.ids)[0].decode()
        self.assertNotIn("DRAFT — not approved", html)
        self.assertIn("Dispute resolution", html, "The contract prints its clauses.")

    def test_change_after_approval_restarts_the_chain(self):
        order = self._approve_all(self._contract())
        self.assertTrue(order.contract_approved)
        order.order_line.with_user(self.rep).write({"price_unit": 900.0})
        self.assertFalse(order.contract_approved)
        self.assertEqual(order.review_ids.sorted("sequence")[0].status, "pending")
        with self.assertRaises(UserError):
            order.with_user(self.rep).action_confirm()

    def test_clause_changed_after_approval_restarts_the_chain(self):
        order = self._approve_all(self._contract())
        order.clause_ids[0].with_user(self.rep).write({"content": "甲方另行提供安装场地。"})
        self.assertFalse(order.contract_approved)
        self.assertEqual(order.review_ids.sorted("sequence")[0].status, "pending")
        self.assertTrue(order.message_ids.filtered(lambda message: "approval starts again" in (message.body or "")))


@tagged("post_install", "-at_install")
class TestClausesAndMinutes(ContractCase):
    def _signed_minutes(self, lead, order, **agreed):
        minutes = (
            self.env["crm.negotiation.minutes"]
            .with_user(self.rep)
            .create(
                {
                    "lead_id": lead.id,
                    "order_id": order.id,
                    "customer_attendee_ids": [Command.set(self.buyer.ids)],
                    "term_ids": [
                        Command.create({"topic": "other", "description": "免费培训 3 天", "status": "agreed"})
                    ],
                    **agreed,
                }
            )
        )
        minutes.action_confirm()
        minutes._sign("孔明亮", signature_png())
        return minutes

    def _lead(self):
        lead = self._create_lead(type="opportunity")
        lead.with_context(crm_stage_gate_bypass=StageGateBypass("override", "test setup")).write(
            {"stage_id": self.env.ref("crm_sales_process.crm_stage_negotiation").id}
        )
        return lead

    def test_standard_clauses_prefilled_and_required(self):
        order = self._contract()
        kinds = set(order.clause_ids.mapped("kind"))
        self.assertEqual(
            kinds,
            {
                "description",
                "price_payment",
                "delivery",
                "acceptance",
                "obligations",
                "liability",
                "confidentiality",
                "dispute",
            },
        )
        order.clause_ids.filtered(lambda clause: clause.kind == "confidentiality").with_user(self.rep).unlink()
        with self.assertRaisesRegex(UserError, "Confidentiality"):
            order.with_user(self.rep).request_validation()
        self.assertFalse(order.review_ids)
        order.with_user(self.rep).action_contract_prepare()
        order.with_user(self.rep).request_validation()
        self.assertTrue(order.review_ids)
        with self.assertRaises(UserError, msg="Clauses under approval cannot change"):
            order.clause_ids[0].with_user(self.rep).write({"content": "改过的条款"})

    def test_prepare_takes_the_signed_minutes(self):
        lead = self._lead()
        order = self._contract(opportunity_id=lead.id)
        terms = self.env.ref("account.account_payment_term_30days")
        self._signed_minutes(lead, order, agreed_payment_term_id=terms.id, agreed_delivery_date=date(2026, 12, 20))
        order.with_user(self.rep).action_contract_prepare()
        self.assertEqual(order.payment_term_id, terms)
        self.assertEqual(fields.Date.to_date(order.commitment_date.date()), date(2026, 12, 20))
        obligations = order.clause_ids.filtered(lambda clause: clause.kind == "obligations")
        self.assertIn("免费培训 3 天", obligations.content)
        price = order.clause_ids.filtered(lambda clause: clause.kind == "price_payment")
        self.assertIn(terms.name, price.content)

    def test_differences_from_the_minutes_need_a_reason_and_print(self):
        lead = self._lead()
        order = self._contract(opportunity_id=lead.id, qty=3)
        self._signed_minutes(lead, order, agreed_amount=2800.0, agreed_delivery_date=date(2026, 12, 20))
        with self.assertRaises(UserError) as refused:
            order.with_user(self.rep).request_validation()
        message = str(refused.exception)
        self.assertIn("Total", message)
        self.assertIn("Delivery date", message)
        self.assertFalse(order.review_ids)
        order.with_user(self.rep).write({"minutes_difference_reason": "客户追加 200 元培训费，交期待定"})
        order.with_user(self.rep).request_validation()
        self.assertTrue(order.review_ids)
        self.assertIn("Total", order.minutes_differences)
        html = (
            self.env["ir.actions.report"]
            .with_user(self.rep)
            ._render_qweb_html("crm_sales_process.sale_order_contract_approval_report", order.ids)[0]
            .decode()
        )
        self.assertIn("客户追加 200 元培训费", html)
        self.assertIn("Total", html)
        self.assertIn("Sales manager: commercial terms", html)

    def test_no_difference_no_reason_needed(self):
        lead = self._lead()
        order = self._contract(opportunity_id=lead.id, qty=3)
        self._signed_minutes(lead, order, agreed_amount=3000.0)
        order.with_user(self.rep).request_validation()
        self.assertFalse(order.minutes_differences)

    def test_minutes_signed_before_the_agreed_values_keep_their_fingerprint(self):
        lead = self._lead()
        order = self._contract(opportunity_id=lead.id)
        minutes = self._signed_minutes(lead, order)
        self.assertTrue(minutes._signed_is_intact())


@tagged("post_install", "-at_install")
class TestAuthorisedSigners(ContractCase):
    def test_legal_representative_signs_and_confirms(self):
        order = self._approve_all(self._contract(qty=20))
        self._sign_on_site(order, self.legal_rep)
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.customer_signer_id, self.legal_rep)
        self.assertEqual(order.company_signer_id, self.gm)
        self.assertTrue(order.contract_signed_on_site)
        self.assertTrue(order.contract_archive_deadline)
        # a confirmed order is past its approval: its confirmation is sent even after a later change
        order.order_line.with_user(self.rep).write({"price_unit": 990.0})
        action = order.with_user(self.rep).action_quotation_send()
        self.assertEqual(action["res_model"], "mail.compose.message")

    def test_contact_without_authority_refused(self):
        order = self._approve_all(self._contract())
        with self.assertRaisesRegex(ValidationError, "power of attorney"):
            self._sign_on_site(order, self.buyer)
        self.assertEqual(order.state, "draft")
        self.assertFalse(order.signature)

    def test_power_of_attorney_validity_and_ceiling(self):
        today = fields.Date.context_today(self.env["sale.order"])
        expired = self._poa(self.buyer, today - timedelta(days=400), today - timedelta(days=1))
        order = self._approve_all(self._contract(qty=20))  # 20,000
        with self.assertRaisesRegex(ValidationError, "does not cover"):
            self._sign_on_site(order, self.buyer)
        expired.date_to = today + timedelta(days=30)
        expired.amount_limit = 15000.0
        with self.assertRaisesRegex(ValidationError, "does not cover"):
            self._sign_on_site(order, self.buyer)
        expired.amount_limit = 50000.0
        self._sign_on_site(order, self.buyer)
        self.assertEqual(order.state, "sale")

    def test_signature_cannot_be_written_by_a_client(self):
        order = self._approve_all(self._contract())
        order.with_user(self.rep).write({"customer_signer_id": self.legal_rep.id})
        with self.assertRaises(UserError):
            order.with_user(self.rep).write({"signature": signature_png(), "signed_by": "周法人"})
        self.assertFalse(order.signature)

    def test_unapproved_contract_cannot_be_signed(self):
        order = self._contract()
        order.customer_signer_id = self.legal_rep
        with self.assertRaises(UserError):
            order.with_user(self.rep).action_contract_sign_on_site()
        with self.assertRaises(UserError):
            order.sudo().write({"signature": signature_png(), "signed_by": "周法人"})
        self.assertFalse(order.signature)

    def test_poa_needs_its_document(self):
        with self.assertRaises(ValidationError):
            self.env["crm.power.attorney"].create(
                {"partner_id": self.buyer.id, "date_from": "2026-01-01", "date_to": "2026-12-31"}
            )


@tagged("post_install", "-at_install")
class TestArchive(ContractCase):
    def setUp(self):
        super().setUp()
        calendar = self.company.resource_calendar_id
        calendar.tz = "Asia/Shanghai"
        # National Day holiday on Wednesday 2026-09-30 (a whole-day company time off)
        self.env["resource.calendar.leaves"].create(
            {
                "name": "国庆节",
                "calendar_id": calendar.id,
                "date_from": datetime(2026, 9, 29, 16, 0),
                "date_to": datetime(2026, 9, 30, 15, 59),
            }
        )

    def test_three_working_days_across_a_weekend_and_a_holiday(self):
        company = self.company
        # signed Friday 2026-09-25 at 15:00 Shanghai → Mon 28, Tue 29, (Wed 30 holiday) Thu Oct 1
        self.assertEqual(company._working_day_after(datetime(2026, 9, 25, 7, 0), 3), date(2026, 10, 1))
        # signed Monday 2026-09-21 → Tue, Wed, Thu
        self.assertEqual(company._working_day_after(datetime(2026, 9, 21, 2, 0), 3), date(2026, 9, 24))

    def test_archive_overdue_filter_and_reminder_once(self):
        order = self._approve_all(self._contract())
        with self.frozen(datetime(2026, 9, 25, 7, 0)):
            action = order.with_user(self.rep).action_contract_sign_on_site()
            wizard = Form(self.env[action["res_model"]].with_user(self.rep).with_context(**action["context"]))
            wizard.signer_id = self.legal_rep
            wizard.signature = signature_png()
            wizard.save().action_sign()
        self.assertEqual(order.contract_archive_deadline, date(2026, 10, 1))
        overdue = [
            ("signed_on", "!=", False),
            ("contract_archived", "=", False),
            ("contract_archive_deadline", "<", "2026-10-02"),
        ]
        self.assertIn(order, self.env["sale.order"].search(overdue))
        activity_type = self.env.ref("crm_sales_process.mail_activity_type_contract_archive")
        with self.frozen(datetime(2026, 10, 1, 4, 0)):
            self.env["sale.order"]._cron_contract_archive_reminder()
        self.assertFalse(order.activity_ids.filtered(lambda a: a.activity_type_id == activity_type), "Not late yet")
        with self.frozen(datetime(2026, 10, 2, 4, 0)):
            self.env["sale.order"]._cron_contract_archive_reminder()
            self.env["sale.order"]._cron_contract_archive_reminder()
        reminders = order.activity_ids.filtered(lambda a: a.activity_type_id == activity_type)
        self.assertEqual(len(reminders), 1)
        self.assertEqual(reminders.user_id, self.rep)
        self.assertIn("2026-10-01", reminders.note)
        scan = self.env["ir.attachment"].create(
            {"name": "合同扫描件.pdf", "datas": base64.b64encode(b"%PDF-1.4 scan"), "res_model": "sale.order"}
        )
        order.with_user(self.rep).write({"contract_scan_ids": [Command.set(scan.ids)]})
        self.assertFalse(order.contract_archived, "The paper copy's place is still missing.")
        order.with_user(self.rep).write({"contract_archive_location": "档案室 B-3"})
        self.assertTrue(order.contract_archived)
        self.assertNotIn(order, self.env["sale.order"].search(overdue))
        with self.assertRaises(UserError):
            order.with_user(self.rep).write({"contract_archived": False})


@tagged("post_install", "-at_install")
class TestContractStageEvidence(ContractCase):
    def test_phase_and_evidence(self):
        lead = self._create_lead(type="opportunity")
        lead.with_context(crm_stage_gate_bypass=StageGateBypass("override", "test setup")).write(
            {"stage_id": self.env.ref("crm_sales_process.crm_stage_contract").id}
        )
        self.assertEqual(lead.process_phase, "contract")
        order = self._contract(opportunity_id=lead.id)
        lines = self.checklist(lead)
        approved = lines.filtered(lambda line: line.item_id.evidence == "contract_approved")
        archived = lines.filtered(lambda line: line.item_id.evidence == "contract_archived")
        self.assertFalse(approved.is_done)
        self._approve_all(order)
        lead.invalidate_recordset()
        self.assertTrue(approved.is_done)
        self.assertFalse(archived.is_done)
        order.with_user(self.rep).write({"customer_signer_id": self.legal_rep.id})
        order._process().write(
            {"signature": signature_png(), "signed_by": "周法人", "signed_on": fields.Datetime.now()}
        )
        order.with_user(self.rep).action_confirm()
        self.assertEqual(lead.process_phase, "delivery")
        scan = self.env["ir.attachment"].create({"name": "scan.pdf", "datas": base64.b64encode(b"%PDF-1.4")})
        order.with_user(self.rep).write(
            {"contract_scan_ids": [Command.set(scan.ids)], "contract_archive_location": "档案室 B-3"}
        )
        self.assertTrue(archived.is_done)


@tagged("post_install", "-at_install")
class TestHandover(ContractCase):
    def test_confirmation_sends_the_letter_and_opens_the_delivery_project(self):
        order = self._contract(
            qty=3, commitment_date=datetime(2026, 12, 20, 2, 0), delivery_contact_id=self.buyer.id, team_id=self.team.id
        )
        self._approve_all(order)
        order.with_user(self.rep).write({"customer_signer_id": self.legal_rep.id})
        self._sign_on_site(order)
        self.assertEqual(order.state, "sale")
        letter = order.message_ids.filtered(lambda message: "order confirmation" in (message.subject or ""))
        self.assertTrue(letter, "The order confirmation letter is sent.")
        self.assertIn(self.buyer, letter.partner_ids)
        self.assertIn("2026", letter.body)
        project = order.delivery_project_id
        self.assertTrue(project)
        self.assertEqual(project.delivery_order_id, order)
        self.assertEqual(project.user_id, order.delivery_user_id)
        self.assertEqual(project.kickoff_sales_manager_id, self.manager)
        self.assertEqual(len(project.milestone_ids), 3)
        self.assertIn(date(2026, 12, 20), project.milestone_ids.mapped("deadline"))
        meeting = project.activity_ids.filtered(
            lambda activity: activity.activity_type_id == self.env.ref("mail.mail_activity_data_meeting")
        )
        self.assertEqual(len(meeting), 1)
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("crm_sales_process.project_kickoff_plan_report", project.ids)[0]
            .decode()
        )
        for text in (
            order.name,
            "Sales manager",
            self.manager.name,
            "Engineer",
            "To be named",
            "Delivery",
            "within 24 hours",
        ):
            self.assertIn(text, html)
