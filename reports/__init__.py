from . import crm_sales_analysis
