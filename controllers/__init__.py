from . import portal, sale_portal
