from odoo import fields, models

from .crm_lead_need import NEED_TYPES


class CrmNeedConfirmationLine(models.Model):
    """One need as the customer reads and signs it (a copy: later edits of the need do not change it)."""

    _name = "crm.need.confirmation.line"
    _description = "Needs Confirmation Line"
    _inherit = ["crm.signed.document.line.mixin"]
    _order = "confirmation_id, sequence, id"
    _signed_document_field = "confirmation_id"

    confirmation_id = fields.Many2one("crm.need.confirmation", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="confirmation_id.company_id", store=True)
    need_id = fields.Many2one("crm.lead.need", ondelete="set null", index="btree_not_null")
    sequence = fields.Integer(default=10)
    code = fields.Char()
    need_type = fields.Selection(NEED_TYPES, string="Type", required=True)
    description = fields.Text(required=True)
    tags = fields.Char()
