from . import crm_lead_stage_gate, crm_sales_stage_apply
