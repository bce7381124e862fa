from . import crm_sales_analysis, crm_sales_stage_duration, helpdesk_aftersales_report
