from psycopg2 import IntegrityError

from odoo import Command, fields
from odoo.exceptions import AccessError, RedirectWarning, UserError, ValidationError
from odoo.tests import Form, tagged
from odoo.tools import mute_logger

from .common import CrmSalesProcessCase

SPIN = {
    "spin_situation": "两条数控加工线, 三班倒",
    "spin_problem": "换型停机 3-4 小时",
    "spin_implication": "每月加班费约 8 万元",
    "spin_need_payoff": "换型降到 1 小时以内",
}


@tagged("post_install", "-at_install")
class TestNeeds(CrmSalesProcessCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer.is_company = True
        Partner = cls.env["res.partner"]
        cls.director = Partner.create(
            {"name": "周建国", "parent_id": cls.customer.id, "function": "生产总监", "decision_role": "decision_maker"}
        )
        cls.engineer = Partner.create(
            {"name": "吴工", "parent_id": cls.customer.id, "function": "设备工程师", "decision_role": "user"}
        )
        cls.assistant = Partner.create({"name": "小李", "parent_id": cls.customer.id, "function": "前台"})
        cls.stranger = Partner.create({"name": "Another company's buyer"})
        cls.tag_cost = cls.env["crm.need.tag"].create({"name": "Test 降本"})
        cls.stage = {
            code: cls.env.ref(f"crm_sales_process.crm_stage_{code}")
            for code in ("lead", "discovery", "solution", "negotiation")
        }
        cls.env["crm.sales.stage.apply"]._apply_default_mapping()
        cls.source = cls.env["utm.source"].create({"name": "Trade show"})

    def _need(self, lead, **vals):
        return (
            self.env["crm.lead.need"]
            .with_user(self.rep)
            .create({"lead_id": lead.id, "description": "换型时间缩短到 1 小时以内", **vals})
        )

    def _confirm(self, needs, method="email", person=None):
        """What the rep does: Confirm, then fill in the wizard."""
        action = needs.with_user(self.rep).action_open_confirm()
        form = Form(self.env[action["res_model"]].with_user(self.rep).with_context(**action["context"]))
        form.confirmation_method = method
        form.confirmed_by_id = person or self.director
        form.save().action_confirm()

    def _line(self, lead, evidence):
        line = self.checklist(lead).filtered(lambda line: line.evidence == evidence)
        line.invalidate_recordset(["is_done"])
        return line

    # ------------------------------------------------------------------
    # Needs
    # ------------------------------------------------------------------

    def test_rep_records_and_confirms_needs(self):
        lead = self._create_lead()
        need = self._need(lead, need_type="rigid", tag_ids=[Command.set(self.tag_cost.ids)])
        self.assertRegex(need.code, r"^XQ-\d{5}$")
        self.assertEqual(need.state, "draft")
        self.env.cr.precommit.run()  # the need was saved: changes from now on are tracked
        self._confirm(need, method="meeting")
        self.assertEqual(need.state, "confirmed")
        self.assertEqual(need.confirmation_method, "meeting")
        self.assertEqual(need.confirmed_by_id, self.director)
        self.assertEqual(need.confirmed_date, fields.Date.context_today(need))
        self.env.cr.precommit.run()  # tracking is written when the transaction ends
        need.invalidate_recordset(["message_ids"])
        self.assertTrue(
            need.sudo().message_ids.tracking_value_ids.filtered(lambda value: value.field_id.name == "state"),
            "The confirmation shows in the need's history.",
        )

    def test_confirmed_need_says_how_who_and_when(self):
        lead = self._create_lead()
        # server code (an import script, a migration) is held to it too
        with self.assertRaises(ValidationError):
            self.env["crm.lead.need"].create(
                {
                    "lead_id": lead.id,
                    "description": "换型时间缩短到 1 小时以内",
                    "state": "confirmed",
                    "confirmed_by_id": self.director.id,
                    "confirmed_date": "2024-03-20",
                }
            )
        need = self._need(lead)
        with self.assertRaises(ValidationError):
            need.sudo().write({"state": "confirmed", "confirmation_method": "email"})
        self.assertEqual(need.state, "draft")

    def test_confirmer_is_one_of_the_customers_people(self):
        need = self._need(self._create_lead())
        with self.assertRaises(ValidationError):
            self._confirm(need, person=self.stranger)
        self.assertEqual(need.state, "draft")

    def test_signature_cannot_be_claimed_by_hand(self):
        lead = self._create_lead()
        need = self._need(lead)
        with self.assertRaises(UserError):
            need.with_user(self.rep).write(
                {
                    "state": "confirmed",
                    "confirmation_method": "signature",
                    "confirmed_by_id": self.director.id,
                    "confirmed_date": "2024-03-20",
                }
            )
        with self.assertRaises(UserError):
            self._need(
                lead,
                state="confirmed",
                confirmation_method="signature",
                confirmed_by_id=self.director.id,
                confirmed_date="2024-03-20",
            )
        # a context key from a client is plain JSON, not the guard
        with self.assertRaises(UserError):
            need.with_user(self.rep).with_context(crm_need_confirmation=True).write(
                {"confirmation_method": "signature"}
            )
        self.assertEqual(need.state, "draft")
        # what the signed confirmation list does
        need._mark_confirmed("signature", self.director, fields.Date.today())
        self.assertEqual((need.state, need.confirmation_method), ("confirmed", "signature"))

    def test_confirmed_need_changes_only_after_reset(self):
        need = self._need(self._create_lead(), need_type="rigid")
        self._confirm(need)
        for vals in ({"description": "随便改"}, {"need_type": "potential"}, {"confirmed_by_id": self.engineer.id}):
            with self.assertRaises(UserError) as caught:
                need.with_user(self.rep).write(vals)
            self.assertIn("reset", str(caught.exception).lower())
        with self.assertRaises(UserError):
            need.with_user(self.rep).unlink()
        need.with_user(self.rep).write({"priority": "2", "tag_ids": [Command.set(self.tag_cost.ids)]})
        need.with_user(self.rep).action_reset()
        self.assertEqual(need.state, "draft")
        self.assertFalse(need.confirmation_method or need.confirmed_by_id or need.confirmed_date)
        need.with_user(self.rep).write({"description": "换型时间缩短到 45 分钟"})
        self.assertEqual(need.description, "换型时间缩短到 45 分钟")

    def test_each_company_numbers_its_own_needs(self):
        other_company = self.env["res.company"].create({"name": "成都分公司"})
        self.rep.company_ids |= other_company
        first = self._need(self._create_lead())
        second = self._need(self._create_lead())
        other_lead = self._create_lead(company_id=other_company.id, team_id=False)
        other = self._need(other_lead)
        number = int(first.code[3:])
        self.assertEqual(second.code, f"XQ-{number + 1:05d}")
        self.assertEqual(other.code, "XQ-00001", "The new company starts its own numbering.")
        self.assertEqual(other.company_id, other_company)
        sequences = self.env["ir.sequence"].search([("code", "=", "crm.lead.need")])
        self.assertIn(other_company, sequences.company_id)

    # ------------------------------------------------------------------
    # SPIN and budget
    # ------------------------------------------------------------------

    def test_budget_range_must_be_in_order(self):
        lead = self._create_lead(budget_min=500000, budget_max=800000)
        with self.assertRaises(ValidationError) as caught:
            lead.with_user(self.rep).write({"budget_min": 900000})
        self.assertIn("correct the budget range", str(caught.exception))
        lead.invalidate_recordset()
        self.assertEqual((lead.budget_min, lead.budget_max), (500000, 800000), "Nothing changed.")
        with self.assertRaises(ValidationError):
            self._create_lead(budget_min=-1)

    # ------------------------------------------------------------------
    # Decision chain
    # ------------------------------------------------------------------

    def test_decision_chain_comes_from_the_customers_contacts(self):
        lead = self._create_lead()
        chain = {(line.partner_id, line.role, line.department) for line in lead.stakeholder_ids}
        self.assertEqual(chain, {(self.director, "decision_maker", "生产总监"), (self.engineer, "user", "设备工程师")})
        # a customer set later fills an empty chain too
        later = self._create_lead(partner_id=False)
        self.assertFalse(later.stakeholder_ids)
        later.with_user(self.rep).partner_id = self.director
        self.assertEqual(later.stakeholder_ids.partner_id, self.director | self.engineer)

    def test_decision_chain_is_not_overwritten_and_reloads_on_demand(self):
        lead = self._create_lead()
        lead.stakeholder_ids.filtered(lambda line: line.partner_id == self.engineer).unlink()
        lead.stakeholder_ids.attitude = "supporter"
        boss = self.env["res.partner"].create(
            {"name": "钱总", "parent_id": self.customer.id, "decision_role": "decision_maker"}
        )
        lead.with_user(self.rep).write({"partner_id": self.customer.id, "name": "Renamed"})
        self.assertEqual(lead.stakeholder_ids.partner_id, self.director, "A chain the rep edited is left alone.")
        lead.with_user(self.rep).action_load_decision_chain()
        self.assertEqual(lead.stakeholder_ids.partner_id, self.director | self.engineer | boss)
        self.assertEqual(
            lead.stakeholder_ids.filtered(lambda line: line.partner_id == self.director).attitude, "supporter"
        )
        with self.assertRaises(UserError):
            lead.with_user(self.rep).action_load_decision_chain()

    def test_a_person_is_listed_once(self):
        lead = self._create_lead()
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"), self.cr.savepoint():
            self.env["crm.lead.stakeholder"].create({"lead_id": lead.id, "partner_id": self.director.id})

    def test_merged_lead_keeps_needs_and_decision_chain(self):
        head = self._create_lead(name="Head")
        tail = self._create_lead(name="Tail")
        outsider = self.env["res.partner"].create({"name": "设计院 顾问", "decision_role": "influencer"})
        tail.stakeholder_ids = [Command.create({"partner_id": outsider.id, "role": "influencer"})]
        need = self._need(tail)
        self._confirm(need)
        merged = (head | tail).merge_opportunity()
        self.assertEqual(merged, head)
        self.assertEqual(need.lead_id, head)
        self.assertEqual(need.state, "confirmed", "The customer's confirmation is kept.")
        self.assertEqual(head.stakeholder_ids.partner_id, self.director | self.engineer | outsider)

    # ------------------------------------------------------------------
    # Access
    # ------------------------------------------------------------------

    def test_salesman_sees_needs_and_chain_of_his_leads_only(self):
        lead = self._create_lead()
        need = self._need(lead)
        Need = self.env["crm.lead.need"].with_user(self.rep_2)
        Stakeholder = self.env["crm.lead.stakeholder"].with_user(self.rep_2)
        self.assertFalse(Need.search([("lead_id", "=", lead.id)]))
        self.assertFalse(Stakeholder.search([("lead_id", "=", lead.id)]))
        with self.assertRaises(AccessError):
            need.with_user(self.rep_2).read(["description"])
        with self.assertRaises(AccessError):
            Need.create({"lead_id": lead.id, "description": "Not my lead"})
        self.assertTrue(self.env["crm.lead.need"].with_user(self.manager).search([("lead_id", "=", lead.id)]))

    # ------------------------------------------------------------------
    # Checklist and gate
    # ------------------------------------------------------------------

    def test_checklist_items_follow_the_evidence(self):
        lead = self._create_lead(partner_id=False)
        stakeholders, needs_confirmed = self._line(lead, "stakeholders"), self._line(lead, "needs_confirmed")
        spin, budget = self._line(lead, "spin"), self._line(lead, "budget")
        self.assertFalse(stakeholders.is_done or needs_confirmed.is_done or spin.is_done or budget.is_done)

        lead.write({"partner_id": self.customer.id})
        self.assertTrue(self._line(lead, "stakeholders").is_done, "The customer's decision maker was loaded.")
        lead.stakeholder_ids.filtered(lambda line: line.role == "decision_maker").role = "influencer"
        self.assertFalse(self._line(lead, "stakeholders").is_done)

        first, second = self._need(lead), self._need(lead, need_type="potential")
        self._confirm(first)
        self.assertFalse(self._line(lead, "needs_confirmed").is_done, "One need is still to confirm.")
        second.with_user(self.rep).action_cancel()
        self.assertTrue(self._line(lead, "needs_confirmed").is_done, "Cancelled needs need no confirmation.")

        lead.write({**SPIN, "spin_need_payoff": " "})
        self.assertFalse(self._line(lead, "spin").is_done)
        lead.write({"spin_need_payoff": SPIN["spin_need_payoff"], "budget_max": 800000})
        self.assertTrue(self._line(lead, "spin").is_done)
        self.assertTrue(self._line(lead, "budget").is_done)

    def test_gate_keeps_a_lead_without_decision_maker_in_discovery(self):
        lead = self._create_lead(
            partner_id=False,
            answers=self.all_levels("high"),
            source_id=self.source.id,
            stage_id=self.stage["lead"].id,
            budget_min=500000,
            budget_max=800000,
            pain_points="装夹误差",
            decision_timeline="董事会 5 月审批",
            **SPIN,
        )
        lead.first_contact_date = fields.Datetime.now()
        lead.with_user(self.rep).write({"stage_id": self.stage["discovery"].id})
        with self.assertRaises(RedirectWarning) as caught:
            lead.with_user(self.rep).write({"stage_id": self.stage["solution"].id})
        self.assertIn("Decision chain with a decision maker", str(caught.exception))
        self.assertEqual(lead.stage_id, self.stage["discovery"])
        lead.with_user(self.rep).write({"partner_id": self.customer.id})
        lead.with_user(self.rep).write({"stage_id": self.stage["solution"].id})
        self.assertEqual(lead.stage_id, self.stage["solution"])

    def test_evidence_costs_the_same_for_1_or_20_leads(self):
        leads = self.env["crm.lead"].browse([self._create_lead(name=f"Lead {i}").id for i in range(20)])
        for lead in leads:
            self._need(lead)
        one = self.count_queries(leads[:1]._checklist_state)
        many = self.count_queries(leads._checklist_state)
        self.assertEqual(one, many)

    # ------------------------------------------------------------------
    # Printed needs record
    # ------------------------------------------------------------------

    def test_needs_record_report(self):
        lead = self._create_lead(budget_min=500000, budget_max=800000, decision_timeline="7 月底前定标", **SPIN)
        lead.stakeholder_ids.filtered(lambda line: line.partner_id == self.director).attitude = "supporter"
        confirmed = self._need(lead, need_type="rigid", tag_ids=[Command.set(self.tag_cost.ids)])
        self._confirm(confirmed, method="meeting")
        self._need(lead, need_type="potential", description="后续新工厂同样方案")
        html, _fmt = self.env["ir.actions.report"]._render_qweb_html(
            "crm_sales_process.crm_lead_needs_record_report", lead.ids
        )
        html = html.decode()
        for text in (*SPIN.values(), "7 月底前定标", "后续新工厂同样方案", "Test 降本", confirmed.code):
            self.assertIn(text, html)
        self.assertIn("周建国", html)
        self.assertIn("Decision maker", html)
        self.assertIn("Supporter", html)
        self.assertIn("Meeting", html)
        self.assertIn("Not confirmed yet", html)
        self.assertIn("Noto Sans CJK SC", html, "The report asks for a CJK font.")
        self.assertLess(html.index("换型时间缩短"), html.index("后续新工厂同样方案"), "Rigid needs come first.")
