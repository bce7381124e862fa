"""The first-contact SLA of leads: the deadline their grade gives, the first contact the
process records (a done call, meeting or email activity, a message to the customer, or
the rep's "Log first contact"), lateness, and the escalation of overdue A leads to the
team leader (cron).
"""

import logging
from collections import defaultdict
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.osv import expression

_logger = logging.getLogger(__name__)

FIRST_CONTACT_STATES = {"pending": "Pending", "on_time": "On time", "late": "Late", "overdue": "Overdue"}
FIRST_CONTACT_FIELDS = frozenset(
    {"first_contact_deadline", "first_contact_date", "first_contact_late", "first_contact_escalated"}
)


class CrmLead(models.Model):
    """Leads contacted within the hours their grade allows."""

    _inherit = "crm.lead"
    # the deadline follows the grade, the date is recorded by the process, the escalation by the cron
    _process_fields = tuple(FIRST_CONTACT_FIELDS)

    first_contact_deadline = fields.Datetime(
        compute="_compute_first_contact_deadline",
        store=True,
        copy=False,
        help="Assignment (or creation) plus the hours the company allows for the lead's grade.",
    )
    first_contact_date = fields.Datetime(copy=False, tracking=True, readonly=True)
    first_contact_late = fields.Boolean(compute="_compute_first_contact_late", store=True, copy=False)
    first_contact_state = fields.Selection(
        list(FIRST_CONTACT_STATES.items()),
        compute="_compute_first_contact_state",
        search="_search_first_contact_state",
    )
    first_contact_escalated = fields.Boolean(copy=False, readonly=True)

    @api.depends("create_date", "date_open", "grade")
    def _compute_first_contact_deadline(self):
        for lead in self:
            if not lead.grade:
                lead.first_contact_deadline = False
                continue
            start = max(filter(None, [lead.create_date, lead.date_open]), default=fields.Datetime.now())
            company = lead.company_id or self.env.company
            hours = company[f"first_contact_hours_{lead.grade}"]
            lead.first_contact_deadline = start + timedelta(hours=hours)

    @api.depends("first_contact_date", "first_contact_deadline")
    def _compute_first_contact_late(self):
        for lead in self:
            lead.first_contact_late = bool(
                lead.first_contact_date
                and lead.first_contact_deadline
                and lead.first_contact_date > lead.first_contact_deadline
            )

    @api.depends("first_contact_date", "first_contact_late", "first_contact_deadline")
    def _compute_first_contact_state(self):
        # on every pipeline card: the values are read as columns, each lead sorted into its
        # state, then each state assigned to its leads at once (not a field access per card)
        now = fields.Datetime.now()
        by_state = defaultdict(list)
        columns = self._columns("first_contact_date", "first_contact_late", "first_contact_deadline")
        for lead_id, date, late, deadline in zip(self._ids, *columns, strict=True):
            if date:
                state = "late" if late else "on_time"
            else:
                state = "overdue" if deadline and deadline < now else "pending"
            by_state[state].append(lead_id)
        for state, lead_ids in by_state.items():
            self.browse(lead_ids).first_contact_state = state

    def _search_first_contact_state(self, operator, value):
        if operator not in ("=", "!=", "in", "not in"):
            raise UserError(self.env._("The first-contact state can only be searched for equality."))
        values = {value} if isinstance(value, str) else set(value or [])
        if operator in ("!=", "not in"):
            values = set(FIRST_CONTACT_STATES) - values
        now = fields.Datetime.now()
        state_domains = {
            "pending": [
                ("first_contact_date", "=", False),
                "|",
                ("first_contact_deadline", "=", False),
                ("first_contact_deadline", ">=", now),
            ],
            "overdue": [("first_contact_date", "=", False), ("first_contact_deadline", "<", now)],
            "on_time": [("first_contact_date", "!=", False), ("first_contact_late", "=", False)],
            "late": [("first_contact_date", "!=", False), ("first_contact_late", "=", True)],
        }
        return expression.OR([state_domains[state] for state in values if state in state_domains] or [[(0, "=", 1)]])

    def _process_fields_hint(self, field_names):
        if field_names & FIRST_CONTACT_FIELDS:
            return self.env._(
                "The first contact is recorded when a call, meeting or email activity is marked done or a message "
                "is sent to the customer; if you reached him another way, log the first contact on the lead."
            )
        return super()._process_fields_hint(field_names)

    def action_log_first_contact(self):
        """Record that the rep reached the customer now (a visit, a call from a mobile…)."""
        self.check_access("write")
        leads = self.filtered(lambda lead: not lead.first_contact_date)
        if not leads:
            raise UserError(self.env._("The first contact of this lead is already recorded."))
        leads._process().write({"first_contact_date": fields.Datetime.now()})
        return True

    def _message_post_after_hook(self, message, msg_vals):
        if not self.first_contact_date and self._is_customer_contact_message(message):
            # the author may follow the lead without the right to edit it
            self.sudo().first_contact_date = message.date or fields.Datetime.now()
        return super()._message_post_after_hook(message, msg_vals)

    def _is_customer_contact_message(self, message):
        """A done call/meeting/email activity, or a message sent to the customer."""
        if message.mail_activity_type_id:
            return message.mail_activity_type_id.counts_as_first_contact
        if message.message_type not in ("comment", "email_outgoing"):
            return False
        if message.subtype_id != self.env.ref("mail.mt_comment"):
            return False
        if not message.author_id.user_ids.filtered(lambda user: not user.share):
            return False
        internal_partners = message.partner_ids.user_ids.filtered(lambda user: not user.share).partner_id
        return bool(message.partner_ids - internal_partners)

    @api.model
    def _cron_escalate_overdue_first_contact(self, batch_size=1000):
        """Give the team leader one activity for each A lead whose first contact is overdue.

        ``batch_size`` leads per transaction: each batch marks its leads escalated and commits with
        their activities, so a run cut short goes on where it stopped and no leader is told twice.
        Returns the number of leads escalated."""
        domain = [
            ("grade", "=", "a"),
            ("first_contact_state", "=", "overdue"),
            ("first_contact_escalated", "=", False),
            ("probability", "<", 100),
            ("team_id.user_id", "!=", False),
        ]
        total = self.search_count(domain)
        activity_type = self.env.ref("crm_sales_process.mail_activity_type_first_contact_overdue")
        done = escalated_count = last_id = 0
        # by increasing id: a lead its leader may not read stays unescalated, and is not found again
        while leads := self.search([*domain, ("id", ">", last_id)], limit=batch_size, order="id"):
            last_id = leads[-1].id
            escalated = self.browse()
            reminders = []
            # the leader reads it: in his language and time zone (one access check and one
            # translation read per leader, not per lead)
            for leader, leader_leads in leads.grouped(lambda lead: lead.team_id.user_id).items():
                readable = leader_leads.with_user(leader)._filtered_access("read")
                env = self.with_context(lang=leader.lang).env
                summary = activity_type.with_env(env).summary
                for lead in readable.with_env(env):
                    company = lead.company_id or env.company
                    note = env._(
                        "The first contact of this A lead was due on %(deadline)s and nobody reached the "
                        "customer yet (owner: %(owner)s).",
                        deadline=company._local_datetime_str(lead.first_contact_deadline, tz=leader.tz),
                        owner=lead.user_id.name or env._("unassigned"),
                    )
                    reminders.append((lead, leader, summary, note))
                escalated |= readable.with_env(self.env)
            self.env["mail.activity"]._create_reminders(activity_type, reminders)
            escalated._process().write({"first_contact_escalated": True})
            done += len(leads)
            escalated_count += len(escalated)
            self.env["ir.cron"]._batch_done(done, total - done)
        _logger.info("First-contact escalation: %s overdue A lead(s) escalated", escalated_count)
        return escalated_count
