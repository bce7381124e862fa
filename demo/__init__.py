from . import demo_tools
