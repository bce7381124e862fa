from odoo import api, fields, models
from odoo.exceptions import AccessError

from ..models.crm_lead_gate import StageGateBypass


class CrmSalesStageApply(models.TransientModel):
    """Move a pipeline that predates the addon onto the five standard stages."""

    _name = "crm.sales.stage.apply"
    _description = "Apply the Standard Sales Stages"

    line_ids = fields.One2many("crm.sales.stage.apply.line", "wizard_id", string="Stage mapping")

    @api.model
    def default_get(self, fields_list):
        defaults = super().default_get(fields_list)
        if "line_ids" in fields_list:
            defaults["line_ids"] = [
                fields.Command.create({"old_stage_id": old.id, "new_stage_id": new.id})
                for old, new in self._default_mapping().items()
            ]
        return defaults

    @api.model
    def _default_mapping(self):
        """{old stage: standard stage}: won goes to Contract, the others by their rank."""
        standard = self.env["crm.stage"].search([("is_sales_process", "=", True)])
        old_stages = self.env["crm.stage"].search([("is_sales_process", "=", False)])
        open_standard = standard.filtered(lambda stage: not stage.is_won)
        won_standard = standard.filtered("is_won")[:1] or standard[-1:]
        mapping = {}
        for rank, old in enumerate(old_stages.filtered(lambda stage: not stage.is_won)):
            mapping[old] = open_standard[min(rank, len(open_standard) - 1)]
        for old in old_stages.filtered("is_won"):
            mapping[old] = won_standard
        return mapping

    def action_apply(self):
        """Move the leads (recorded as a migration, not gated) and archive the old stages."""
        self.ensure_one()
        self._apply({line.old_stage_id: line.new_stage_id for line in self.line_ids if line.new_stage_id})
        return {"type": "ir.actions.client", "tag": "reload"}

    @api.model
    def _apply(self, mapping):
        if not self.env.su and not self.env.user.has_group("sales_team.group_sale_manager"):
            raise AccessError(self.env._("Only sales managers can change the pipeline's stages."))
        Lead = self.env["crm.lead"].with_context(
            active_test=False,
            crm_stage_gate_bypass=StageGateBypass("migration", self.env._("Standard sales stages applied")),
        )
        for old, new in mapping.items():
            Lead.search([("stage_id", "=", old.id)]).write({"stage_id": new.id})
        self.env["crm.stage"].union(*mapping).write({"active": False})

    @api.model
    def _apply_default_mapping(self):
        """Demo data and scripts: apply the proposed mapping as it is."""
        self._apply(self._default_mapping())


class CrmSalesStageApplyLine(models.TransientModel):
    _name = "crm.sales.stage.apply.line"
    _description = "Apply the Standard Sales Stages: mapping"

    wizard_id = fields.Many2one("crm.sales.stage.apply", required=True, ondelete="cascade")
    old_stage_id = fields.Many2one("crm.stage", string="Current stage", required=True, readonly=True)
    new_stage_id = fields.Many2one("crm.stage", string="Standard stage", domain="[('is_sales_process', '=', True)]")
    lead_count = fields.Integer(compute="_compute_lead_count", string="Leads")

    @api.depends("old_stage_id")
    def _compute_lead_count(self):
        counts = dict(
            self.env["crm.lead"]
            .with_context(active_test=False)
            ._read_group([("stage_id", "in", self.old_stage_id.ids)], ["stage_id"], ["__count"])
        )
        for line in self:
            line.lead_count = counts.get(line.old_stage_id, 0)
