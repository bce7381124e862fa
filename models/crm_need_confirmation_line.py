from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .crm_lead_need import NEED_TYPES


class CrmNeedConfirmationLine(models.Model):
    """One need as the customer reads and signs it (a copy: later edits of the need do not change it)."""

    _name = "crm.need.confirmation.line"
    _description = "Needs Confirmation Line"
    _inherit = ["crm.signed.document.line.mixin"]
    _order = "confirmation_id, sequence, id"
    _signed_document_field = "confirmation_id"
    # the need a line confirms is linked by the list itself (``_load_needs``), never by hand
    _process_fields = ("need_id",)

    confirmation_id = fields.Many2one("crm.need.confirmation", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="confirmation_id.company_id", store=True)
    need_id = fields.Many2one("crm.lead.need", ondelete="set null", index="btree_not_null", copy=False)
    sequence = fields.Integer(default=10)
    code = fields.Char()
    need_type = fields.Selection(NEED_TYPES, string="Type", required=True)
    description = fields.Text(required=True)
    tags = fields.Char()

    @api.constrains("need_id", "confirmation_id")
    def _check_need_of_lead(self):
        for line in self:
            if line.need_id and line.need_id.lead_id != line.confirmation_id.lead_id:
                raise ValidationError(
                    self.env._(
                        "Need %(need)s belongs to another opportunity than %(list)s.",
                        need=line.need_id.sudo().code,
                        list=line.confirmation_id.name,
                    )
                )
