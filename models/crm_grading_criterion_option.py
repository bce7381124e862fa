from odoo import fields, models


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
