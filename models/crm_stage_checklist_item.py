from odoo import api, fields, models

EVIDENCE = [
    ("manual", "Ticked by a user"),
    ("attachment", "Document attached"),
    ("source", "Source recorded"),
    ("owner", "Salesperson assigned"),
    ("grading", "Grading complete"),
    ("first_contact", "First contact made"),
    ("spin", "SPIN notes written"),
    ("budget", "Budget range given"),
    ("stakeholders", "Decision maker in the decision chain"),
    ("needs_confirmed", "Needs confirmed by the customer"),
    ("quotation", "Quotation exists"),
    ("order_confirmed", "Order confirmed"),
    ("minutes_signed", "Negotiation minutes signed"),
    ("solution_review", "Solution review approved"),
]


class CrmStageChecklistItem(models.Model):
    """An output a stage requires (e.g. "decision maker known"), with guidance.

    Evidence-backed items are done when the evidence exists on the lead; manual
    and attachment items are ticked or documented on the lead's checklist line.
    """

    _name = "crm.stage.checklist.item"
    _description = "Stage Checklist Item"
    _order = "stage_id, sequence, id"

    stage_id = fields.Many2one("crm.stage", required=True, ondelete="cascade", index=True)
    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    required = fields.Boolean(default=True, help="The lead cannot leave the stage forward before this is done.")
    evidence = fields.Selection(EVIDENCE, required=True, default="manual")
    guidance = fields.Text(translate=True, help="How to produce this output, shown to the rep.")
    active = fields.Boolean(default=True)

    @api.model_create_multi
    def create(self, vals_list):
        items = super().create(vals_list)
        self.env["crm.lead"].search([("probability", "<", 100)])._ensure_checklist_lines()
        return items
