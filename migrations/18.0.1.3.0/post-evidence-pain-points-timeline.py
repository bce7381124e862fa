"""Pain points and the decision timeline are read from their fields on the lead (18.0.1.3.0)."""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    api.Environment(cr, SUPERUSER_ID, {})["crm.stage.checklist.item"]._switch_standard_outputs(
        {
            "crm_stage_checklist_item_discovery_pain": "pain_points",
            "crm_stage_checklist_item_discovery_timeline": "timeline",
        }
    )
