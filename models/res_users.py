from odoo import api, models


class ResUsers(models.Model):
    _inherit = "res.users"

    @api.model
    def review_user_count(self):
        """The systray's reviews to do, each kind of document named in the user's language
        (base_tier_validation names them with the model's English description)."""
        groups = super().review_user_count()
        models_ = self.env["ir.model"].sudo().search([("model", "in", [group["model"] for group in groups])])
        names = {model.model: model.name for model in models_}
        for group in groups:
            group["name"] = names.get(group["model"], group["name"])
        return groups
