from lxml import etree

from odoo import Command
from odoo.addons.crm_sales_process import post_init_hook
from odoo.tests import Form, tagged

from .common import CrmSalesProcessCase


@tagged("post_install", "-at_install")
class TestLeadMisc(CrmSalesProcessCase):
    def test_mark_invalid_uses_the_invalid_lead_reason(self):
        lead = self._create_lead(answers=self.all_levels("low"))
        action = lead.with_user(self.rep).action_mark_invalid()
        reason = self.env.ref("crm_sales_process.crm_lost_reason_invalid_lead")
        self.assertEqual(action["res_model"], "crm.lead.lost")
        wizard_form = Form(self.env["crm.lead.lost"].with_user(self.rep).with_context(**action["context"]))
        self.assertEqual(wizard_form.lost_reason_id, reason)
        wizard_form.save().action_lost_reason_apply()
        self.assertFalse(lead.active)
        self.assertEqual(lead.lost_reason_id, reason)

    def test_grade_drives_team_assignment(self):
        """A member whose assignment domain asks for grade A receives the A leads."""
        senior = self.rep
        junior = self.rep_2
        team = self.env["crm.team"].create(
            {
                "name": "Assignment team",
                "crm_team_member_ids": [
                    Command.create(
                        {"user_id": senior.id, "assignment_domain": "[('grade', '=', 'a')]", "assignment_max": 300}
                    ),
                    Command.create(
                        {
                            "user_id": junior.id,
                            "assignment_domain": "[('grade', 'in', ['b', 'c'])]",
                            "assignment_max": 300,
                        }
                    ),
                ],
            }
        )
        a_leads = self.env["crm.lead"]
        other_leads = self.env["crm.lead"]
        for level in ("high", "high", "medium", "low"):
            lead = self._create_lead(
                answers=self.all_levels(level),
                team_id=team.id,
                user_id=False,
                partner_id=False,
                email_from=f"{level}{len(a_leads | other_leads)}@x.cn",
            )
            if level == "high":
                a_leads |= lead
            else:
                other_leads |= lead
        team._assign_and_convert_leads(force_quota=True)
        self.assertEqual(a_leads.user_id, senior)
        self.assertEqual(other_leads.user_id, junior)

    def test_assessment_report_shows_the_breakdown(self):
        lead = self._create_lead(answers={**self.all_levels("high"), "intent": "medium"})
        html, _fmt = self.env["ir.actions.report"]._render_qweb_html(
            "crm_sales_process.crm_lead_assessment_report", lead.ids
        )
        html = html.decode()
        page = etree.fromstring(html, etree.HTMLParser())

        def text(element):
            return " ".join("".join(element.itertext()).split())

        answers = {
            text(row[0]): (text(row[1]), text(row[2]))
            for row in page.xpath("//table[contains(@class, 'o_csp_grading')]/tbody/tr")
        }
        self.assertEqual(len(answers), len(self.criteria))
        self.assertEqual(answers[self.criteria["intent"].name], (self.options["intent", "medium"].name, "6"))
        self.assertEqual(answers[self.criteria["urgency"].name], (self.options["urgency", "high"].name, "30"))
        score = page.xpath("//th[normalize-space()='Score']/following-sibling::td[1]")[0]
        self.assertEqual(text(score), "96 / 100")  # 30+25+20+15+6
        grade = page.xpath("//th[normalize-space()='Grade']/following-sibling::td[1]")[0]
        self.assertEqual(text(grade), "A")
        self.assertIn("Noto Sans CJK SC", html, "The report asks for a CJK font.")
        self.assertIn(lead.user_id.name, html)

    def test_new_lead_form_offers_every_question(self):
        form = Form(self.env["crm.lead"].with_user(self.rep))
        form.name = "Form lead"
        self.assertEqual(len(form.grading_line_ids), len(self.criteria))
        with form.grading_line_ids.edit(0) as line:
            line.option_id = self.options[line.criterion_id.code, "high"]
        lead = form.save()
        self.assertEqual(len(lead.grading_line_ids), len(self.criteria))
        self.assertEqual(lead.grading_score, 30)

    def test_install_hook_grades_existing_leads(self):
        lead = self._create_lead()
        lead.grading_line_ids.unlink()
        self.assertFalse(lead.grading_line_ids)
        post_init_hook(self.env)
        self.assertEqual(len(lead.grading_line_ids), len(self.criteria))


@tagged("post_install", "-at_install")
class TestLeadForm(CrmSalesProcessCase):
    def test_smart_buttons_follow_the_process(self):
        """Checklist, needs, quotations, reviews, minutes, orders come first, before core's buttons."""
        arch = self.env["crm.lead"].with_user(self.rep).get_views([(False, "form")])["views"]["form"]["arch"]
        box = etree.fromstring(arch).xpath("//div[@name='button_box']")[0]
        names = [button.get("name") for button in box.iterchildren("button")]
        self.assertEqual(
            names[:7],
            [
                "action_open_checklist",
                "action_open_needs",
                "action_view_sale_quotation",
                "action_view_solution_reviews",
                "action_open_negotiation_minutes",
                "action_view_sale_order",
                "action_schedule_meeting",
            ],
        )
