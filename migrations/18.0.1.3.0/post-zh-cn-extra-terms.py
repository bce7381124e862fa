"""The Chinese this addon brings for base_tier_validation and sale_tier_validation
(i18n_extra/zh_CN.po) replaces the terms base_tier_validation's own zh_CN.po put in
databases that had Chinese before (an upgrade keeps existing translations)."""

from odoo import SUPERUSER_ID, api
from odoo.addons.crm_sales_process import _load_extra_translations


def migrate(cr, version):
    _load_extra_translations(api.Environment(cr, SUPERUSER_ID, {}))
