import re

from odoo import api, fields, models
from odoo.exceptions import ValidationError

CODE_PATTERN = re.compile(r"^[A-Z0-9]{1,4}$")


def check_code(env, code, what):
    """Customer-code parts: 1 to 4 capital letters or digits."""
    if code and not CODE_PATTERN.match(code):
        raise ValidationError(
            env._(
                "The code “%(code)s” of %(what)s must be 1 to 4 capital letters or digits, without spaces.",
                code=code,
                what=what,
            )
        )


class CrmSalesRegion(models.Model):
    """A sales region (华东, 华南…): the middle part of customer codes such as M-HU-001."""

    _name = "crm.sales.region"
    _description = "Sales Region"
    _order = "code, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(required=True, help="Part of the customer code, e.g. HU in M-HU-001.")
    state_ids = fields.Many2many("res.country.state", string="Provinces")
    company_id = fields.Many2one("res.company", help="Leave empty to share the region between companies.")
    active = fields.Boolean(default=True)

    _sql_constraints = [
        ("code_company_uniq", "unique(code, company_id)", "Two sales regions cannot share a code."),
    ]

    @api.constrains("code", "company_id")
    def _check_code(self):
        for region in self:
            check_code(self.env, region.code, region.name)
            twin = self.with_context(active_test=False).search(
                [("code", "=", region.code), ("company_id", "=", region.company_id.id), ("id", "!=", region.id)],
                limit=1,
            )
            if twin:
                raise ValidationError(
                    self.env._(
                        "The code %(code)s is already used by the sales region %(region)s.",
                        code=region.code,
                        region=twin.name,
                    )
                )

    @api.model
    def _for_state(self, state, company):
        """The region of a province: the company's own region first, else a shared one."""
        if not state:
            return self.browse()
        regions = self.search([("state_ids", "in", state.ids), ("company_id", "in", [company.id, False])])
        return regions.sorted(lambda region: (not region.company_id, region.id))[:1]
