from odoo import models
from odoo.exceptions import UserError


class IrAttachment(models.Model):
    """The PDF of a customer-signed document is evidence: it stays as it was signed."""

    _inherit = "ir.attachment"

    def _check_not_signed_pdf(self):
        signed_models = self.env.registry["crm.signed.document.mixin"]._inherit_children
        candidates = self.sudo().filtered(lambda attachment: attachment.res_model in signed_models)
        for model in set(candidates.mapped("res_model")):
            documents = self.env[model].sudo().search([("signed_pdf_id", "in", candidates.ids)], limit=1)
            if documents:
                raise UserError(
                    self.env._(
                        "The signed PDF of %(document)s is kept as evidence: it cannot be changed or deleted.",
                        document=documents.display_name,
                    )
                )

    def write(self, vals):
        # everything but the token of a download link (the portal chatter makes one)
        if set(vals) - {"access_token"}:
            self._check_not_signed_pdf()
        return super().write(vals)

    def unlink(self):
        self._check_not_signed_pdf()
        return super().unlink()
