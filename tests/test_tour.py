from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestGradingTour(HttpCase):
    def test_rep_grades_a_lead_in_the_browser(self):
        rep = self.env["res.users"].create(
            {
                "name": "Tour Rep",
                "login": "csp_tour_rep",
                "password": "csp_tour_rep",
                "groups_id": [
                    (6, 0, [self.env.ref("sales_team.group_sale_salesman").id, self.env.ref("base.group_user").id])
                ],
            }
        )
        lead = self.env["crm.lead"].create({"name": "Tour: 数控机床升级", "type": "opportunity", "user_id": rep.id})
        self.start_tour("/odoo", "crm_sales_process_grading_tour", login="csp_tour_rep")
        self.assertEqual(lead.grade, "a")
        self.assertEqual(lead.grading_score, 100)
