from . import crm_process_guard

from . import crm_signed_document_mixin  # isort: skip (inherited by the documents below)

# crm.lead by concern. Grading first: it brings the process-field guard and gives new leads their
# answers, whose grade the gate (second) reads when a lead is created in a later stage.
from . import crm_lead_grading  # isort: skip
from . import crm_lead_gate  # isort: skip
from . import (
    crm_customer_code_sequence,
    crm_grading_criterion,
    crm_grading_criterion_option,
    crm_lead_checklist_line,
    crm_lead_discovery,
    crm_lead_documents,
    crm_lead_first_contact,
    crm_lead_grading_line,
    crm_lead_need,
    crm_lead_stage_history,
    crm_lead_stakeholder,
    crm_lead_stalled,
    crm_need_confirmation,
    crm_need_confirmation_line,
    crm_need_tag,
    crm_negotiation_minutes,
    crm_negotiation_minutes_term,
    crm_sales_region,
    crm_solution_review,
    crm_stage,
    crm_stage_checklist_item,
    ir_attachment,
    ir_cron,
    ir_sequence,
    mail_activity,
    mail_activity_plan,
    mail_activity_plan_template,
    mail_activity_type,
    report_sale_report_saleorder,
    res_company,
    res_config_settings,
    res_partner,
    res_partner_industry,
    res_users,
    sale_order,
    tier_definition,
    tier_review,
    tier_validation,
)
