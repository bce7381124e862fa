from functools import cache

from odoo import api, fields, models


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

    @api.model
    def _create_reminders(self, activity_type, reminders):
        """Automated activities of ``activity_type`` for many records at once (crons):
        ``reminders`` are (record, user, summary, note), each due today in its user's time zone.
        One create, without the "assigned to you" email per activity (hundreds at scale, each
        rendered and queued one by one): the users see them in their activities."""
        today = cache(lambda tz: fields.Date.context_today(self.with_context(tz=tz)))
        model_id = cache(self.env["ir.model"]._get_id)
        return self.with_context(mail_activity_quick_update=True).create(
            [
                {
                    "res_model_id": model_id(record._name),
                    "res_id": record.id,
                    "activity_type_id": activity_type.id,
                    "automated": True,
                    "user_id": user.id,
                    "date_deadline": today(user.tz),
                    "summary": summary,
                    "note": note,
                }
                for record, user, summary, note in reminders
            ]
        )
