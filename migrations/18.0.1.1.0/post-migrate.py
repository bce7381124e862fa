"""Stage outputs whose documents arrived in 18.0.1.1.0 become evidence-backed.

The stage data is ``noupdate`` (admins edit it), so an upgrade does not rewrite it:
switch only the standard outputs that are still ticked by hand.
"""

EVIDENCE = {
    "crm_stage_checklist_item_discovery_spin": "spin",
    "crm_stage_checklist_item_discovery_budget": "budget",
    "crm_stage_checklist_item_discovery_decision_maker": "stakeholders",
    "crm_stage_checklist_item_solution_review": "solution_review",
    "crm_stage_checklist_item_solution_needs_confirmed": "needs_confirmed",
    "crm_stage_checklist_item_negotiation_minutes": "minutes_signed",
}


def migrate(cr, version):
    for xmlid, evidence in EVIDENCE.items():
        cr.execute(
            """
            UPDATE crm_stage_checklist_item item
               SET evidence = %s
              FROM ir_model_data data
             WHERE data.module = 'crm_sales_process'
               AND data.name = %s
               AND data.res_id = item.id
               AND item.evidence = 'manual'
            """,
            (evidence, xmlid),
        )
