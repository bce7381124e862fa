"""The demo database as a new user finds it (make run, make test): a Chinese company, its customers, its
managers' pipeline, a stage history with real durations. These tests read the demo data."""

import re
from datetime import timedelta
from itertools import pairwise

from lxml import etree

from odoo import Command
from odoo.tests import TransactionCase, tagged
from odoo.tools.safe_eval import safe_eval

from .common import approve_contract

DEMO = "crm_sales_process."
DEMO_USERS = (
    "demo_user_manager",
    "demo_user_senior",
    "demo_user_rep_li",
    "demo_user_rep_zhang",
    "demo_user_rep_liu",
    "demo_user_legal",
    "demo_user_technical",
)
DEMO_CUSTOMERS = (
    "demo_partner_shenzhen",
    "demo_partner_xian",
    "demo_partner_suzhou",
    "demo_partner_hangzhou_food",
    "demo_partner_jiaxing",
    "demo_partner_wuhan",
)
# Odoo's generic English demo companies (base) and the leads of crm's demo
ENGLISH_COMPANIES = (
    "base.res_partner_1",
    "base.res_partner_2",
    "base.res_partner_3",
    "base.res_partner_4",
    "base.res_partner_12",
)
ENGLISH_LEADS = ("crm.crm_case_1", "crm.crm_case_13", "crm.crm_case_32")


def wan(text):
    """'18.5 万元' → 185000.0"""
    return float(text) * 10000


@tagged("post_install", "-at_install")
class TestDemoCompany(TransactionCase):
    def test_company_in_hangzhou_with_yuan_a4_logo_and_letterhead(self):
        company = self.env.ref("base.main_company")
        self.assertEqual(company.name, "杭州恒锐智能装备有限公司")
        self.assertEqual(
            (company.country_id, company.state_id), (self.env.ref("base.cn"), self.env.ref("base.state_cn_ZJ"))
        )
        self.assertEqual(company.city, "杭州市")
        self.assertTrue(company.zip and company.phone.startswith("+86") and company.company_registry)
        self.assertTrue(company.email.endswith("@hengrui-equip.example.com"))
        self.assertEqual(company.currency_id, self.env.ref("base.CNY"))
        self.assertTrue(self.env.ref("base.CNY").active)
        self.assertEqual(company.paperformat_id, self.env.ref("base.paperformat_euro"))
        self.assertEqual(company.paperformat_id.format, "A4")
        self.assertTrue(company.logo)
        self.assertFalse(company.uses_default_logo, "The portal shows the logo, not 'Your logo'.")
        self.assertEqual(company.external_report_layout_id, self.env.ref("web.external_layout_standard"))
        self.assertTrue(company.report_header and company.report_footer)
        self.assertEqual(company.resource_calendar_id.tz, "Asia/Shanghai")
        # printing a quotation goes straight to the PDF, without asking to configure the document layout
        order = self.env.ref(DEMO + "demo_order_shenzhen")
        admin = self.env.ref("base.user_admin")
        action = self.env.ref("sale.action_report_saleorder").with_user(admin).report_action(order)
        self.assertEqual(action["type"], "ir.actions.report")

    def test_people_of_the_company_work_in_china(self):
        users = self.env.ref("base.user_admin") | self.env.ref("base.user_demo")
        for xmlid in DEMO_USERS:
            users |= self.env.ref(DEMO + xmlid)
        self.assertEqual(set(users.mapped("tz")), {"Asia/Shanghai"})
        contacts = self.env.ref("base.main_partner").child_ids
        self.assertTrue(contacts)
        for contact in contacts:
            self.assertRegex(contact.name, r"^[\u4e00-\u9fff]+$", "The company's own contacts are Chinese.")

    def test_no_order_in_us_dollars(self):
        usd = self.env.ref("base.USD")
        self.assertFalse(self.env["sale.order"].search([("currency_id", "=", usd.id)]))
        self.assertFalse(self.env["sale.order.line"].search([("currency_id", "=", usd.id)]))
        for xmlid in ("demo_order_shenzhen", "demo_order_xian", "demo_order_wuhan"):
            self.assertEqual(self.env.ref(DEMO + xmlid).currency_id, self.env.ref("base.CNY"))


@tagged("post_install", "-at_install")
class TestDemoDocumentsAgree(TransactionCase):
    """A quotation's total is what its minutes, solution review, lead and budget say."""

    def test_minutes_amount_is_their_agreed_price(self):
        for xmlid in ("demo_minutes_xian", "demo_minutes_shenzhen"):
            minutes = self.env.ref(DEMO + xmlid)
            with self.subTest(minutes=xmlid):
                (price,) = minutes.term_ids.filtered(lambda t: t.topic == "price" and t.status == "agreed")
                quantity = int(re.search(r"(\d+) 台", price.description).group(1))
                unit_price = wan(re.search(r"单价 ([\d.]+) 万元", price.description).group(1))
                total = wan(re.search(r"合计 ([\d.]+) 万元", price.description).group(1))
                self.assertEqual(quantity * unit_price, total)
                order = minutes.order_id
                self.assertEqual(order.amount_total, total, "The minutes print the quotation's total.")
                self.assertEqual(order.order_line.mapped("product_uom_qty"), [quantity])
                self.assertEqual(order.order_line.mapped("price_unit"), [unit_price])
                self.assertIn("含 13% 增值税", price.description)
                self.assertTrue(order.order_line.tax_id.price_include, "Prices are quoted VAT included.")

    def test_quotations_match_their_review_lead_and_budget(self):
        for xmlid in ("demo_review_shenzhen", "demo_review_xian", "demo_review_wuhan"):
            review = self.env.ref(DEMO + xmlid)
            order, lead = review.order_id, review.lead_id
            with self.subTest(review=xmlid):
                self.assertEqual(order.opportunity_id, lead)
                summary_total = wan(re.search(r"合计 ([\d.]+) 万元", review.summary).group(1))
                self.assertEqual(order.amount_total, summary_total)
                self.assertEqual(
                    order.amount_total, sum(line.product_uom_qty * line.price_unit for line in order.order_line)
                )
                self.assertEqual(lead.expected_revenue, order.amount_total)
                self.assertTrue(lead.budget_min <= order.amount_total <= lead.budget_max)


@tagged("post_install", "-at_install")
class TestDemoCustomers(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.action = cls.env.ref(DEMO + "res_partner_action_customer_information")
        cls.domain = safe_eval(cls.action.domain)
        cls.Partner = cls.env["res.partner"]

    def customers(self):
        return self.Partner.search(self.domain)

    def test_customer_information_lists_the_customers(self):
        customers = self.customers()
        for xmlid in DEMO_CUSTOMERS:
            self.assertIn(self.env.ref(DEMO + xmlid), customers)
        self.assertFalse(customers.filtered("parent_id"), "Companies and individuals, not their contacts.")

    def test_our_company_is_no_customer(self):
        company_partner = self.env.ref("base.main_partner")
        company_partner.customer_rank = 3  # e.g. an invoice to ourselves
        self.assertNotIn(company_partner, self.customers())

    def test_partners_outside_the_sales_process_are_not_customers(self):
        supplier = self.Partner.create({"name": "宁波钢材贸易有限公司", "is_company": True, "supplier_rank": 1})
        self.assertNotIn(supplier, self.customers())
        with_opportunity = self.Partner.create({"name": "温州新客户有限公司", "is_company": True})
        self.env["crm.lead"].create({"name": "新询价", "type": "opportunity", "partner_id": with_opportunity.id})
        with_order = self.Partner.create({"name": "老客户有限公司", "is_company": True})
        order = self.env["sale.order"].create(
            {
                "partner_id": with_order.id,
                "order_line": [Command.create({"product_id": self.env.ref(DEMO + "demo_product_smt_loader").id})],
            }
        )
        self.assertNotIn(with_order, self.customers(), "A quotation alone makes no customer.")
        approve_contract(order).action_confirm()
        invoiced = self.Partner.create({"name": "已开票客户有限公司", "is_company": True})
        invoiced._increase_rank("customer_rank")
        self.assertLessEqual(with_opportunity | with_order | invoiced, self.customers())
        # a customer entered in the list itself stays in it
        typed_in = self.Partner.with_context(**safe_eval(self.action.context)).create({"name": "手工录入客户"})
        self.assertIn(typed_in, self.customers())

    def test_odoo_english_demo_is_archived(self):
        for xmlid in ENGLISH_COMPANIES:
            partner = self.env.ref(xmlid)
            self.assertFalse(partner.active, partner.name)
            self.assertFalse(partner.child_ids, "Their contacts are archived with them.")
        self.assertFalse(self.customers().filtered(lambda p: p.country_id != self.env.ref("base.cn")))
        for xmlid in ENGLISH_LEADS:
            self.assertFalse(self.env.ref(xmlid).active)
        # the pipeline: the demo's Chinese deals, on the standard stages
        leads = self.env["crm.lead"].search([])
        self.assertTrue(leads)
        self.assertTrue(all(leads.stage_id.mapped("is_sales_process")))
        self.assertFalse(leads.filtered(lambda lead: not re.search(r"[\u4e00-\u9fff]", lead.name)))


@tagged("post_install", "-at_install")
class TestDemoManager(TransactionCase):
    def test_manager_works_in_the_teams_she_leads(self):
        manager = self.env.ref(DEMO + "demo_user_manager")
        teams = self.env["crm.team"].search([("user_id", "=", manager.id)])
        self.assertEqual(teams, self.env.ref(DEMO + "demo_team_east") | self.env.ref(DEMO + "demo_team_south"))
        self.assertEqual(manager.crm_team_ids, teams)
        self.assertFalse(
            manager.crm_team_member_ids.filtered(lambda m: not m.assignment_optout),
            "She receives no leads from the assignment rules.",
        )
        # CRM → My Pipeline: her team, no "you are a member of no sales team"
        self.assertEqual(manager.action_id.id, self.env.ref("crm.action_your_pipeline").id)
        action = self.env["crm.team"].with_user(manager).action_your_pipeline()
        self.assertNotIn("member of no Sales Team", action.get("help", ""))
        self.assertEqual(manager.sale_team_id, self.env.ref(DEMO + "demo_team_east"))
        # …opened on her teams' opportunities (her default favorite), not on her own (she has none)
        (favorite,) = [
            f
            for f in self.env["ir.filters"].with_user(manager).get_filters("crm.lead", action["id"])
            if f["is_default"]
        ]
        domain = safe_eval(favorite["domain"], {"uid": manager.id}) + safe_eval(action["domain"])
        opportunities = self.env["crm.lead"].with_user(manager).search(domain)
        self.assertEqual(opportunities.team_id, teams)
        self.assertGreaterEqual(len(opportunities), 10)
        self.assertFalse(self.env["crm.lead"].search([("user_id", "=", manager.id)]))


@tagged("post_install", "-at_install")
class TestDemoStageHistory(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.History = cls.env["crm.lead.stage.history"]
        cls.action = cls.env.ref(DEMO + "crm_lead_stage_history_action")
        cls.domain = safe_eval(cls.action.domain)

    def test_report_measures_are_meaningful(self):
        groups = self.History._read_group(
            self.domain, ["stage_from_id"], ["days_in_stage:avg", "days_in_stage_total:sum", "__count"]
        )
        stages = [stage for stage, _avg, _total, _count in groups]
        self.assertEqual(
            stages,
            [self.env.ref(DEMO + f"crm_stage_{key}") for key in ("lead", "discovery", "solution", "negotiation")],
        )
        for stage, average, total, count in groups:
            with self.subTest(stage=stage.name):
                self.assertGreater(average, 1, "Days, not the seconds of an install.")
                self.assertAlmostEqual(total, average * count, places=2)
        # one aggregate per measure: the average days in the pivot and the graph, no sum of scores
        fields = self.History._fields
        self.assertEqual(
            (
                fields["days_in_stage"].aggregator,
                fields["days_in_stage_total"].aggregator,
                fields["grading_score"].aggregator,
            ),
            ("avg", "sum", "avg"),
        )
        for view in ("crm_lead_stage_history_view_pivot", "crm_lead_stage_history_view_graph"):
            arch = etree.fromstring(self.env.ref(DEMO + view).arch)
            self.assertEqual(arch.xpath("//field[@type='measure']/@name"), ["days_in_stage"])
        self.assertEqual(
            etree.fromstring(self.env.ref(DEMO + "crm_lead_stage_history_view_pivot").arch).get("display_quantity"),
            "1",
            "The pivot counts the moves too.",
        )

    def test_report_shows_the_stages_in_use_only(self):
        archived = self.env["crm.stage"].with_context(active_test=False).search([("active", "=", False)])
        self.assertTrue(archived, "The demo archived the stock stages when it applied the standard ones.")
        migrated = self.History.search([("stage_from_id", "in", archived.ids)])
        self.assertTrue(migrated)
        rows = self.History.search(self.domain)
        self.assertTrue(rows)
        self.assertFalse(rows & migrated)
        self.assertTrue(all((rows.stage_from_id | rows.stage_to_id).mapped("active")))
        self.assertFalse(rows.filtered(lambda row: not row.stage_from_id), "A lead's creation is not a move.")

    def test_demo_history_has_real_durations(self):
        xian = self.env.ref(DEMO + "lead_xian_aero")
        rows = xian.stage_history_ids.sorted("date")
        self.assertEqual(
            rows.stage_to_id.mapped("sequence"), sorted(rows.stage_to_id.mapped("sequence")), "One stage at a time."
        )
        self.assertEqual(len(rows), 5)
        self.assertEqual(rows[0].date, xian.create_date)
        self.assertGreater(rows[-1].date - rows[0].date, timedelta(days=30))
        leads = self.History.search(self.domain).lead_id
        self.assertGreaterEqual(len(leads), 8)
        for lead in leads:
            rows = lead.stage_history_ids.sorted("date")
            with self.subTest(lead=lead.name):
                self.assertEqual(rows[0].date, lead.create_date)
                self.assertEqual(lead.date_last_stage_update, rows[-1].date)
                for previous, row in pairwise(rows):
                    self.assertEqual(row.stage_from_id, previous.stage_to_id)
                    self.assertAlmostEqual(
                        row.days_in_stage, (row.date - previous.date).total_seconds() / 86400, places=2
                    )
