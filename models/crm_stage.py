from odoo import api, fields, models, tools

# The seven phases of the standard sales process (DESIGN.md §1): five pipeline stages, then the
# delivery and the after-sales of the signed order.
PROCESS_PHASES = [
    ("lead", "Lead acquisition"),
    ("discovery", "Needs discovery"),
    ("solution", "Solution"),
    ("negotiation", "Negotiation"),
    ("contract", "Contract"),
    ("delivery", "Delivery"),
    ("aftersales", "After-sales"),
]


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

    process_phase = fields.Selection(
        PROCESS_PHASES[:5],
        string="Sales process phase",
        help="The phase of the standard sales process a lead in this stage is in.",
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
        if {"sequence", "name", "team_id", "active", "process_phase"} & set(vals):
            self.env.registry.clear_cache()  # the cached pipelines and phases
        return res

    def unlink(self):
        # their outputs go with them (ondelete cascade, in SQL): forget the cached pipelines and outputs
        res = super().unlink()
        self.env.registry.clear_cache()
        return res

    @api.model
    @tools.ormcache()
    def _process_phase_by_stage(self):
        """{stage id: its process phase}: read by every lead create and move, changed rarely."""
        stages = (
            self.sudo()
            .with_context(active_test=False)
            .search_fetch([("process_phase", "!=", False)], ["process_phase"])
        )
        return {stage.id: stage.process_phase for stage in stages}

    def _pipeline_for(self, team):
        """The stages of ``team``'s pipeline, in order (shared stages included); read on every
        stage move, cached until a stage is added, reordered, moved to a team or archived."""
        return self.browse(self._pipeline_ids(team.id))

    @api.model
    @tools.ormcache("team_id")
    def _pipeline_ids(self, team_id):
        stages = self.sudo().with_context(active_test=True)
        return tuple(stages.search(["|", ("team_id", "=", False), ("team_id", "=", team_id)]).ids)
