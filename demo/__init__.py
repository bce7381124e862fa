from . import demo_tools, followup_demo, sale_delivery_demo
