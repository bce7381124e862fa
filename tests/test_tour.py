from odoo.tests import HttpCase, new_test_user, tagged

from .common import document_discovery


def _salesman(env, login, name):
    """A salesman who logs in with his login as password; no email address, as many reps."""
    return new_test_user(
        env, login=login, name=name, password=login, email=False, groups="sales_team.group_sale_salesman"
    )


@tagged("post_install", "-at_install")
class TestGradingTour(HttpCase):
    def test_rep_grades_a_lead_in_the_browser(self):
        rep = _salesman(self.env, "csp_tour_rep", "Tour Rep")
        lead = self.env["crm.lead"].create({"name": "Tour: 数控机床升级", "type": "opportunity", "user_id": rep.id})
        self.start_tour("/odoo", "crm_sales_process_grading_tour", login="csp_tour_rep")
        self.assertEqual(lead.grade, "a")
        self.assertEqual(lead.grading_score, 100)


@tagged("post_install", "-at_install")
class TestStageGateTour(HttpCase):
    def test_rep_completes_the_checklist_from_the_blocked_move(self):
        rep = _salesman(self.env, "csp_gate_rep", "Gate Rep")
        self.env["crm.sales.stage.apply"]._apply_default_mapping()
        criteria = self.env["crm.grading.criterion"].search([])
        lead = self.env["crm.lead"].create(
            {
                "name": "Gate tour lead",
                "type": "opportunity",
                "user_id": rep.id,
                "source_id": self.env["utm.source"].create({"name": "Tour fair"}).id,
                "grading_line_ids": [
                    (0, 0, {"criterion_id": c.id, "option_id": c.option_ids.sorted("points")[-1].id}) for c in criteria
                ],
            }
        )
        lead.first_contact_date = lead.create_date
        document_discovery(lead)  # the tour ticks what stays manual
        solution = self.env.ref("crm_sales_process.crm_stage_solution")
        self.start_tour("/odoo", "crm_sales_process_stage_gate_tour", login="csp_gate_rep")
        self.assertEqual(lead.stage_id, solution)
        discovery_lines = lead.checklist_line_ids.filtered(
            lambda line: (
                line.stage_id == self.env.ref("crm_sales_process.crm_stage_discovery") and line.evidence == "manual"
            )
        )
        self.assertTrue(all(discovery_lines.mapped("manual_done")))
        self.assertEqual(discovery_lines.done_by_id, rep)
