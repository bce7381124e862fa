from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common import CrmSalesProcessCase


@tagged("post_install", "-at_install")
class TestUnforgeableApprovals(CrmSalesProcessCase):
    """A salesman cannot approve his own order by writing the review records over RPC."""

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
        cls.product = cls.env["product.product"].create({"name": "GMC-5 加工中心", "list_price": 1000.0})
        cls.admin = cls.env.ref("base.user_admin")

    def _order(self):
        order = (
            self.env["sale.order"]
            .with_user(self.rep)
            .create(
                {
                    "partner_id": self.customer.id,
                    "user_id": self.rep.id,
                    "order_line": [Command.create({"product_id": self.product.id, "product_uom_qty": 1})],
                }
            )
        )
        order.request_validation()
        return order

    def test_salesman_cannot_write_create_or_delete_reviews(self):
        order = self._order()
        review = order.review_ids.with_user(self.rep)
        self.assertTrue(review, "Requesting validation created the review.")
        with self.assertRaises(UserError):
            review.write({"status": "approved", "done_by": self.rep.id})
        with self.assertRaises(AccessError):
            review.unlink()
        with self.assertRaises(UserError):
            self.env["tier.review"].with_user(self.rep).create(
                {"model": "sale.order", "res_id": order.id, "status": "approved"}
            )
        self.assertNotEqual(order.review_ids.status, "approved")
        with self.assertRaises(ValidationError):
            order.with_user(self.rep).action_confirm()
        self.assertEqual(order.state, "draft")

    def test_salesman_cannot_write_the_validated_state(self):
        order = self._order()
        with self.assertRaises(ValidationError):
            order.with_user(self.rep).write({"state": "sale"})
        for key in ("skip_validation_check", "skip_check_state_condition"):
            with self.subTest(key=key), self.assertRaises(ValidationError):
                order.with_user(self.rep).with_context(**{key: True}).write({"state": "sale"})
        self.assertEqual(order.state, "draft")
        with self.assertRaises(ValidationError):
            order.with_user(self.rep).action_confirm()
        self.assertEqual(order.state, "draft")

    def test_skip_keys_from_a_client_are_ignored(self):
        order = self._order()
        for key in ("skip_validation_check", "skip_check_state_condition"):
            with self.subTest(key=key), self.assertRaises(ValidationError):
                order.with_user(self.rep).with_context(**{key: True}).action_confirm()
        self.assertEqual(order.state, "draft")

    def test_skip_key_does_not_open_an_order_under_validation(self):
        """Only the skip key guard stands here: trusted, the key would let the salesman edit the order."""
        order = self._order()
        with self.assertRaises(ValidationError):
            order.with_user(self.rep).with_context(skip_validation_check=True).write(
                {"client_order_ref": "PO-2026-118"}
            )
        self.assertFalse(order.client_order_ref)

    def test_skip_key_does_not_put_a_confirmed_order_under_validation(self):
        """Only the skip key guard stands here: trusted, the key would ask the reviewers to review a
        confirmed order."""
        order = self._order()
        order.with_user(self.manager).validate_tier()
        order.with_user(self.rep).action_confirm()
        order.review_ids._process().unlink()
        order.invalidate_recordset()
        order.with_user(self.rep).with_context(skip_check_state_condition=True).request_validation()
        self.assertFalse(order.review_ids)

    def test_only_the_reviewer_approves(self):
        order = self._order()
        order.with_user(self.rep).validate_tier()
        self.assertNotEqual(order.review_ids.status, "approved", "Not the salesman's turn.")
        order.with_user(self.manager).validate_tier()
        self.assertEqual(order.review_ids.status, "approved")
        self.assertEqual(order.review_ids.done_by, self.manager)
        # confirmed in the same transaction as the approval (no stale "pending" status)
        order.with_user(self.rep).action_confirm()
        self.assertEqual(order.state, "sale")

    def test_reviewer_rejects_with_a_comment(self):
        order = self._order()
        order.review_ids.definition_id.sudo().has_comment = True
        action = order.with_user(self.manager).reject_tier()
        wizard = (
            self.env[action["res_model"]]
            .with_user(self.manager)
            .with_context(**action["context"])
            .create({"comment": "Price below the floor"})
        )
        wizard.add_comment()
        self.assertEqual(order.review_ids.status, "rejected")
        self.assertEqual(order.review_ids.comment, "Price below the floor")
        thief = (
            self.env[action["res_model"]]
            .with_user(self.rep)
            .with_context(**action["context"])
            .create({"comment": "Approved by me", "validate_reject": "validate"})
        )
        with self.assertRaises(AccessError):
            thief.add_comment()

    def test_only_server_code_fixes_reviews(self):
        order = self._order()
        with self.assertRaises(UserError):
            order.review_ids.with_user(self.admin).write({"comment": "Fixed by the administrator"})
        order.review_ids.sudo().write({"comment": "Fixed by a server action"})
        self.assertEqual(order.review_ids.comment, "Fixed by a server action")

    def test_order_under_review_refuses_changes_naming_the_fields(self):
        """Under validation, the order's content is refused with the fields it may and may not write."""
        order = self._order()
        with self.assertRaises(ValidationError) as caught:
            order.with_user(self.rep).write({"client_order_ref": "PO-2026-118"})
        message = str(caught.exception)
        self.assertIn("under validation", message)
        self.assertIn(order._fields["client_order_ref"].string, message.split("Only those fields", maxsplit=1)[0])
        self.assertFalse(order.client_order_ref)
