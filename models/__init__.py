from . import (
    crm_grading_criterion,
    crm_grading_criterion_option,
    crm_lead,
    crm_lead_grading_line,
    mail_activity_plan,
    mail_activity_type,
    res_company,
    res_config_settings,
)
