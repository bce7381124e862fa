from datetime import timedelta

from odoo import fields
from odoo.tests import HttpCase, new_test_user, tagged

from .common import RpcAttackCase, signature_png
from .test_contract import ContractCase


@tagged("post_install", "-at_install")
class TestContractPortal(HttpCase, ContractCase):
    """The customer sees, prints and signs a contract on the portal only once approved, and only an
    authorised person's signature is accepted."""

    def _sign(self, order, token=None, name="周法人"):
        return self.make_jsonrpc_request(
            f"/my/orders/{order.id}/accept",
            {
                "access_token": token or order._portal_ensure_token(),
                "name": name,
                "signature": signature_png().decode(),
            },
        )

    def _page(self, order, **query):
        params = "&".join(
            f"{key}={value}" for key, value in {"access_token": order._portal_ensure_token(), **query}.items()
        )
        return self.url_open(f"/my/orders/{order.id}?{params}")

    def test_unapproved_contract_hidden_from_the_customer(self):
        order = self._contract(customer_signer_id=self.legal_rep.id)
        page = self._page(order)
        self.assertEqual(page.status_code, 200)
        self.assertIn("o_csp_contract_under_review", page.text)
        self.assertNotIn("GMC-5 加工中心", page.text)
        pdf = self._page(order, report_type="pdf", download="true")
        self.assertNotEqual(pdf.headers.get("Content-Type"), "application/pdf")
        result = self._sign(order)
        self.assertIn("error", result)
        order.invalidate_recordset()
        self.assertEqual(order.state, "draft")
        self.assertFalse(order.signature)

    def test_authorised_representative_signs_through_the_link(self):
        order = self._approve_all(self._contract(customer_signer_id=self.legal_rep.id))
        page = self._page(order)
        self.assertIn("GMC-5 加工中心", page.text)
        self.assertIn("o_csp_signer_notice", page.text)
        pdf = self._page(order, report_type="pdf")
        self.assertEqual(pdf.headers.get("Content-Type"), "application/pdf")
        result = self._sign(order)
        self.assertNotIn("error", result, result)
        order.invalidate_recordset()
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.signed_by, "周法人")
        self.assertEqual(order.company_signer_id, self.gm)
        self.assertTrue(order.delivery_project_id)

    def test_unauthorised_or_expired_signer_refused_through_the_link(self):
        order = self._approve_all(self._contract(customer_signer_id=self.buyer.id))
        result = self._sign(order, name="孔明亮")
        self.assertIn("error", result)
        self.assertIn("power of attorney", result["error"])
        today = fields.Date.context_today(order)
        self._poa(self.buyer, today - timedelta(days=100), today - timedelta(days=1))
        result = self._sign(order, name="孔明亮")
        self.assertIn("does not cover", result["error"])
        order.invalidate_recordset()
        self.assertEqual(order.state, "draft")
        self.assertFalse(order.signature)

    def test_logged_in_contact_signs_only_with_authority(self):
        order = self._approve_all(self._contract(customer_signer_id=self.legal_rep.id))
        new_test_user(
            self.env,
            login="csp_buyer_portal",
            password="csp_buyer_portal",
            groups="base.group_portal",
            partner_id=self.buyer.id,
        )
        self.authenticate("csp_buyer_portal", "csp_buyer_portal")
        result = self._sign(order, name="孔明亮")
        self.assertIn("error", result, "The buyer holds no power of attorney.")
        today = fields.Date.context_today(order)
        self._poa(self.buyer, today - timedelta(days=10), today + timedelta(days=10), limit=5000.0)
        result = self._sign(order, name="孔明亮")
        self.assertNotIn("error", result, result)
        order.invalidate_recordset()
        self.assertEqual((order.state, order.customer_signer_id), ("sale", self.buyer))

    def test_tour_manager_approves_rep_sees_next_customer_signs(self):
        order = self._contract(qty=3, customer_signer_id=self.legal_rep.id)
        order.with_user(self.rep).request_validation()
        self.start_tour(
            f"/odoo/action-sale.action_quotations_with_onboarding/{order.id}",
            "crm_sales_process_contract_approve_tour",
            login="csp_manager",
        )
        review = order.review_ids.sorted("sequence")[0]
        self.assertEqual((review.status, review.comment), ("approved", "价格与付款条件符合公司政策"))
        self.start_tour(
            f"/odoo/action-sale.action_quotations_with_onboarding/{order.id}",
            "crm_sales_process_contract_next_approver_tour",
            login="csp_rep",
        )
        self._validate(order, self.legal)
        self.assertTrue(order.contract_approved)
        self.start_tour(
            f"/my/orders/{order.id}?access_token={order._portal_ensure_token()}",
            "crm_sales_process_contract_portal_sign_tour",
        )
        order.invalidate_recordset()
        self.assertEqual((order.state, order.signed_by), ("sale", "周法人"))


@tagged("post_install", "-at_install")
class TestContractRpc(RpcAttackCase, ContractCase):
    """What a salesman's JSON-RPC calls cannot do to a contract."""

    def test_nothing_reaches_the_customer_before_approval(self):
        order = self._contract()
        for call in (
            ("action_confirm", [order.id]),
            ("action_quotation_send", [order.id]),
            ("action_quotation_sent", [order.id]),
            ("write", [order.id], {"state": "sent"}),
        ):
            with self.subTest(call=call[0]):
                self.assertRefused(self.rpc("sale.order", *call))
        self.env.invalidate_all()
        self.assertEqual(order.state, "draft")

    def test_process_fields_refused(self):
        order = self._approve_all(self._contract())
        forged = {
            "signature": signature_png().decode(),
            "signed_by": "周法人",
            "signed_on": "2026-11-20 08:00:00",
            "contract_archived": True,
            "contract_archive_reminded": True,
            "minutes_difference_data": [{"what": "amount", "minutes": [1, 1], "order": [2, 1], "minutes_name": "无"}],
        }
        for field, value in forged.items():
            with self.subTest(field=field):
                self.assertRefused(self.rpc("sale.order", "write", [order.id], {field: value}))
        self.env.invalidate_all()
        self.assertFalse(order.signature or order.contract_archived or order.minutes_difference_data)
        self.assertRefused(
            self.rpc("sale.order", "create", {"partner_id": self.customer.id, "contract_archived": True})
        )

    def test_salesman_cannot_approve_his_contract(self):
        order = self._contract()
        order.with_user(self.rep).request_validation()
        self._validate(order, self.rep)
        self.env.invalidate_all()
        self.assertEqual(order.review_ids.sorted("sequence")[0].status, "pending")
        self.assertRefused(self.rpc("sale.order", "action_confirm", [order.id]))
