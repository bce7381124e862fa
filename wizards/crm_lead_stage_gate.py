from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from ..models.crm_lead import StageGateBypass


class CrmLeadStageGate(models.TransientModel):
    """Shown when a lead cannot move forward: what is missing, done inline, or overridden."""

    _name = "crm.lead.stage.gate"
    _description = "Stage Gate"

    lead_id = fields.Many2one("crm.lead", required=True, readonly=True)
    stage_id = fields.Many2one("crm.stage", string="Target stage", required=True, readonly=True)
    # stored, so that what the rep ticks in the dialog is written to the lead's lines
    line_ids = fields.Many2many(
        "crm.lead.checklist.line", string="Missing outputs", compute="_compute_line_ids", store=True, readonly=False
    )
    can_override = fields.Boolean(compute="_compute_can_override")
    override_reason = fields.Text(help="Why the lead moves on without these outputs (kept in its history).")

    @api.depends("lead_id", "stage_id")
    def _compute_line_ids(self):
        for gate in self:
            missing = gate.lead_id._gate_missing(gate.stage_id)
            gate.line_ids = [fields.Command.set([line.id for line in missing.get(gate.lead_id, [])])]

    def _compute_can_override(self):
        is_manager = self.env.user.has_group("sales_team.group_sale_manager")
        for gate in self:
            gate.can_override = is_manager

    def action_retry(self):
        """Move the lead now that the outputs are done (the gate checks again)."""
        self.ensure_one()
        self.lead_id.write({"stage_id": self.stage_id.id})
        return self._reload_lead()

    def action_override(self):
        """Move the lead without its outputs: sales managers only, with a reason."""
        self.ensure_one()
        if not self.env.user.has_group("sales_team.group_sale_manager"):
            raise AccessError(self.env._("Only a sales manager can move a lead past a missing checklist."))
        if not (self.override_reason or "").strip():
            raise UserError(self.env._("Write why the lead moves on without its stage outputs."))
        self.lead_id.with_context(
            crm_stage_gate_bypass=StageGateBypass("override", self.override_reason.strip())
        ).write({"stage_id": self.stage_id.id})
        return self._reload_lead()

    def _reload_lead(self):
        # the form or kanban behind the dialog still shows the refused move: reload it
        return {"type": "ir.actions.client", "tag": "soft_reload"}
