"""18.0.1.11.0: leads keep the stages of their pipeline they were in (``funnel_visits``), which the
stage funnel reads instead of the whole stage history: read them once from the history."""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    api.Environment(cr, SUPERUSER_ID, {})["crm.lead"]._funnel_refresh_all()
