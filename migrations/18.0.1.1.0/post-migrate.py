"""Stage outputs whose documents arrived in 18.0.1.1.0 become evidence-backed."""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    api.Environment(cr, SUPERUSER_ID, {})["crm.stage.checklist.item"]._switch_standard_outputs(
        {
            "crm_stage_checklist_item_discovery_spin": "spin",
            "crm_stage_checklist_item_discovery_budget": "budget",
            "crm_stage_checklist_item_discovery_decision_maker": "stakeholders",
            "crm_stage_checklist_item_solution_review": "solution_review",
            "crm_stage_checklist_item_solution_needs_confirmed": "needs_confirmed",
            "crm_stage_checklist_item_negotiation_minutes": "minutes_signed",
        }
    )
