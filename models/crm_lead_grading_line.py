from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .crm_process_guard import ProcessGuard


class CrmLeadGradingLine(ProcessGuard, models.Model):
    """The rep's answer to one grading criterion on one lead."""

    _name = "crm.lead.grading.line"
    _description = "Lead Grading Answer"
    _order = "lead_id, criterion_sequence, criterion_id"
    # the answer's points, kept up to date with the grading settings by crm.lead._regrade()
    _process_fields = ("points",)

    lead_id = fields.Many2one("crm.lead", required=True, ondelete="cascade", index=True)
    criterion_id = fields.Many2one("crm.grading.criterion", required=True, ondelete="cascade", index=True)
    criterion_sequence = fields.Integer(related="criterion_id.sequence", store=True, precompute=True)
    option_id = fields.Many2one(
        "crm.grading.criterion.option",
        string="Answer",
        ondelete="restrict",
        index="btree_not_null",
        domain="[('criterion_id', '=', criterion_id)]",
    )
    points = fields.Integer(compute="_compute_points", store=True)
    max_points = fields.Integer(related="criterion_id.max_points")
    company_id = fields.Many2one(related="lead_id.company_id", store=True, precompute=True)

    _sql_constraints = [
        ("lead_criterion_uniq", "unique(lead_id, criterion_id)", "A lead answers each grading criterion once."),
    ]

    @api.depends("option_id")
    def _compute_points(self):
        # New weights of an answer reach the lines through crm.lead._regrade(), in SQL.
        for line in self:
            line.points = line.option_id.points

    @api.constrains("criterion_id", "option_id")
    def _check_option_criterion(self):
        for line in self:
            if line.option_id and line.option_id.criterion_id != line.criterion_id:
                raise ValidationError(
                    self.env._(
                        "The answer “%(option)s” belongs to “%(other)s”, not to the criterion “%(criterion)s”.",
                        option=line.option_id.name,
                        other=line.option_id.criterion_id.name,
                        criterion=line.criterion_id.name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        if self.env.context.get("crm_grading_from_lead"):
            return super().create(vals_list)
        leads = self.env["crm.lead"].browse({vals["lead_id"] for vals in vals_list if vals.get("lead_id")})
        old_grades = leads._grade_snapshot()
        lines = super().create(vals_list)
        leads._start_grade_cadence(old_grades)
        return lines

    def write(self, vals):
        if self.env.context.get("crm_grading_from_lead"):
            return super().write(vals)
        leads = self.lead_id
        old_grades = leads._grade_snapshot()
        res = super().write(vals)
        (leads | self.lead_id)._start_grade_cadence(old_grades)
        return res

    def _process_fields_hint(self, field_names):
        return self.env._("Choose an answer: its points come from the grading settings.")
