from odoo import api, models


class IrSequence(models.Model):
    _inherit = "ir.sequence"

    @api.model
    def _name_new_documents(self, vals_list, code):
        """Number the documents of ``vals_list`` still named "New" with the sequence ``code``
        of their company (the numbers of minutes, confirmation lists, solution reviews)."""
        new = self.env._("New")
        for vals in vals_list:
            if vals.get("name", new) == new:
                company = self.env["res.company"].browse(vals.get("company_id")) or self.env.company
                vals["name"] = self.with_company(company).next_by_code(code) or new
