from . import crm_sales_analysis, helpdesk_aftersales_report
