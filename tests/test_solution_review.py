from odoo import Command, fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .common import CrmSalesProcessCase

TIERS = ("legal", "commercial", "technical")


@tagged("post_install", "-at_install")
class TestSolutionReview(CrmSalesProcessCase):
    """方案审核表: legal, commercial and technical reviewers approve a solution in parallel."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
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
        cls.tiers = {code: cls.env.ref(f"crm_sales_process.tier_definition_solution_review_{code}") for code in TIERS}
        # the stage data is noupdate: databases installed before this evidence existed keep "manual"
        cls.checklist_item = cls.env.ref("crm_sales_process.crm_stage_checklist_item_solution_review")
        cls.checklist_item.evidence = "solution_review"
        cls.product = cls.env["product.product"].create({"name": "SL-200 SMT 自动上下料机", "list_price": 185000.0})

    def setUp(self):
        super().setUp()
        self.lead = self._create_lead(type="opportunity")
        self.order = (
            self.env["sale.order"]
            .with_user(self.rep)
            .create(
                {
                    "partner_id": self.customer.id,
                    "opportunity_id": self.lead.id,
                    "user_id": self.rep.id,
                    "order_line": [Command.create({"product_id": self.product.id, "product_uom_qty": 2})],
                }
            )
        )

    def _submitted_review(self):
        action = self.lead.with_user(self.rep).action_request_solution_review()
        review = self.env["crm.solution.review"].with_user(self.rep).browse(action["res_id"])
        review.write({"summary": "<p>8 台上下料机对接现有贴片线</p>", "risks": "<p>老产线接口为非标协议</p>"})
        review.action_submit()
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

    def _activity_users(self, review):
        activity_type = self.env.ref("crm_sales_process.mail_activity_type_solution_review")
        return review.activity_ids.filtered(lambda activity: activity.activity_type_id == activity_type).user_id

    def test_request_from_the_lead_takes_the_latest_quotation(self):
        action = self.lead.with_user(self.rep).action_request_solution_review()
        review = self.env["crm.solution.review"].browse(action["res_id"])
        self.assertEqual(review.state, "draft")
        self.assertEqual(review.order_id, self.order)
        self.assertEqual(review.partner_id, self.customer)
        self.assertEqual(review.user_id, self.rep)
        self.assertEqual(review.amount_total, self.order.amount_total)
        self.assertRegex(review.name, r"^FASH/\d{4}/\d{4}$")
        self.assertEqual(self.lead.solution_review_count, 1)
        with self.assertRaises(UserError):
            review.with_user(self.rep).action_submit()  # no solution described yet

    def test_approved_only_when_all_three_approved_in_any_order(self):
        for order in (("technical", "legal", "commercial"), ("commercial", "technical", "legal")):
            with self.subTest(order=order):
                review = self._submitted_review()
                self.assertEqual(review.state, "to_review")
                self.assertEqual(
                    set(review.review_ids.mapped("status")), {"pending"}, "All three tiers are asked at once."
                )
                for done, code in enumerate(order, start=1):
                    self._decide(review, code, f"{code} OK")
                    self.assertEqual(self._tier(review, code).status, "approved")
                    self.assertEqual(self._tier(review, code).done_by, self.reviewers[code])
                    expected = "approved" if done == len(order) else "to_review"
                    self.assertEqual(review.state, expected, f"after {order[:done]}")
                self.assertEqual(review.validation_status, "validated")
                self.assertTrue(review.decided_on)

    def test_one_rejection_rejects_with_its_comment(self):
        review = self._submitted_review()
        self._decide(review, "technical", "接口方案可行")
        self._decide(review, "legal", "违约责任条款缺失", approve=False)
        self.assertEqual(review.state, "rejected")
        legal_tier = self._tier(review, "legal")
        self.assertEqual(legal_tier.status, "rejected")
        self.assertEqual(legal_tier.comment, "违约责任条款缺失")
        self.assertTrue(
            any("违约责任条款缺失" in message.body for message in review.message_ids),
            "The rejection and its comment are in the chatter.",
        )
        with self.assertRaises(UserError):
            self._decide(review, "commercial", "Too late")  # a rejected sheet takes no more decisions
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("crm_sales_process.crm_solution_review_report", review.ids)[0]
            .decode()
        )
        self.assertIn("违约责任条款缺失", html)
        self.assertIn('text-danger">Rejected', html)
        # the rep revises and submits again: a fresh round of reviews
        review.with_user(self.rep).action_draft()
        self.assertEqual(review.state, "draft")
        self.assertFalse(review.review_ids)
        review.with_user(self.rep).write({"risks": "<p>补充违约责任条款</p>"})
        review.with_user(self.rep).action_submit()
        self.assertEqual(review.state, "to_review")
        self.assertEqual(set(review.review_ids.mapped("status")), {"pending"})

    def test_only_the_tier_reviewers_decide(self):
        review = self._submitted_review()
        with self.assertRaises(UserError):
            review.with_user(self.rep).validate_tier()
        # the technical reviewer validates: only his tier is approved
        self._decide(review, "technical", "可行")
        self.assertEqual(self._tier(review, "legal").status, "pending")
        # …and cannot slip the legal tier into a comment dialog of his own
        legal_tier = self._tier(review, "legal")
        thief = (
            self.env["comment.wizard"]
            .with_user(self.technical)
            .create(
                {
                    "res_model": review._name,
                    "res_id": review.id,
                    "review_ids": [Command.set(legal_tier.ids)],
                    "validate_reject": "validate",
                    "comment": "Legal OK",
                }
            )
        )
        with self.assertRaises(AccessError):
            thief.add_comment()
        self.assertEqual(legal_tier.status, "pending")
        self.assertEqual(review.state, "to_review")

    def test_salesman_cannot_forge_the_approval(self):
        review = self._submitted_review()
        as_rep = review.with_user(self.rep)
        with self.assertRaises(UserError):
            as_rep.review_ids.write({"status": "approved", "done_by": self.rep.id})
        with self.assertRaises(UserError):
            as_rep.write({"state": "approved"})
        with self.assertRaises(UserError):
            as_rep.write({"summary": "<p>改过的方案</p>"})  # under review: content is frozen
        self._decide(review, "legal", "No", approve=False)
        with self.assertRaises(UserError):
            as_rep.write({"state": "approved"})
        self.assertEqual(review.state, "rejected")
        self.assertEqual(set(review.review_ids.mapped("status")), {"pending", "rejected"})

    def test_checklist_output_done_when_approved(self):
        review = self._submitted_review()
        line = self.checklist(self.lead).filtered(lambda line: line.item_id == self.checklist_item)
        self.assertFalse(line.is_done)
        self._decide(review, "legal", "OK")
        self._decide(review, "technical", "OK")
        self.assertFalse(line.is_done, "Two of three approvals are not enough.")
        self._decide(review, "commercial", "OK")
        self.assertTrue(line.is_done)
        review.action_cancel()
        self.assertFalse(line.is_done, "A cancelled review proves nothing.")

    def test_reviewers_get_a_todo_closed_when_they_decide(self):
        review = self._submitted_review()
        users = self._activity_users(review)
        self.assertLessEqual(self.legal | self.technical | self.manager, users)
        self.assertNotIn(self.rep, users)
        activity = review.activity_ids.filtered(lambda activity: activity.user_id == self.legal)
        self.assertIn(review.name, activity.summary)
        self.assertGreater(activity.date_deadline, fields.Date.today())
        self._decide(review, "legal", "OK")
        users = self._activity_users(review)
        self.assertNotIn(self.legal, users, "The legal tier is decided: no legal reviewer has a to-do left.")
        self.assertLessEqual(self.technical | self.manager, users)
        self.assertTrue(
            review.message_ids.filtered(
                lambda message: message.mail_activity_type_id and message.author_id == self.legal.partner_id
            ),
            "The legal reviewer's to-do is marked done.",
        )
        review.with_user(self.rep).restart_validation()  # withdrawn: nobody has anything to do
        self.assertEqual(review.state, "draft")
        self.assertFalse(self._activity_users(review))
        review.with_user(self.rep).action_submit()
        self.assertIn(self.legal, self._activity_users(review))
        review.with_user(self.rep).action_cancel()
        self.assertFalse(self._activity_users(review))

    def test_decided_tier_closes_the_todos_of_every_member_of_its_group(self):
        legal_2 = new_test_user(
            self.env, login="csp_legal_2", name="Legal Zhao", groups="crm_sales_process.group_legal_reviewer"
        )
        both = new_test_user(
            self.env,
            login="csp_legal_technical",
            name="Legal and Technical Wu",
            groups="crm_sales_process.group_legal_reviewer,crm_sales_process.group_technical_reviewer",
        )
        review = self._submitted_review()
        self.assertIn(legal_2, self._activity_users(review), "Every legal reviewer is asked.")
        todo = review.activity_ids.filtered(lambda activity: activity.user_id == both)
        self.assertIn("Legal review", todo.summary)
        self.assertIn("Technical review", todo.summary)
        self._decide(review, "legal", "合同条款合规")
        self.assertFalse(
            (self.legal | legal_2) & self._activity_users(review),
            "Legal decided: no legal reviewer keeps a to-do for this review.",
        )
        self.assertNotIn("Legal review", todo.summary, "Her to-do now asks only what is left to her.")
        self.assertIn("Technical review", todo.summary)
        self._decide(review, "technical", "OK", approve=False)
        self.assertEqual(review.state, "rejected")
        self.assertFalse(self._activity_users(review), "A rejected review leaves nobody anything to do.")

    def test_sheet_prints_every_decision(self):
        review = self._submitted_review()
        comments = {"legal": "合同条款符合标准模板", "commercial": "毛利率 32%", "technical": "精度满足要求"}
        for code, comment in comments.items():
            self._decide(review, code, comment)
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("crm_sales_process.crm_solution_review_report", review.ids)[0]
            .decode()
        )
        for code, comment in comments.items():
            self.assertIn(comment, html)
            self.assertIn(self.tiers[code].name, html)
            self.assertIn(self.reviewers[code].name, html)
        self.assertIn(self.order.name, html)
        self.assertIn("8 台上下料机对接现有贴片线", html)
        self.assertEqual(html.count('text-success">Approved'), 3, "Each tier's decision is printed.")

    def test_other_salesmen_do_not_see_the_review_but_reviewers_do(self):
        review = self._submitted_review()
        with self.assertRaises(AccessError):
            review.with_user(self.rep_2).check_access("read")
        review.with_user(self.legal).check_access("read")
        review.with_user(self.technical).check_access("read")
