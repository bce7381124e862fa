from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from ..models.crm_lead_gate import StageGateBypass
from ..models.crm_stage_checklist_item import EVIDENCE_KINDS


class CrmLeadStageGate(models.TransientModel):
    """Shown when a lead cannot move forward: what is missing, completed right here, or overridden."""

    _name = "crm.lead.stage.gate"
    _description = "Stage Gate"

    lead_id = fields.Many2one("crm.lead", required=True, readonly=True)
    stage_id = fields.Many2one("crm.stage", string="Target stage", required=True, readonly=True)
    # stored, so that what the rep ticks in the dialog is written to the lead's lines
    line_ids = fields.Many2many(
        "crm.lead.checklist.line", string="Missing outputs", compute="_compute_line_ids", store=True, readonly=False
    )
    # ",source,spin," — the evidence kinds missing, for the view to show the fields that complete them
    missing_evidence = fields.Char(compute="_compute_missing_evidence")
    can_override = fields.Boolean(compute="_compute_can_override")
    override_reason = fields.Text(help="Why the lead moves on without these outputs (kept in its history).")
    # the lead's own fields that complete evidence-backed outputs, written to the lead when the dialog saves
    source_id = fields.Many2one(related="lead_id.source_id", readonly=False)
    user_id = fields.Many2one(related="lead_id.user_id", readonly=False)
    spin_situation = fields.Text(related="lead_id.spin_situation", readonly=False)
    spin_problem = fields.Text(related="lead_id.spin_problem", readonly=False)
    spin_implication = fields.Text(related="lead_id.spin_implication", readonly=False)
    spin_need_payoff = fields.Text(related="lead_id.spin_need_payoff", readonly=False)
    pain_points = fields.Text(related="lead_id.pain_points", readonly=False)
    budget_min = fields.Monetary(related="lead_id.budget_min", readonly=False, currency_field="company_currency")
    budget_max = fields.Monetary(related="lead_id.budget_max", readonly=False, currency_field="company_currency")
    company_currency = fields.Many2one(related="lead_id.company_currency")
    decision_timeline = fields.Char(related="lead_id.decision_timeline", readonly=False)
    first_contact_date = fields.Datetime(related="lead_id.first_contact_date")

    @api.depends("lead_id", "stage_id")
    def _compute_line_ids(self):
        for gate in self:
            missing = gate.lead_id._gate_missing(gate.stage_id)
            gate.line_ids = [fields.Command.set([line.id for line in missing.get(gate.lead_id, [])])]

    @api.depends("line_ids")
    def _compute_missing_evidence(self):
        for gate in self:
            # the outputs the dialog completes itself: the lead's fields it shows, the first contact it logs
            kinds = {line.evidence for line in gate.line_ids if EVIDENCE_KINDS[line.evidence].in_dialog}
            gate.missing_evidence = f",{','.join(sorted(kinds))}," if kinds else ""

    # depends on the lead so that the web client's onchange of a new dialog computes it
    @api.depends("lead_id")
    @api.depends_context("uid")
    def _compute_can_override(self):
        is_manager = self.env.user.has_group("sales_team.group_sale_manager")
        for gate in self:
            gate.can_override = is_manager

    def action_log_first_contact(self):
        """Record the first contact the rep made elsewhere, and show the dialog again."""
        self.ensure_one()
        self.lead_id.action_log_first_contact()
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "name": self.env._("Stage outputs missing"),
        }

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
        # the form or kanban behind the dialog shows the lead where it was: reload it
        return {"type": "ir.actions.client", "tag": "soft_reload"}
