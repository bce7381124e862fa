from odoo import models


class MailActivity(models.Model):
    _inherit = "mail.activity"

    def _action_done(self, feedback=False, attachment_ids=None):
        """A done activity on a customer or on one of its leads is progress with that customer."""
        partners = self.env["res.partner"]
        for activity in self:
            if activity.res_model == "res.partner":
                partners |= self.env["res.partner"].browse(activity.res_id)
            elif activity.res_model == "crm.lead":
                partners |= self.env["crm.lead"].browse(activity.res_id).partner_id
        res = super()._action_done(feedback=feedback, attachment_ids=attachment_ids)
        partners.exists()._mark_customer_progress()
        return res
