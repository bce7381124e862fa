from functools import cache

from odoo import api, fields, models
from odoo.exceptions import UserError

from .crm_lead_followup import REACTIONS


class MailActivity(models.Model):
    _inherit = "mail.activity"

    @api.model_create_multi
    def create(self, vals_list):
        activities = super().create(vals_list)
        lead_activities = activities.filtered(lambda activity: activity.res_model == "crm.lead")
        if lead_activities:
            self.env["crm.lead"]._refresh_next_step(lead_activities.mapped("res_id"))
            followup_id = self.env.context.get("crm_followup_id")
            if isinstance(followup_id, int) and len(lead_activities) == 1:
                # the activity scheduled with "Done & Schedule Next" is the next step of the follow-up
                # the done activity logged; only that follow-up, by its author, on the same lead
                followup = self.env["crm.lead.followup"].browse(followup_id).exists()
                if followup and followup.create_uid == self.env.user:
                    followup._link_next_activity(lead_activities)
        return activities

    def write(self, vals):
        moved = {"res_model", "res_model_id", "res_id", "active"} & set(vals)
        lead_ids = set(self._lead_ids()) if moved else set()
        res = super().write(vals)
        if moved:
            self.env["crm.lead"]._refresh_next_step(lead_ids | set(self._lead_ids()))
        return res

    def unlink(self):
        lead_ids = self._lead_ids()
        res = super().unlink()
        self.env["crm.lead"]._refresh_next_step(lead_ids)
        return res

    def _lead_ids(self):
        return [activity.res_id for activity in self if activity.res_model == "crm.lead"]

    def _action_done(self, feedback=False, attachment_ids=None):
        """A done activity on a customer or on one of its leads is progress with that customer; on a
        lead, a call, email or meeting (or any activity given the customer's reaction) logs a follow-up."""
        partners = self.env["res.partner"]
        for activity in self:
            if activity.res_model == "res.partner":
                partners |= self.env["res.partner"].browse(activity.res_id)
            elif activity.res_model == "crm.lead":
                partners |= self.env["crm.lead"].browse(activity.res_id).partner_id
        followup_values = self._followup_values(feedback)
        res = super()._action_done(feedback=feedback, attachment_ids=attachment_ids)
        if followup_values:
            # marking one's activity done is allowed to whoever may do it; the record it leaves is the process's
            self.env["crm.lead.followup"].sudo().create(followup_values)
        partners.exists()._mark_customer_progress()
        return res

    def _followup_values(self, feedback):
        """The follow-ups the done activities log (read before they are deleted)."""
        reaction = self.env.context.get("crm_followup_reaction") or False
        if reaction and reaction not in dict(REACTIONS):
            raise UserError(self.env._("The customer's reaction must be positive, neutral or negative."))
        reason = self.env.context.get("crm_followup_reason") or False
        if reason and not isinstance(reason, str):
            raise UserError(self.env._("The reason of the customer's reaction must be a text."))
        values = []
        for activity in self.filtered(lambda activity: activity.res_model == "crm.lead"):
            channel = activity.activity_type_id.followup_channel
            if not channel and not reaction:
                continue
            content = (feedback or "").strip() or activity.summary or activity.activity_type_id.name
            values.append(
                {
                    "lead_id": activity.res_id,
                    "user_id": self.env.user.id,
                    "channel": channel or "other",
                    "content": content,
                    "reaction": reaction,
                    "reaction_reason": reason and reason.strip()[:256],
                    "activity_type_id": activity.activity_type_id.id,
                }
            )
        return values

    def action_feedback_schedule_next(self, feedback=False, attachment_ids=None):
        """The activity scheduled next becomes the next step of the follow-up this one logs."""
        lead_ids = self._lead_ids()
        action = super().action_feedback_schedule_next(feedback=feedback, attachment_ids=attachment_ids)
        if isinstance(action, dict) and len(lead_ids) == 1:
            followup = self.env["crm.lead.followup"].search(
                [
                    ("lead_id", "=", lead_ids[0]),
                    ("create_uid", "=", self.env.uid),
                    ("create_date", "=", self.env.cr.now()),
                    ("next_activity_id", "=", False),
                ],
                limit=1,
            )
            if followup:
                action["context"] = {**action.get("context", {}), "crm_followup_id": followup.id}
        return action

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
