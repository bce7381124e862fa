from odoo import api, fields, models
from odoo.exceptions import UserError


class CrmSignatureWizard(models.TransientModel):
    """The customer signs on the salesperson's device, at the meeting."""

    _name = "crm.signature.wizard"
    _description = "Sign on Site"

    res_model = fields.Char(required=True, readonly=True)
    res_id = fields.Many2oneReference(model_field="res_model", required=True, readonly=True)
    document_name = fields.Char(compute="_compute_document_name")
    signed_by = fields.Char(
        string="Signed by",
        required=True,
        help="The person of the customer who signs, as he writes his name (not the company's name).",
    )
    signature = fields.Binary(required=True)

    @api.depends("res_model", "res_id")
    def _compute_document_name(self):
        for wizard in self:
            wizard.document_name = wizard._document().display_name

    def _document(self):
        signed_models = self.env.registry["crm.signed.document.mixin"]._inherit_children
        if self.res_model not in signed_models:
            raise UserError(self.env._("Only customer-signed documents can be signed here."))
        return self.env[self.res_model].browse(self.res_id).exists()

    def action_sign(self):
        self.ensure_one()
        document = self._document()
        if not document:
            raise UserError(self.env._("The document to sign no longer exists."))
        document.check_access("write")
        document._sign(self.signed_by, self.signature, on_site_user=self.env.user)
        return {"type": "ir.actions.act_window_close"}
