from odoo import api, fields, models, tools


class CrmStage(models.Model):
    """Pipeline stages with the outputs a lead must produce before it moves on."""

    _inherit = "crm.stage"

    active = fields.Boolean(default=True, help="Archived stages disappear from the pipeline.")
    checklist_item_ids = fields.One2many("crm.stage.checklist.item", "stage_id", string="Checklist")
    max_days = fields.Integer(
        string="Stalled after (days)",
        help="A lead that stays longer in this stage is stalled and its owner is reminded. 0: never.",
    )
    is_sales_process = fields.Boolean(
        string="Standard sales stage",
        readonly=True,
        help="One of the five stages of the standard sales process.",
    )

    _sql_constraints = [
        ("max_days_positive", "CHECK(max_days >= 0)", "The stall delay of a stage cannot be negative."),
    ]

    @api.model_create_multi
    def create(self, vals_list):
        stages = super().create(vals_list)
        self.env.registry.clear_cache()  # the cached pipelines
        return stages

    def write(self, vals):
        res = super().write(vals)
        if {"sequence", "name", "team_id", "active"} & set(vals):
            self.env.registry.clear_cache()  # the cached pipelines
        return res

    def unlink(self):
        # their outputs go with them (ondelete cascade, in SQL): forget the cached pipelines and outputs
        res = super().unlink()
        self.env.registry.clear_cache()
        return res

    def _pipeline_for(self, team):
        """The stages of ``team``'s pipeline, in order (shared stages included); read on every
        stage move, cached until a stage is added, reordered, moved to a team or archived."""
        return self.browse(self._pipeline_ids(team.id))

    @api.model
    @tools.ormcache("team_id")
    def _pipeline_ids(self, team_id):
        stages = self.sudo().with_context(active_test=True)
        return tuple(stages.search(["|", ("team_id", "=", False), ("team_id", "=", team_id)]).ids)
