from . import (
    crm_grading_criterion,
    crm_grading_criterion_option,
    crm_lead,
    crm_lead_checklist_line,
    crm_lead_grading_line,
    crm_lead_stage_history,
    crm_stage,
    crm_stage_checklist_item,
    mail_activity_plan,
    mail_activity_type,
    res_company,
    res_config_settings,
)
