import io
from datetime import datetime, timedelta

from lxml import etree
from lxml import html as lxml_html

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import tagged
from odoo.tools import SQL
from odoo.tools.pdf import PdfFileReader

from .common import CrmSalesProcessCase

SHEET = "crm_sales_process.crm_lead_followup_sheet_report"
# The first call at 14:30 in Suzhou, the visit at 10:00 (Asia/Shanghai is UTC+8).
CALL_UTC = datetime(2025, 3, 4, 6, 30)
VISIT_UTC = datetime(2025, 3, 10, 2, 0)


@tagged("post_install", "-at_install")
class TestFollowupSheet(CrmSalesProcessCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.rep.tz = "Asia/Shanghai"
        cls.manager.tz = "UTC"
        cls.industry = cls.env["res.partner.industry"].create({"name": "Test 精密制造"})
        cls.customer.write({"is_company": True, "industry_id": cls.industry.id, "phone": "0512-6666 0000"})
        Partner = cls.env["res.partner"]
        cls.director = Partner.create(
            {
                "name": "周建国",
                "parent_id": cls.customer.id,
                "function": "生产总监",
                "decision_role": "decision_maker",
                "phone": "138 0000 0001",
                "email": "zhou@suzhou.example.cn",
            }
        )
        cls.engineer = Partner.create(
            {"name": "吴工", "parent_id": cls.customer.id, "function": "设备工程师", "decision_role": "user"}
        )
        cls.source = cls.env["utm.source"].create({"name": "Test 工业博览会"})

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------

    def _documented_lead(self, **vals):
        """A lead as discovery and two follow-ups leave it: needs, decision chain, budget, next steps."""
        lead = self._create_lead(
            source_id=self.source.id,
            budget_min=500000,
            budget_max=800000,
            pain_points="换型停机 3-4 小时",
            **vals,
        )
        Need = self.env["crm.lead.need"]
        Need.create({"lead_id": lead.id, "need_type": "potential", "description": "后续新工厂同样方案"})
        Need.create({"lead_id": lead.id, "need_type": "rigid", "description": "换型时间缩短到 1 小时以内\n细节见附件"})
        Need.create({"lead_id": lead.id, "description": "已取消的需求"}).action_cancel()
        Followup = self.env["crm.lead.followup"].with_user(self.rep)
        Followup.create(
            {
                "lead_id": lead.id,
                "date": CALL_UTC,
                "channel": "call",
                "content": "首次电话沟通, 了解换型问题",
                "reaction": "positive",
                "reaction_reason": "对自动换型很感兴趣",
                "next_action": "寄送测试数据",
                "next_date": "2025-03-11",
            }
        )
        Followup.create(
            {
                "lead_id": lead.id,
                "date": VISIT_UTC,
                "channel": "visit",
                "content": "现场拜访生产总监, 参观车间",
                "reaction": "neutral",
                "reaction_reason": "需要内部讨论预算",
                "next_action": "提交初步方案",
                "next_date": "2025-03-20",
                "next_user_id": self.manager.id,
            }
        )
        return lead

    def _stall(self, lead):
        lead.stage_id.max_days = 7
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "UPDATE crm_lead SET date_last_stage_update = %s WHERE id = %s",
                fields.Datetime.now() - timedelta(days=10),
                lead.id,
            )
        )
        self.env.invalidate_all()

    def _render(self, leads, user=None):
        """The sheet's HTML as ``user`` prints it, and the text of each lead's page, whitespace collapsed."""
        html = self.env["ir.actions.report"].with_user(user or self.rep)._render_qweb_html(SHEET, leads.ids)[0].decode()
        pages = lxml_html.document_fromstring(html).xpath("//div[contains(@class, 'o_csp_followup_sheet')]")
        return html, [" ".join(page.text_content().split()) for page in pages]

    # ------------------------------------------------------------------
    # The printed sheet
    # ------------------------------------------------------------------

    def test_sheet_prints_every_section_of_the_lead(self):
        lead = self._documented_lead()
        self._stall(lead)
        html, [page] = self._render(lead)
        self.assertIn("Noto Sans CJK SC", html, "The sheet asks for a CJK font.")
        expected = {
            "title": f"Sales Follow-up Sheet: {lead.name}",
            "company": f"Company {self.company.name}",
            "customer": "Customer 苏州精密机械",
            "industry": "Industry Test 精密制造",
            "contact and role": "Contact 周建国 (生产总监) Role Decision maker",
            "contact channel": "Phone 138 0000 0001 Email zhou@suzhou.example.cn",
            "source": "Source Test 工业博览会",
            "owner": "Salesperson Rep Wang",
            "stage": f"Current stage {lead.stage_id.name}",
            "stage status": f"Stage outputs done {lead.checklist_progress} % Stalled",
            "last follow-up": "Last follow-up 2025-03-10 10:00 (Asia/Shanghai)",
            "pain points": "Pain points 换型停机 3-4 小时",
            "needs, must-haves first": "Rigid (must have) 换型时间缩短到 1 小时以内 细节见附件 "
            "Potential 后续新工厂同样方案",
            "decision chain": "周建国 生产总监 Decision maker 吴工 设备工程师 User",
            "budget": "500,000.00",
            "next step, the earliest open activity": "What To-Do: 寄送测试数据 By 03/11/2025 Owner Rep Wang",
            "first follow-up": "2025-03-04 14:30 (Asia/Shanghai) Rep Wang Call 首次电话沟通, 了解换型问题 "
            "Positive 对自动换型很感兴趣 寄送测试数据",
            "second follow-up": "2025-03-10 10:00 (Asia/Shanghai) Rep Wang Visit 现场拜访生产总监, 参观车间 "
            "Neutral 需要内部讨论预算 提交初步方案",
        }
        for section, text in expected.items():
            with self.subTest(section=section):
                self.assertIn(text, page)
        self.assertIn("800,000.00", page)
        self.assertIn("Printed on", page)
        self.assertNotIn("已取消的需求", page, "A cancelled need is no need.")
        self.assertLess(page.index("首次电话沟通"), page.index("现场拜访"), "Follow-ups in the order they happened.")

    def test_sheet_of_a_bare_lead_says_what_is_missing(self):
        lead = self._create_lead(
            partner_id=False, partner_name="上海申达物流", contact_name="刘经理", phone="021-5555 0000"
        )
        _html, [page] = self._render(lead)
        self.assertIn("Customer 上海申达物流", page, "The company named on the lead.")
        self.assertIn("Contact 刘经理", page)
        self.assertIn("Phone 021-5555 0000", page)
        for text in (
            "Not known yet",
            "No need recorded yet.",
            "Nobody of the decision chain is known yet.",
            "No next step planned.",
            "No follow-up logged yet.",
            "Last follow-up None yet",
        ):
            self.assertIn(text, page)
        self.assertNotIn("Stalled", page)

    def test_sheet_of_two_leads_prints_one_page_each(self):
        first = self._documented_lead(name="Line upgrade")
        buyer = self.env["res.partner"].create({"name": "孙女士", "decision_role": "influencer"})
        second = self._create_lead(name="Spare parts", partner_id=buyer.id)
        self._stall(first)
        _html, pages = self._render(first | second)
        self.assertEqual(len(pages), 2)
        self.assertIn("Sales Follow-up Sheet: Line upgrade", pages[0])
        self.assertIn("现场拜访生产总监", pages[0])
        self.assertIn("Stalled", pages[0])
        self.assertIn("Sales Follow-up Sheet: Spare parts", pages[1])
        self.assertIn("Contact 孙女士 Role Influencer", pages[1], "No decision maker known: the lead's contact.")
        self.assertNotIn("现场拜访生产总监", pages[1])
        self.assertNotIn("Stalled", pages[1])

    def test_times_are_printed_in_the_readers_zone(self):
        lead = self._documented_lead()
        _html, [shanghai] = self._render(lead, user=self.rep)
        self.assertIn("2025-03-04 14:30 (Asia/Shanghai)", shanghai)
        self.assertNotIn("06:30", shanghai)
        _html, [utc] = self._render(lead, user=self.manager)
        self.assertIn("2025-03-04 06:30 (UTC)", utc)
        self.assertNotIn("14:30", utc)

    def test_sheet_is_a_real_pdf(self):
        """Printed by wkhtmltopdf as in production (under tests Odoo renders HTML unless forced)."""
        Report = self.env["ir.actions.report"]
        self.assertEqual(Report.get_wkhtmltopdf_state(), "ok", "wkhtmltopdf is installed on this server.")
        leads = self._create_lead(name="Pump station") | self._create_lead(name="Boiler retrofit")
        pdf, report_type = (
            Report.with_user(self.rep).with_context(force_report_rendering=True)._render_qweb_pdf(SHEET, leads.ids)
        )
        self.assertEqual(report_type, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF-"))
        self.assertEqual(len(PdfFileReader(io.BytesIO(pdf)).pages), 2, "One page per lead.")

    def test_salesman_cannot_print_another_reps_lead(self):
        lead = self._documented_lead()
        with self.assertRaises(AccessError):
            self._render(lead, user=self.rep_2)
        with self.assertRaises(AccessError):
            lead.with_user(self.rep_2).read(["followup_sheet_needs", "followup_sheet_next_step"])
        _html, [page] = self._render(lead, user=self.manager)
        self.assertIn("现场拜访生产总监", page, "The sales manager prints his team's leads.")

    def test_print_menu_of_leads_offers_the_sheet(self):
        report = self.env.ref(SHEET)
        for view_type in ("form", "list"):
            toolbar = self.env["crm.lead"].with_user(self.rep).get_views([(False, view_type)], {"toolbar": True})
            prints = toolbar["views"][view_type]["toolbar"]["print"]
            self.assertIn(report.id, [action["id"] for action in prints], f"Print menu of the {view_type} view")

    # ------------------------------------------------------------------
    # The list
    # ------------------------------------------------------------------

    def test_list_columns_of_a_documented_lead(self):
        lead = self._documented_lead()
        values = lead.with_user(self.rep).read(
            [
                "followup_sheet_customer",
                "followup_sheet_industry_id",
                "followup_sheet_contact_name",
                "followup_sheet_contact_role",
                "followup_sheet_phone",
                "followup_sheet_email",
                "followup_sheet_decision_makers",
                "followup_sheet_needs",
                "followup_sheet_next_step",
                "followup_sheet_next_date",
                "followup_sheet_next_user_id",
                "followup_count",
                "last_followup_date",
            ]
        )[0]
        self.assertEqual(values["followup_sheet_customer"], "苏州精密机械")
        self.assertEqual(values["followup_sheet_industry_id"][0], self.industry.id)
        self.assertEqual(values["followup_sheet_contact_name"], "周建国")
        self.assertEqual(values["followup_sheet_contact_role"], "decision_maker")
        self.assertEqual(values["followup_sheet_phone"], "138 0000 0001")
        self.assertEqual(values["followup_sheet_email"], "zhou@suzhou.example.cn")
        self.assertEqual(values["followup_sheet_decision_makers"], "周建国 (生产总监)")
        self.assertEqual(values["followup_sheet_needs"], "换型时间缩短到 1 小时以内; 后续新工厂同样方案")
        self.assertEqual(values["followup_sheet_next_step"], "To-Do: 寄送测试数据")
        self.assertEqual(values["followup_sheet_next_date"], fields.Date.to_date("2025-03-11"))
        self.assertEqual(values["followup_sheet_next_user_id"][0], self.rep.id)
        self.assertEqual(values["followup_count"], 2)
        self.assertEqual(values["last_followup_date"], VISIT_UTC)
        columns = ["followup_sheet_customer", "followup_sheet_contact_name", "followup_sheet_needs"]
        exported = lead.with_user(self.env.ref("base.user_admin")).export_data(columns)["datas"]
        self.assertEqual(exported, [["苏州精密机械", "周建国", "换型时间缩短到 1 小时以内; 后续新工厂同样方案"]])

        # the first step is done: the next one is the visit's, by its owner
        lead.followup_ids.filtered(lambda followup: followup.date == CALL_UTC).next_activity_id.unlink()
        lead.invalidate_recordset()
        self.assertEqual(lead.followup_sheet_next_step, "To-Do: 提交初步方案")
        self.assertEqual(lead.followup_sheet_next_user_id, self.manager)
        # nothing open: no next step, whatever the follow-ups once planned
        lead.activity_ids.unlink()
        lead.invalidate_recordset()
        self.assertFalse(lead.followup_sheet_next_step or lead.followup_sheet_next_date)

    def test_contact_is_the_decision_maker_else_the_leads_contact(self):
        lead = self._create_lead(partner_id=self.engineer.id)
        self.assertEqual(lead.followup_sheet_contact_id, self.director, "The chain's decision maker comes first.")
        lead.stakeholder_ids.filtered(lambda line: line.role == "decision_maker").unlink()
        lead.invalidate_recordset()
        self.assertEqual(lead.followup_sheet_contact_id, self.engineer, "Else the person the lead is with.")
        self.assertEqual(lead.followup_sheet_contact_role, "user")
        self.assertFalse(lead.followup_sheet_decision_makers)
        self.assertEqual(lead.followup_sheet_phone, lead.phone or False, "The engineer has no phone: the lead's.")

    def test_list_is_its_own_view_under_reporting(self):
        view = self.env.ref("crm_sales_process.crm_lead_view_list_followup_sheet")
        default = self.env["crm.lead"].get_views([(False, "list")])["views"]["list"]["id"]
        self.assertNotEqual(default, view.id, "Core's list stays the default list of leads.")
        action = self.env.ref("crm_sales_process.crm_lead_followup_sheet_action")
        self.assertEqual(action.view_ids.sorted("sequence")[:1].view_id, view)
        self.assertEqual(action.search_view_id, self.env.ref("crm.view_crm_case_opportunities_filter"))
        menu = self.env.ref("crm_sales_process.crm_lead_followup_sheet_menu")
        self.assertEqual((menu.parent_id, menu.action), (self.env.ref("crm.crm_menu_report"), action))
        self.assertEqual(action.domain, "[('type', '=', 'opportunity')]")

    def test_list_costs_the_same_for_3_or_12_leads(self):
        """The web client's read of the list: no query per row."""
        leads = self.env["crm.lead"]
        for index in range(12):
            customer = self.env["res.partner"].create(
                {"name": f"Test 客户 {index}", "is_company": True, "industry_id": self.industry.id}
            )
            self.env["res.partner"].create(
                {"name": f"决策人 {index}", "parent_id": customer.id, "decision_role": "decision_maker"}
            )
            leads |= self._documented_lead(name=f"Lead {index}", partner_id=customer.id)
        Lead = self.env["crm.lead"].with_user(self.rep)
        view = self.env.ref("crm_sales_process.crm_lead_view_list_followup_sheet")
        arch = Lead.get_views([(view.id, "list")])["views"]["list"]["arch"]
        specification = {
            name: {"fields": {"display_name": {}}} if Lead._fields[name].type == "many2one" else {}
            for name in etree.fromstring(arch).xpath("//field/@name")
        }
        self.assertIn("followup_sheet_next_step", specification)

        def read_list(records):
            result = Lead.web_search_read([("id", "in", records.ids)], specification)
            self.assertEqual(result["length"], len(records))

        read_list(leads)  # warm the caches the ORM keeps between requests
        three = self.count_queries(lambda: read_list(leads[:3]))
        twelve = self.count_queries(lambda: read_list(leads))
        self.assertEqual(three, twelve, "The list costs the same queries for 3 or 12 leads.")
        self.assertLess(twelve, 40)
