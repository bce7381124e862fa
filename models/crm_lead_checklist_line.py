from odoo import api, fields, models
from odoo.exceptions import UserError

from .crm_lead import CHECKLIST_EVIDENCE_DEPENDS


class CrmLeadChecklistLine(models.Model):
    """One stage output on one lead: ticked by hand, documented, or proven by evidence."""

    _name = "crm.lead.checklist.line"
    _description = "Lead Checklist Line"
    _order = "lead_id, stage_sequence, stage_id, sequence, id"

    lead_id = fields.Many2one("crm.lead", required=True, ondelete="cascade", index=True)
    item_id = fields.Many2one("crm.stage.checklist.item", required=True, ondelete="cascade", index=True)
    stage_id = fields.Many2one(related="item_id.stage_id", store=True)
    stage_sequence = fields.Integer(related="item_id.stage_id.sequence", string="Stage sequence")
    sequence = fields.Integer(related="item_id.sequence", store=True)
    name = fields.Char(related="item_id.name")
    guidance = fields.Text(related="item_id.guidance")
    evidence = fields.Selection(related="item_id.evidence")
    required = fields.Boolean(related="item_id.required")
    company_id = fields.Many2one(related="lead_id.company_id", store=True)
    manual_done = fields.Boolean(string="Ticked", copy=False)
    is_done = fields.Boolean(string="Done", compute="_compute_is_done")
    done_by_id = fields.Many2one("res.users", string="Done by", readonly=True, copy=False)
    done_date = fields.Datetime(string="Done on", readonly=True, copy=False)
    note = fields.Char()
    attachment_ids = fields.Many2many("ir.attachment", string="Documents")
    how_to_complete = fields.Char(string="How to complete", compute="_compute_how_to_complete")

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
        _lines, done = self.lead_id._checklist_state()
        for line in self:
            line.is_done = line.id in done if line.id else line.manual_done

    @api.depends("evidence")
    def _compute_how_to_complete(self):
        hints = self.env["crm.stage.checklist.item"]._evidence_hints()
        for line in self:
            line.how_to_complete = hints.get(line.evidence, "")

    # The lead action that completes an output, by evidence; the others are fields of the lead.
    _COMPLETING_ACTIONS = {
        "needs_confirmed": "action_open_needs",
        "minutes_signed": "action_open_negotiation_minutes",
        "solution_review": "action_view_solution_reviews",
        "quotation": "action_view_sale_quotation",
        "order_confirmed": "action_view_sale_quotation",
    }

    def action_complete(self):
        """Open what completes this output: the needs, minutes, solution reviews or quotations
        of the lead, or the lead itself for its own fields."""
        self.ensure_one()
        lead = self.lead_id
        lead.check_access("write")
        method = self._COMPLETING_ACTIONS.get(self.evidence)
        if method == "action_view_solution_reviews" and not lead.solution_review_ids:
            method = "action_request_solution_review"
        if method:
            return getattr(lead, method)()
        return {
            "type": "ir.actions.act_window",
            "res_model": "crm.lead",
            "res_id": lead.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "current",
        }

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
            vals = dict(
                vals,
                done_by_id=self.env.user.id if vals["manual_done"] else False,
                done_date=fields.Datetime.now() if vals["manual_done"] else False,
            )
        return super().write(vals)
