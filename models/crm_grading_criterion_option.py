from odoo import api, fields, models


class CrmGradingCriterionOption(models.Model):
    """One possible answer to a grading criterion and the points it earns."""

    _name = "crm.grading.criterion.option"
    _description = "Lead Grading Option"
    _order = "criterion_id, sequence, points desc, id"

    criterion_id = fields.Many2one("crm.grading.criterion", required=True, ondelete="cascade", index=True)
    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    points = fields.Integer(required=True, default=0)
    company_id = fields.Many2one(related="criterion_id.company_id", store=True)

    _sql_constraints = [
        ("points_positive", "CHECK(points >= 0)", "The points of a grading option cannot be negative."),
    ]

    @api.model_create_multi
    def create(self, vals_list):
        options = super().create(vals_list)
        self.env["crm.lead"]._regrade(criteria=options.criterion_id)
        return options

    def write(self, vals):
        criteria = self.criterion_id
        res = super().write(vals)
        if {"points", "criterion_id"} & set(vals):
            self.env["crm.lead"]._regrade(criteria=criteria | self.criterion_id)
        return res

    def unlink(self):
        criteria = self.criterion_id
        res = super().unlink()
        self.env["crm.lead"]._regrade(criteria=criteria.exists())
        return res
