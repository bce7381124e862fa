from odoo import api, fields, models
from odoo.exceptions import AccessError

from .crm_sales_region import check_code


class ResPartnerIndustry(models.Model):
    _inherit = "res.partner.industry"

    code = fields.Char(help="First part of the customer code, e.g. M in M-HU-001.")

    _sql_constraints = [
        ("code_uniq", "unique(code)", "Two industries cannot share a code."),
    ]

    @api.constrains("code")
    def _check_code(self):
        for industry in self:
            check_code(self.env, industry.code, industry.name)

    def write(self, vals):
        if "code" in vals and not self.env.su and not self.env.user.has_group("sales_team.group_sale_manager"):
            raise AccessError(self.env._("Only sales managers can change industry codes."))
        return super().write(vals)
