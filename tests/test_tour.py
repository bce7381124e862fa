from odoo.tests import HttpCase, new_test_user, tagged


def _salesman(env, login, name):
    """A salesman who logs in with his login as password; no email address, as many reps."""
    return new_test_user(
        env, login=login, name=name, password=login, email=False, groups="sales_team.group_sale_salesman"
    )


@tagged("post_install", "-at_install")
class TestRoleTours(HttpCase):
    """A day in the browser, per role. A failing tour leaves its screenshots in Odoo's
    screenshots folder (``--screenshots``, /tmp/odoo_tests by default)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["crm.sales.stage.apply"]._apply_default_mapping()
        cls.stage = {
            code: cls.env.ref(f"crm_sales_process.crm_stage_{code}") for code in ("lead", "discovery", "solution")
        }
        cls.env["utm.source"].create({"name": "Tour fair"})

    def test_rep_grades_and_completes_the_blocked_move_from_the_dialog(self):
        rep = _salesman(self.env, "csp_tour_rep", "Tour Rep")
        lead = self.env["crm.lead"].create({"name": "Tour: 数控机床升级", "type": "opportunity", "user_id": rep.id})
        self.start_tour("/odoo", "crm_sales_process_rep_tour", login="csp_tour_rep")
        self.assertEqual((lead.grade, lead.grading_score), ("a", 100))
        self.assertEqual(lead.source_id.name, "Tour fair", "The source chosen in the dialog is the lead's.")
        self.assertTrue(lead.first_contact_date, "The first contact logged from the dialog is recorded.")
        self.assertEqual(lead.stage_id, self.stage["discovery"])
        self.assertFalse(lead.stage_history_ids.filtered("is_override"), "The rep moved it through the gate.")

    def test_manager_overrides_a_blocked_drag_with_a_reason(self):
        rep = _salesman(self.env, "csp_tour_rep_2", "Tour Rep 2")
        manager = new_test_user(
            self.env, login="csp_tour_manager", name="Tour Manager", groups="sales_team.group_sale_manager"
        )
        team = self.env["crm.team"].create({"name": "Tour team", "user_id": manager.id})
        lead = self.env["crm.lead"].create(
            {"name": "Override tour lead", "type": "opportunity", "user_id": rep.id, "team_id": team.id}
        )
        self.start_tour("/odoo", "crm_sales_process_manager_tour", login="csp_tour_manager")
        self.assertEqual(lead.stage_id, self.stage["discovery"])
        override = lead.stage_history_ids.filtered("is_override")
        self.assertEqual(override.user_id, manager)
        self.assertEqual(override.override_reason, "客户总经理已口头确认需求, 展会现场直接进入需求探查")
