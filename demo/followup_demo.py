"""What the demo's follow-up history needs that no user action can do: follow-ups logged at the
dates they happened, the stage moves of deals closed weeks ago replayed at their dates, deals
lost months ago.

Only demo/crm_lead_followup_demo.xml calls these methods; the production models carry none of them.
"""

from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL


class CrmSalesProcessDemo(models.AbstractModel):
    _inherit = "crm.sales.process.demo"

    @api.model
    def _log_followups(self, lead_id, followups, next_step=False):
        """Log the follow-ups of a lead at the dates they happened.

        ``followups``: tuples ``(day, channel, reaction, reason, content[, next action])``, ``day``
        counted from the lead's creation (days, a float), ``reaction`` False when the customer was
        not reached; the next action of a follow-up was done at the following one.
        ``next_step``: ``(action, days from today[, activity type xmlid[, owner id]])``, the step
        planned at the last follow-up: it becomes the lead's next activity.

        The first follow-up that reached the customer is the lead's first contact, unless one was
        recorded already. The grade cadence's activities due before the last follow-up were done
        by then (the follow-ups log them) and go; the others are due as counted from the lead's
        creation."""
        lead = self.env["crm.lead"].browse(lead_id)
        rows = sorted(followups, key=lambda row: row[0])
        dates = [lead.create_date + timedelta(days=row[0]) for row in rows]
        if dates[-1] > fields.Datetime.now():
            raise ValueError(f"A demo follow-up of {lead.name} is dated in the future ({dates[-1]}).")
        had_first_contact = bool(lead.first_contact_date)
        vals_list = [
            {
                "lead_id": lead.id,
                "date": date,
                "user_id": lead.user_id.id,
                "channel": channel,
                "content": content,
                "customer_reached": bool(reaction),
                "reaction": reaction,
                "reaction_reason": reason,
            }
            for date, (_day, channel, reaction, reason, content, *_next) in zip(dates, rows, strict=True)
        ]
        if next_step:
            action, days, *options = next_step
            activity_type = options[0] if options else False
            vals_list[-1].update(
                next_action=action,
                next_date=fields.Date.context_today(self) + timedelta(days=days),
                next_user_id=options[1] if len(options) > 1 else lead.user_id.id,
                next_activity_type_id=activity_type and self.env.ref(activity_type).id,
            )
        followups = (
            self.env["crm.lead.followup"]
            .with_context(mail_activity_quick_update=True, lang=self._demo_lang())
            .create(vals_list)
        )
        # the next actions done since: planned at a follow-up, due at the next one, no activity left
        done = [
            (followup.id, row[5], next_date.date())
            for followup, row, next_date in zip(followups[:-1], rows[:-1], dates[1:], strict=True)
            if len(row) > 5 and row[5]
        ]
        if done:
            ids, actions, next_dates = zip(*done, strict=True)
            self.env.cr.execute(
                SQL(
                    "UPDATE crm_lead_followup f SET next_action = s.action, next_date = s.next_date, "
                    "next_user_id = %s FROM unnest(%s::int[], %s::varchar[], %s::date[]) AS s(id, action, next_date) "
                    "WHERE f.id = s.id",
                    lead.user_id.id,
                    list(ids),
                    list(actions),
                    list(next_dates),
                )
            )
        followups.invalidate_recordset(["next_action", "next_date", "next_user_id"])
        reached = [date for date, row in zip(dates, rows, strict=True) if row[2]]
        if reached and not had_first_contact:
            lead._process().write({"first_contact_date": reached[0]})
        self._reschedule_cadence(lead, dates[-1].date())

    @api.model
    def _reschedule_cadence(self, lead, done_until):
        """The grade cadence's activities were planned when the demo created the lead (before it
        was dated back): each is due as many days after the lead's creation as it was after the
        install; those due by ``done_until`` were done."""
        cadence = (
            self.env["mail.activity"]
            .with_context(mail_activity_quick_update=True)
            .search([("res_model", "=", "crm.lead"), ("res_id", "=", lead.id), ("automated", "=", True)])
        )
        created_on = lead.create_date.date()
        done = cadence.browse()
        for activity in cadence:
            deadline = created_on + (activity.date_deadline - activity.create_date.date())
            if deadline <= done_until:
                done |= activity
            else:
                activity.date_deadline = deadline
        done.unlink()

    @api.model
    def _replay_stage_moves(self, lead_id, moves):
        """Move a deal of the past months through its stages, at the dates it moved.

        ``moves``: tuples ``(day, stage id, override reason)`` in order, ``day`` counted from the
        lead's creation (none: it stayed where it came in). A move without a reason goes through
        the gate as the salesperson would; with one, the team leader overrides the gate with that
        reason (the stage documents of those deals were signed on paper). A move into a won stage
        closes the deal that day. The history rows, the lead's stage dates and its chatter say
        when each move happened."""
        lead = self.env["crm.lead"].browse(lead_id)
        leader = lead.team_id.user_id
        dates = [lead.create_date] + [lead.create_date + timedelta(days=move[0]) for move in moves]
        # what the chatter said so far (the creation, the assignment) was said when the deal came in
        self._date_new_messages(lead, 0, lead.create_date)
        for (_day, stage_id, reason), date in zip(moves, dates[1:], strict=True):
            since = self._last_message_id()
            if reason:
                self.env["crm.lead.stage.gate"].with_user(leader).with_context(lang=self._demo_lang()).create(
                    {"lead_id": lead.id, "stage_id": stage_id, "override_reason": reason}
                ).action_override()
            else:
                self._advance_leads(lead.ids, stage_id)
            self._date_new_messages(lead, since, date)
        self.env.flush_all()
        rows = lead.stage_history_ids.sorted("id")
        if len(rows) != len(dates):
            raise ValueError(f"{lead.name}: {len(rows)} stage history rows for {len(dates)} stage entries.")
        previous = None
        for row, date in zip(rows, dates, strict=True):
            days = (date - previous).total_seconds() / 86400 if previous else 0.0
            self.env.cr.execute(
                SQL(
                    "UPDATE crm_lead_stage_history SET date = %(date)s, days_in_stage = %(days)s, "
                    "days_in_stage_total = %(days)s, "
                    "user_id = CASE WHEN is_override THEN user_id ELSE %(user)s END WHERE id = %(id)s",
                    date=date,
                    days=days,
                    user=lead.user_id.id,
                    id=row.id,
                )
            )
            previous = date
        won = lead.stage_id.is_won
        self.env.cr.execute(
            SQL(
                "UPDATE crm_lead SET date_last_stage_update = %(date)s, "
                "date_closed = CASE WHEN %(won)s THEN %(date)s ELSE date_closed END WHERE id = %(id)s",
                date=dates[-1],
                won=won,
                id=lead.id,
            )
        )
        rows.invalidate_recordset()
        lead.invalidate_recordset(["date_last_stage_update", "date_closed"])
        self._recompute_close_days(lead)

    @api.model
    def _close_lost(self, lead_id, day, lost_reason_id):
        """The deal was lost ``day`` days after its creation, for ``lost_reason_id``."""
        lead = self.env["crm.lead"].browse(lead_id)
        since = self._last_message_id()
        lead.action_set_lost(lost_reason_id=lost_reason_id)
        self._date_new_messages(lead, since, lead.create_date + timedelta(days=day))
        self.env.cr.execute(
            SQL(
                "UPDATE crm_lead SET date_closed = create_date + %s WHERE id = %s",
                timedelta(days=day),
                lead.id,
            )
        )
        lead.invalidate_recordset(["date_closed"])
        self._recompute_close_days(lead)

    @api.model
    def _recompute_close_days(self, lead):
        lead.env.add_to_compute(lead._fields["day_close"], lead)
        lead.flush_recordset()

    @api.model
    def _last_message_id(self):
        self.env.flush_all()
        self.env.cr.execute(SQL("SELECT COALESCE(max(id), 0) FROM mail_message"))
        return self.env.cr.fetchone()[0]

    @api.model
    def _date_new_messages(self, lead, since, date):
        """The lead's messages posted after message ``since`` are dated ``date`` (in its chatter,
        a deal closed months ago was not moved today)."""
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "UPDATE mail_message SET date = %s WHERE model = 'crm.lead' AND res_id = %s AND id > %s",
                date,
                lead.id,
                since,
            )
        )
        self.env["mail.message"].invalidate_model(["date"])
