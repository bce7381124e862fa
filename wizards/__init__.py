from . import (
    comment_wizard,
    crm_lead_need_confirm,
    crm_lead_stage_gate,
    crm_sales_stage_apply,
    crm_signature_wizard,
    helpdesk_ticket_followup_visit,
    sale_contract_sign,
    sale_delivery_exception_notify,
)
