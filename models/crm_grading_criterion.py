from odoo import api, fields, models


class CrmGradingCriterion(models.Model):
    """A question a rep answers to grade a lead (e.g. urgency, budget fit).

    Each criterion weighs as much as its highest option; the lead score is the
    share of the total weight of the active criteria that the answers earned.
    """

    _name = "crm.grading.criterion"
    _description = "Lead Grading Criterion"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(required=True, help="Short technical code, unique per company.")
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company",
        help="Leave empty to use the criterion in every company.",
    )
    description = fields.Text(translate=True, help="Guidance shown to the rep who answers.")
    option_ids = fields.One2many("crm.grading.criterion.option", "criterion_id", string="Options", copy=True)
    max_points = fields.Integer(
        compute="_compute_max_points",
        store=True,
        help="Points of the best option: the weight of this criterion in the score.",
    )

    _sql_constraints = [
        ("code_company_uniq", "unique(code, company_id)", "The code of a grading criterion must be unique."),
    ]

    @api.depends("option_ids.points")
    def _compute_max_points(self):
        for criterion in self:
            criterion.max_points = max(criterion.option_ids.mapped("points"), default=0)

    @api.model_create_multi
    def create(self, vals_list):
        criteria = super().create(vals_list)
        criteria.filtered("active")._add_lines_to_open_leads()
        return criteria

    def write(self, vals):
        res = super().write(vals)
        if vals.get("active"):
            self._add_lines_to_open_leads()
        if "active" in vals:
            self.env["crm.lead"]._regrade(criteria=self)
        return res

    def unlink(self):
        leads = self.env["crm.lead.grading.line"].sudo().search([("criterion_id", "in", self.ids)]).lead_id
        res = super().unlink()
        # the remaining answers of those leads decide their grade now
        self.env.add_to_compute(self.env["crm.lead"]._fields["grading_score"], leads)
        self.env.add_to_compute(self.env["crm.lead"]._fields["grading_complete"], leads)
        return res

    def _add_lines_to_open_leads(self):
        """Ask the new question on every open lead, so their grade waits for the answer."""
        if not self:
            return
        leads = self.env["crm.lead"].search([("probability", "<", 100)])
        leads._ensure_grading_lines()
