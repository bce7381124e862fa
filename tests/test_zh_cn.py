from lxml import etree

from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import HttpCase, new_test_user, tagged

from .. import _load_extra_translations
from .common import CrmSalesProcessCase

A_CADENCE_ZH = ["第 1 天：致电客户，深入了解需求", "第 3 天：发送量身定制的方案", "第 7 天：与客户面对面会谈"]
A_CADENCE_EN = [
    "Day 1: call the customer and dig into the need",
    "Day 3: send the tailored proposal",
    "Day 7: meet the customer face to face",
]


@tagged("post_install", "-at_install")
class TestChineseUserInterface(HttpCase, CrmSalesProcessCase):
    """A Chinese user reads Chinese: cadence activities, and the approvals of base_tier_validation
    and sale_tier_validation (which ship next to no Chinese: this addon carries it)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("zh_CN")
        # as "load a language" does: the modules in dependency order, ours last
        cls.env["ir.module.module"]._load_module_terms(
            ["base_tier_validation", "sale_tier_validation", "crm_sales_process"], ["zh_CN"], overwrite=True
        )
        cls.rep_zh, cls.rep_en = (
            new_test_user(
                cls.env, login=login, name=name, lang=lang, groups="sales_team.group_sale_salesman,base.group_user"
            )
            for login, name, lang in (("csp_rep_zh", "Rep Zhao", "zh_CN"), ("csp_rep_en", "Rep Evans", "en_US"))
        )
        cls._without_contract_chain()
        cls.env["tier.definition"].create(
            {
                "name": "Manager approval",
                "model_id": cls.env.ref("sale.model_sale_order").id,
                "review_type": "group",
                "reviewer_group_id": cls.env.ref("sales_team.group_sale_manager").id,
                "notify_on_create": True,
            }
        )
        cls.product = cls.env["product.product"].create({"name": "GMC-5 加工中心", "list_price": 1000.0})

    def _order(self, user):
        return (
            self.env["sale.order"]
            .with_user(user)
            .create(
                {
                    "partner_id": self.customer.id,
                    "user_id": user.id,
                    "order_line": [Command.create({"product_id": self.product.id, "product_uom_qty": 1})],
                }
            )
        )

    def test_cadence_speaks_the_language_of_the_user_who_gets_it(self):
        """Graded by someone reading Chinese, an English rep's cadence is English and a Chinese rep's Chinese."""
        leads = (
            self.env["crm.lead"]
            .with_context(lang="zh_CN")
            .create(
                [
                    {
                        "name": owner.name,
                        "user_id": owner.id,
                        "team_id": self.team.id,
                        "grading_line_ids": self._answers(**self.all_levels("high")),
                    }
                    for owner in (self.rep_zh, self.rep_en)
                ]
            )
        )
        zh_lead, en_lead = leads
        self.assertEqual(zh_lead.grade, "a")
        self.assertEqual(zh_lead.activity_ids.sorted("date_deadline").mapped("summary"), A_CADENCE_ZH)
        self.assertEqual(en_lead.activity_ids.sorted("date_deadline").mapped("summary"), A_CADENCE_EN)
        self.assertTrue(
            zh_lead.message_ids.filtered(lambda message: "“A 级跟进节奏”" in message.body),
            "The chatter note names the cadence in the language of the user who graded.",
        )
        plan = self.env.ref("crm_sales_process.mail_activity_plan_grade_a")
        self.assertEqual(plan.with_context(lang="zh_CN").name, "A 级跟进节奏")
        self.assertEqual(plan.with_context(lang="en_US").name, "Grade A cadence")

    def test_sale_order_form_buttons_and_banner_in_chinese(self):
        arch = self.env["sale.order"].with_context(lang="zh_CN").get_view(view_type="form")["arch"]
        doc = etree.fromstring(arch)
        self.assertEqual(doc.xpath("//button[@name='validate_tier']/@string"), ["批准"])
        self.assertEqual(doc.xpath("//button[@name='reject_tier']/@string"), ["驳回"])
        self.assertEqual(doc.xpath("//button[@name='request_validation']/@string"), ["申请审批"])
        banner = " ".join(doc.xpath("//div[hasclass('alert-warning')]//text()"))
        self.assertIn("此单据需要审批", banner)
        self.assertNotIn("validated", banner)
        en = etree.fromstring(self.env["sale.order"].with_context(lang="en_US").get_view(view_type="form")["arch"])
        self.assertEqual(en.xpath("//button[@name='validate_tier']/@string"), ["Validate"])

    def test_order_under_review_reads_chinese(self):
        """Banner, next review, reviews table, chatter and errors of an order under review, for a Chinese rep."""
        # as the web client calls: the user's id and language
        order = self._order(self.rep_zh).with_context(lang="zh_CN")
        with self.assertRaisesRegex(ValidationError, "尚未审批通过"):
            order.action_confirm()
        order.request_validation()
        self.assertEqual(order.validation_status, "pending")
        self.assertIn("此销售订单需要审批", order.to_validate_message)
        self.assertEqual(order.next_review, "下一步：Manager approval")
        review = order.review_ids
        self.assertEqual(review.display_status, "待审批")
        managers = self.env.ref("sales_team.group_sale_manager")
        self.assertEqual(review.todo_by, f"组：{managers.with_context(lang='zh_CN').name}")
        self.assertEqual(
            review.with_context(lang="en_US").todo_by,
            f"Group {managers.with_context(lang='en_US').name}",
            "Each reader sees who the review waits for in his language.",
        )
        self.assertTrue(order.message_ids.filtered(lambda message: "创建了一条待审核的记录" in message.body))
        with self.assertRaisesRegex(ValidationError, "尚未审批通过.*下一步：Manager approval"):
            order.action_confirm()
        self.assertEqual(order.state, "draft")

    def test_reviewer_menu_and_print_block_in_chinese(self):
        """The systray names the documents to review, and a blocked print says why, in Chinese."""
        manager_zh = new_test_user(
            self.env, login="csp_manager_zh", lang="zh_CN", groups="sales_team.group_sale_manager,base.group_user"
        )
        order = self._order(self.rep_zh).with_context(lang="zh_CN")
        order.request_validation()
        to_review = self.env["res.users"].with_user(manager_zh).with_context(lang="zh_CN").review_user_count()
        self.assertEqual({group["model"]: group["name"] for group in to_review}["sale.order"], "销售订单")
        self.company.sale_report_print_block = True
        with self.assertRaisesRegex(UserError, "订单审批通过之前不能打印报价单"):
            self.env["report.sale.report_saleorder"].with_context(lang="zh_CN")._get_report_values(order.ids)

    def test_install_replaces_the_wrong_chinese_of_base_tier_validation(self):
        """Installed after base_tier_validation, the addon's Chinese still wins (its own zh_CN.po
        names the approval subtypes "Tier Validation (abstract)"; Odoo keeps what it loaded first)."""
        subtype = self.env.ref("base_tier_validation.mt_tier_validation_accepted").with_context(lang="zh_CN")
        subtype.name = "多层级审批（抽象）"
        _load_extra_translations(self.env)
        self.assertEqual(subtype.name, "审批通过通知")

    def test_web_client_gets_the_review_widget_terms_in_chinese(self):
        """The review table's headers (OWL template of base_tier_validation) come translated to the browser."""
        response = self.url_open("/web/webclient/translations/1?lang=zh_CN&mods=crm_sales_process")
        messages = {m["id"]: m["string"] for m in response.json()["modules"]["crm_sales_process"]["messages"]}
        self.assertEqual(messages.get("Todo by"), "待审批人")
        self.assertEqual(messages.get("No reviews to do."), "没有待审批的项目。")
