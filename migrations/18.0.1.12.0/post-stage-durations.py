"""18.0.1.12.0: the days in stage are added up by month and dimension (``crm.sales.stage.duration``)
as leads move; add up the moves recorded so far once."""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    api.Environment(cr, SUPERUSER_ID, {})["crm.sales.stage.duration"]._rebuild()
