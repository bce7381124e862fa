from psycopg2 import IntegrityError

from odoo.addons.crm_sales_process.models.crm_lead_gate import StageGateBypass
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import CRITERIA, CrmSalesProcessCase


@tagged("post_install", "-at_install")
class TestLeadGrading(CrmSalesProcessCase):
    def test_new_lead_gets_one_line_per_active_criterion(self):
        lead = self._create_lead()
        self.assertEqual(lead.grading_line_ids.criterion_id, self.env["crm.grading.criterion"].search([]))
        self.assertFalse(lead.grade)
        self.assertEqual(lead.grading_score, 0)

    def test_a_lead_without_company_gets_the_shared_questions(self):
        lead = self._create_lead(company_id=False, team_id=False)
        self.assertFalse(lead.company_id)
        shared = self.env["crm.grading.criterion"].search([("company_id", "=", False)])
        self.assertEqual(lead.grading_line_ids.criterion_id, shared)
        self.assertFalse(lead.grading_line_ids.company_id)

    def test_best_answers_give_grade_a(self):
        lead = self._create_lead(answers=self.all_levels("high"))
        self.assertEqual(lead.grading_score, 100)
        self.assertEqual(lead.grade, "a")
        self.assertEqual(sum(lead.grading_line_ids.mapped("points")), 100)

    def test_worst_answers_give_grade_c(self):
        lead = self._create_lead(answers=self.all_levels("low"))
        self.assertEqual(lead.grading_score, 30)
        self.assertEqual(lead.grade, "c")

    def test_grade_boundaries(self):
        """79 is B and 80 is A; 59 is C and 60 is B (default thresholds 80/60)."""
        cases = [
            # urgency, budget, size, decision chain, intent -> score, grade
            (("high", "high", "medium", "medium", "low"), 80, "a"),  # 30+25+15+8+2
            (("high", "high", "medium", "low", "medium"), 79, "b"),  # 30+25+15+3+6
            (("medium", "medium", "medium", "medium", "low"), 60, "b"),  # 20+15+15+8+2
            (("high", "low", "medium", "low", "medium"), 59, "c"),  # 30+5+15+3+6
        ]
        for levels, score, grade in cases:
            with self.subTest(score=score):
                lead = self._create_lead(answers=dict(zip(CRITERIA, levels, strict=True)))
                self.assertEqual(lead.grading_score, score)
                self.assertEqual(lead.grade, grade)

    def test_unanswered_criterion_leaves_lead_ungraded(self):
        answers = self.all_levels("high")
        del answers["intent"]
        lead = self._create_lead(answers=answers)
        self.assertEqual(lead.grading_score, 90, "The partial score still counts the answers given.")
        self.assertFalse(lead.grading_complete)
        self.assertFalse(lead.grade)
        self._answer(lead, intent="low")
        self.assertEqual(lead.grade, "a")
        self._answer(lead, intent=False)
        self.assertFalse(lead.grade, "Clearing an answer removes the grade again.")

    def test_score_is_normalized_when_weights_do_not_add_up_to_100(self):
        """With the 10-point intent question archived the other four weigh 90: 72/90 → 80 → A."""
        self.criteria["intent"].active = False
        lead = self._create_lead(
            answers={"urgency": "high", "budget_fit": "medium", "company_size": "medium", "decision_chain": "medium"}
        )
        # 30 + 15 + 15 + 8 = 68 of 90 → 75.6 → 76
        self.assertEqual(lead.grading_score, 76)
        self.assertEqual(lead.grade, "b")
        self._answer(lead, budget_fit="high")  # 78 of 90 → 86.7 → 87
        self.assertEqual(lead.grading_score, 87)
        self.assertEqual(lead.grade, "a")

    def test_archiving_a_criterion_regrades_existing_leads(self):
        answers = self.all_levels("high")
        del answers["intent"]
        lead = self._create_lead(answers=answers)
        self.assertFalse(lead.grade)
        self.criteria["intent"].active = False
        self.assertEqual(lead.grading_score, 100)
        self.assertEqual(lead.grade, "a")
        self.assertTrue(lead.first_contact_deadline, "The new grade brings its first-contact deadline.")
        self.assertIn("after the grading settings changed", lead.message_ids[0].body)
        self.assertEqual(self._stored_progress(lead), 50, "Grading complete: 2 of the 4 outputs (owner, grading).")
        self.criteria["intent"].active = True
        self.assertFalse(lead.grade)
        self.assertFalse(lead.first_contact_deadline)
        self.assertEqual(self._stored_progress(lead), 25, "The re-grade in SQL updates the stored progress too.")

    def _stored_progress(self, lead):
        self.env.flush_all()
        self.env.cr.execute("SELECT checklist_progress FROM crm_lead WHERE id = %s", [lead.id])
        return self.env.cr.fetchone()[0]

    def test_new_criterion_is_asked_on_open_leads(self):
        lead = self._create_lead(answers=self.all_levels("high"))
        criterion = self.env["crm.grading.criterion"].create(
            {"name": "Strategic fit", "code": "strategic_fit", "option_ids": [(0, 0, {"name": "Yes", "points": 20})]}
        )
        self.assertIn(criterion, lead.grading_line_ids.criterion_id)
        self.assertFalse(lead.grade, "The lead waits for the answer to the new question.")
        self.assertEqual(lead.grading_score, 83)  # 100 of 120

    def test_option_points_change_regrades_leads(self):
        lead = self._create_lead(answers={**self.all_levels("medium"), "decision_chain": "high"})
        self.assertEqual(lead.grading_score, 20 + 15 + 15 + 15 + 6)
        self.assertEqual(lead.grade, "b")
        self.options["urgency", "medium"].points = 30  # as much as the best answer
        self.assertEqual(lead.grading_score, 81)
        self.assertEqual(lead.grade, "a")
        self.assertEqual(lead.grading_line_ids.filtered(lambda line: line.criterion_id.code == "urgency").points, 30)
        self.assertIn("Grade changed from B to A", lead.message_ids[0].body)

    def test_closed_leads_keep_their_grade(self):
        """Won and lost leads keep the grade they were closed with when the model changes."""
        won = self._create_lead(answers=self.all_levels("medium"))
        lost = self._create_lead(answers=self.all_levels("medium"))
        won.with_context(crm_stage_gate_bypass=StageGateBypass("override", "test")).action_set_won()
        lost.action_set_lost()
        self.company.grade_b_min = 70
        self.assertEqual((won | lost).mapped("grade"), ["b", "b"])
        self.assertEqual(self._create_lead(answers=self.all_levels("medium")).grade, "c")

    def test_threshold_change_regrades_leads(self):
        lead = self._create_lead(answers=self.all_levels("medium"))  # 64
        self.assertEqual(lead.grade, "b")
        self.company.grade_b_min = 65
        self.assertEqual(lead.grade, "c")
        self.company.write({"grade_a_min": 64, "grade_b_min": 50})
        self.assertEqual(lead.grade, "a")

    def test_invalid_thresholds_are_refused(self):
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"), self.cr.savepoint():
            self.company.write({"grade_a_min": 50, "grade_b_min": 60})
            self.company.flush_recordset()

    def _regrade_queries(self, option, points):
        return self.count_queries(lambda: option.write({"points": points}))

    def test_regrade_query_count_does_not_grow_with_leads(self):
        """Re-weighting an answer re-grades 1 or 50 leads with the same number of queries."""
        option = self.options["urgency", "medium"]
        answers = {**self.all_levels("high"), "urgency": "medium"}
        lead = self._create_lead(answers=answers)
        self._regrade_queries(option, 19)  # warm-up
        one_lead = self._regrade_queries(option, 18)
        self.assertEqual(lead.grading_score, 88)
        leads = lead
        for _i in range(49):
            leads |= self._create_lead(answers=answers)
        self.env.flush_all()
        self.env.invalidate_all()
        with self.assertQueryCount(one_lead):
            option.points = 17
            self.env.flush_all()
        self.assertEqual(set(leads.mapped("grading_score")), {87})
        self.assertEqual(set(leads.mapped("grade")), {"a"})

    def test_changing_the_best_answer_regrades_every_lead(self):
        """The best answer sets the criterion's weight: raising it re-weighs every lead."""
        best = self._create_lead(answers=self.all_levels("high"))
        worst = self._create_lead(answers=self.all_levels("low"))
        self.options["urgency", "high"].points = 40
        self.assertEqual(self.criteria["urgency"].max_points, 40)
        self.assertEqual(best.grading_score, 100)
        self.assertEqual(worst.grading_score, 27)  # 10+5+10+3+2 of 110

    def test_grade_cannot_be_forged(self):
        lead = self._create_lead(user=self.rep, answers=self.all_levels("low"))
        for vals in ({"grade": "a"}, {"grading_score": 100}, {"grade": "a", "grading_score": 95}):
            with self.subTest(vals=vals), self.assertRaises(UserError):
                lead.with_user(self.rep).write(vals)
        self.assertEqual(lead.grade, "c")
        with self.assertRaises(UserError):
            self.env["crm.lead"].with_user(self.rep).create({"name": "Forged", "grade": "a"})

    def test_grade_cannot_be_forged_by_import(self):
        result = self.env["crm.lead"].with_user(self.rep).load(["name", "grade"], [["Imported lead", "a"]])
        self.assertFalse(result["ids"])
        self.assertTrue(any(msg["type"] == "error" for msg in result["messages"]))
        self.assertFalse(self.env["crm.lead"].search([("name", "=", "Imported lead")]))

    def test_salesman_cannot_edit_the_grading_model(self):
        criterion = self.criteria["urgency"].with_user(self.rep)
        self.assertEqual(criterion.name, self.criteria["urgency"].name, "Salesmen read the criteria.")
        with self.assertRaises(AccessError):
            criterion.write({"name": "Hacked"})
        with self.assertRaises(AccessError):
            self.options["urgency", "low"].with_user(self.rep).write({"points": 30})
        with self.assertRaises(AccessError):
            self.env["crm.grading.criterion"].with_user(self.rep).create({"name": "Mine", "code": "mine"})
        # the manager may
        self.criteria["urgency"].with_user(self.manager).write({"description": "When will they buy?"})

    def test_option_of_another_criterion_is_refused(self):
        lead = self._create_lead(answers={"urgency": "medium"})
        line = lead.grading_line_ids.filtered(lambda line: line.criterion_id == self.criteria["urgency"])
        with self.assertRaises(ValidationError), self.cr.savepoint():
            line.with_user(self.rep).write({"option_id": self.options["budget_fit", "high"].id})
        line.invalidate_recordset()
        self.assertEqual(line.option_id, self.options["urgency", "medium"], "Nothing was written.")
        with self.assertRaises(ValidationError), self.cr.savepoint():
            self._create_lead(answers={"urgency": "high"}).grading_line_ids[:1].write(
                {"option_id": self.options["intent", "high"].id}
            )

    def test_salesman_sees_answers_of_his_leads_only(self):
        mine = self._create_lead(user=self.rep)
        theirs = self._create_lead(user=self.rep_2)
        visible = self.env["crm.lead.grading.line"].with_user(self.rep).search([("lead_id", "in", (mine | theirs).ids)])
        self.assertEqual(visible.lead_id, mine)
        self._answer(mine.with_user(self.rep), urgency="high")
        self.assertEqual(mine.grading_score, 30)
