from odoo import api, fields, models
from odoo.exceptions import UserError

from .crm_process_guard import ProcessGuard
from .crm_stage_checklist_item import CHECKLIST_EVIDENCE_DEPENDS, EVIDENCE_KINDS


class CrmLeadChecklistLine(ProcessGuard, models.Model):
    """One stage output on one lead: ticked by hand, documented, or proven by evidence."""

    _name = "crm.lead.checklist.line"
    _description = "Lead Checklist Line"
    _order = "lead_id, stage_sequence, stage_id, sequence, id"
    # who ticked a manual output and when: recorded by the tick itself
    _process_fields = ("done_by_id", "done_date")

    lead_id = fields.Many2one("crm.lead", required=True, ondelete="cascade", index=True)
    item_id = fields.Many2one("crm.stage.checklist.item", required=True, ondelete="cascade", index=True)
    stage_id = fields.Many2one(related="item_id.stage_id", store=True, precompute=True)
    stage_sequence = fields.Integer(related="item_id.stage_id.sequence", string="Stage sequence")
    sequence = fields.Integer(related="item_id.sequence", store=True, precompute=True)
    name = fields.Char(related="item_id.name")
    guidance = fields.Text(related="item_id.guidance")
    evidence = fields.Selection(related="item_id.evidence")
    required = fields.Boolean(related="item_id.required")
    company_id = fields.Many2one(related="lead_id.company_id", store=True, precompute=True)
    manual_done = fields.Boolean(string="Ticked", copy=False)
    is_done = fields.Boolean(string="Done", compute="_compute_is_done")
    done_by_id = fields.Many2one("res.users", string="Done by", readonly=True, copy=False)
    done_date = fields.Datetime(string="Done on", readonly=True, copy=False)
    note = fields.Char()
    attachment_ids = fields.Many2many("ir.attachment", string="Documents")
    how_to_complete = fields.Char(string="How to complete", compute="_compute_how_to_complete")
    # the lead method opening what completes the output, for the gate dialog's buttons
    complete_action = fields.Char(compute="_compute_how_to_complete")

    _sql_constraints = [
        ("lead_item_uniq", "unique(lead_id, item_id)", "A lead has one checklist line per stage output."),
    ]

    @api.depends(
        "manual_done",
        "attachment_ids",
        "item_id.evidence",
        *(f"lead_id.{name}" for name in CHECKLIST_EVIDENCE_DEPENDS),
    )
    def _compute_is_done(self):
        _items, _lines, done = self.lead_id._checklist_state(self.item_id)
        for line in self:
            line.is_done = (line.lead_id.id, line.item_id.id) in done if line.id else line.manual_done

    @api.depends("evidence")
    def _compute_how_to_complete(self):
        hints = self.env["crm.stage.checklist.item"]._evidence_hints()
        for line in self:
            line.how_to_complete = hints.get(line.evidence, "")
            line.complete_action = line.evidence and EVIDENCE_KINDS[line.evidence].action

    def write(self, vals):
        if "manual_done" in vals:
            evidence_lines = self.filtered(lambda line: line.evidence != "manual")
            if evidence_lines:
                raise UserError(
                    self.env._(
                        "“%(item)s” is done when its evidence exists; it cannot be ticked by hand.",
                        item=evidence_lines[0].name,
                    )
                )
        return super().write(vals)

    def _process_fields_hint(self, field_names):
        return self.env._("Tick the output: who ticked it and when are recorded then.")

    def _process_prepare_vals(self, vals_list, creating):
        """A tick records who ticked and when; untick clears them."""
        return [
            {
                "done_by_id": self.env.user.id if vals["manual_done"] else False,
                "done_date": fields.Datetime.now() if vals["manual_done"] else False,
                **vals,
            }
            if "manual_done" in vals
            else vals
            for vals in vals_list
        ]

    def action_complete(self):
        """Open what completes this output: the needs, minutes, solution reviews or quotations
        of the lead, or the lead itself for its own fields."""
        self.ensure_one()
        lead = self.lead_id
        lead.check_access("write")
        return getattr(lead, EVIDENCE_KINDS[self.evidence].action or "action_open_lead_form")()
