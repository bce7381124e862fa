"""The contract stage's outputs become evidence-backed (approval, archive) and the standard
stages get their process phase (stage data is noupdate: what admins changed is kept)."""

from odoo import SUPERUSER_ID, api

PHASES = {
    "crm_stage_lead": "lead",
    "crm_stage_discovery": "discovery",
    "crm_stage_solution": "solution",
    "crm_stage_negotiation": "negotiation",
    "crm_stage_contract": "contract",
}


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    items = env["crm.stage.checklist.item"]
    items._switch_standard_outputs({"crm_stage_checklist_item_contract_contract_approved": "contract_approved"})
    archived = env.ref("crm_sales_process.crm_stage_checklist_item_contract_contract_archived", False)
    if archived and archived.evidence in ("manual", "attachment"):
        archived.evidence = "contract_archived"
    for xmlid, phase in PHASES.items():
        stage = env.ref(f"crm_sales_process.{xmlid}", False)
        if stage and not stage.process_phase:
            stage.process_phase = phase
    leads = env["crm.lead"].with_context(active_test=False).search([])
    env.add_to_compute(env["crm.lead"]._fields["process_phase"], leads)
