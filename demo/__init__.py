from . import demo_tools, followup_demo
