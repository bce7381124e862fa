"""Follow-up records (跟进记录): what was said at each call, email, visit or online meeting,
how the customer reacted, and the next step, which becomes the lead's next activity.

A follow-up is logged by hand on the lead or when an activity is marked done (see
``mail_activity.py``). The lead keeps the date of its last follow-up and whether it has a
planned next step (an open activity), both stored columns kept by set-based SQL: the
pipeline filters on them without a query per lead.
"""

from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

from .crm_process_guard import ProcessGuard

CHANNELS = [
    ("call", "Call"),
    ("email", "Email"),
    ("visit", "Visit"),
    ("online_meeting", "Online meeting"),
    ("other", "Other"),
]
REACTIONS = [("positive", "Positive"), ("neutral", "Neutral"), ("negative", "Negative")]


class CrmLeadFollowup(ProcessGuard, models.Model):
    _name = "crm.lead.followup"
    _description = "Lead Follow-up"
    _order = "date desc, id desc"
    _rec_name = "lead_id"
    # the next activity is created and kept by the follow-up; the activity type it came from is
    # the one of the activity marked done
    _process_fields = ("next_activity_id", "activity_type_id")

    lead_id = fields.Many2one("crm.lead", required=True, ondelete="cascade", index=True)
    partner_id = fields.Many2one(related="lead_id.partner_id", string="Customer")
    company_id = fields.Many2one(related="lead_id.company_id", store=True, index=True)
    date = fields.Datetime(required=True, default=fields.Datetime.now, index=True)
    user_id = fields.Many2one(
        "res.users", string="Followed up by", required=True, default=lambda self: self.env.user, index=True
    )
    channel = fields.Selection(CHANNELS, required=True, default="call")
    content = fields.Text(required=True, help="What was said: the customer's needs, questions, what was presented.")
    customer_reached = fields.Boolean(
        default=True,
        help="The customer was reached (a call answered, a meeting held). Only a follow-up that reached the "
        "customer counts as the lead's first contact.",
    )
    reaction = fields.Selection(REACTIONS, string="Customer reaction", index=True)
    reaction_reason = fields.Char(
        string="Reason", help="Why the customer reacted so, e.g. “needs internal discussion”, “budget too low”."
    )
    next_action = fields.Char(string="Next step", help="What is done next, e.g. “send the test data”.")
    next_date = fields.Date(string="Next step by")
    next_user_id = fields.Many2one(
        "res.users", string="Next step owner", help="Who does the next step; the lead's salesperson when empty."
    )
    next_activity_type_id = fields.Many2one(
        "mail.activity.type",
        string="Next step type",
        domain="['|', ('res_model', '=', False), ('res_model', '=', 'crm.lead')]",
    )
    next_activity_id = fields.Many2one("mail.activity", string="Next activity", readonly=True, ondelete="set null")
    activity_type_id = fields.Many2one(
        "mail.activity.type", string="From activity", readonly=True, help="The activity marked done that logged it."
    )

    _sql_constraints = [
        (
            "next_step_complete",
            "CHECK ((next_action IS NULL) = (next_date IS NULL))",
            "A next step needs both what is done and by when.",
        ),
    ]

    @api.depends("lead_id", "date")
    @api.depends_context("tz")
    def _compute_display_name(self):
        for followup in self:
            # the day the reader lived it, in his time zone
            day = followup.date and fields.Datetime.context_timestamp(followup, followup.date).date()
            followup.display_name = f"{followup.lead_id.name or ''} · {fields.Date.to_string(day) or ''}"

    @api.constrains("date")
    def _check_date(self):
        # a few minutes of clock difference between the rep's device and the server are allowed
        limit = fields.Datetime.now() + timedelta(minutes=10)
        for followup in self:
            if followup.date > limit:
                raise ValidationError(self.env._("A follow-up cannot be dated in the future."))

    @api.constrains("next_date", "date")
    def _check_next_date(self):
        for followup in self:
            if followup.next_date and followup.next_date < followup.date.date():
                raise ValidationError(self.env._("The next step cannot be due before the follow-up it comes from."))

    @api.onchange("lead_id")
    def _onchange_lead_id(self):
        if self.lead_id and not self.next_user_id:
            self.next_user_id = self.lead_id.user_id

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            # the next step's two halves come together: an empty text is no step
            if not vals.get("next_action"):
                vals["next_action"] = False
        followups = super().create(vals_list)
        followups._sync_next_activity()
        followups.lead_id._followup_logged(followups)
        return followups

    def write(self, vals):
        if "lead_id" in vals and any(followup.lead_id.id != vals["lead_id"] for followup in self):
            # what was said to one customer is not moved to another lead (its first contact, counts, history)
            raise UserError(self.env._("A follow-up stays on the lead it was logged on."))
        res = super().write(vals)
        if {"next_action", "next_date", "next_user_id", "next_activity_type_id"} & set(vals):
            self._sync_next_activity()
        if "date" in vals:
            self.lead_id._followup_refresh()
        return res

    def unlink(self):
        leads = self.lead_id
        res = super().unlink()
        leads.exists()._followup_refresh()
        return res

    def _sync_next_activity(self):
        """Create or update the lead's activity of each follow-up's next step."""
        todo = self.env.ref("mail.mail_activity_data_todo")
        lead_model_id = self.env["ir.model"]._get_id("crm.lead")
        to_create = []
        for followup in self.filtered("next_action"):
            values = {
                "activity_type_id": (followup.next_activity_type_id or todo).id,
                "summary": followup.next_action,
                "date_deadline": followup.next_date,
                "user_id": (followup.next_user_id or followup.lead_id.user_id or followup.user_id).id,
            }
            if followup.next_activity_id.active:
                followup.next_activity_id.write(values)
            else:
                to_create.append((followup, values))
        if not to_create:
            return
        activities = self.env["mail.activity"].create(
            [{**values, "res_model_id": lead_model_id, "res_id": followup.lead_id.id} for followup, values in to_create]
        )
        for (followup, _values), activity in zip(to_create, activities, strict=True):
            followup._process().write({"next_activity_id": activity.id})

    def _link_next_activity(self, activity):
        """``activity``, scheduled right after the activity done that logged this follow-up, is its next step."""
        self.ensure_one()
        if self.next_activity_id or activity.res_model != "crm.lead" or activity.res_id != self.lead_id.id:
            return
        self._process().write(
            {
                "next_activity_id": activity.id,
                "next_action": activity.summary or activity.activity_type_id.name,
                "next_date": activity.date_deadline,
                "next_user_id": activity.user_id.id,
                "next_activity_type_id": activity.activity_type_id.id,
            }
        )


class CrmLead(models.Model):
    _inherit = "crm.lead"
    # kept by the follow-ups and the activities, in SQL (see _followup_refresh, _refresh_next_step)
    _process_fields = ("last_followup_date", "followup_count", "has_next_step")

    followup_ids = fields.One2many("crm.lead.followup", "lead_id", string="Follow-ups")
    followup_count = fields.Integer(string="Follow-up count", readonly=True, copy=False)
    last_followup_date = fields.Datetime(
        string="Last follow-up", readonly=True, copy=False, index=True, help="The date of the latest follow-up record."
    )
    days_since_followup = fields.Integer(
        compute="_compute_days_since_followup",
        string="Days since last follow-up",
        help="Days since the latest follow-up (since the lead was created when none was logged yet).",
    )
    has_next_step = fields.Boolean(
        string="Next step planned",
        readonly=True,
        copy=False,
        index=True,
        help="The lead has an open activity: its next step is planned.",
    )

    @api.depends("last_followup_date", "create_date")
    def _compute_days_since_followup(self):
        now = fields.Datetime.now()
        for lead in self:
            since = lead.last_followup_date or lead.create_date
            lead.days_since_followup = (now - since).days if since else 0

    def _followup_logged(self, followups):
        """What a new follow-up means for its lead: its last follow-up date, the customer's progress and,
        when it reached the customer, the lead's first contact."""
        self._followup_refresh()
        self.partner_id._mark_customer_progress()
        reached = followups.filtered("customer_reached").lead_id.filtered(lambda lead: not lead.first_contact_date)
        if reached:
            # the moment it is logged: the SLA cannot be met by dating a follow-up back
            reached.sudo()._process().write({"first_contact_date": fields.Datetime.now()})

    def _followup_refresh(self):
        """Store the date of the leads' last follow-up and their number of follow-ups (one UPDATE)."""
        if not self:
            return
        self.env["crm.lead.followup"].flush_model(["lead_id", "date"])
        self.env.cr.execute(
            SQL(
                """
                UPDATE crm_lead l SET last_followup_date = f.last, followup_count = COALESCE(f.total, 0)
                  FROM crm_lead l2
                  LEFT JOIN LATERAL (SELECT max(date) AS last, count(*) AS total
                                       FROM crm_lead_followup WHERE lead_id = l2.id) f ON TRUE
                 WHERE l.id = l2.id AND l2.id IN %s
                """,
                tuple(self.ids),
            )
        )
        self.invalidate_recordset(["last_followup_date", "followup_count"], flush=False)

    @api.model
    def _refresh_next_step(self, lead_ids):
        """Store for ``lead_ids`` whether each has an open activity (one UPDATE)."""
        lead_ids = tuple(lead_id for lead_id in lead_ids if lead_id)
        if not lead_ids:
            return
        self.env["mail.activity"].flush_model(["res_model", "res_id", "active"])
        self.env.cr.execute(
            SQL(
                """
                UPDATE crm_lead l SET has_next_step = planned.value
                  FROM (SELECT l2.id, EXISTS(SELECT 1 FROM mail_activity a
                                              WHERE a.res_model = 'crm.lead' AND a.res_id = l2.id AND a.active) AS value
                          FROM crm_lead l2 WHERE l2.id IN %s) planned
                 WHERE l.id = planned.id AND l.has_next_step IS DISTINCT FROM planned.value
                """,
                lead_ids,
            )
        )
        self.browse(lead_ids).invalidate_recordset(["has_next_step"], flush=False)

    def action_log_followup(self):
        self.ensure_one()
        self.check_access("read")
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Log Follow-up"),
            "res_model": "crm.lead.followup",
            "view_mode": "form",
            "views": [(self.env.ref("crm_sales_process.crm_lead_followup_view_form").id, "form")],
            "target": "new",
            "context": {
                "default_lead_id": self.id,
                "default_next_user_id": self.user_id.id or self.env.uid,
                "dialog_size": "large",
            },
        }

    def action_open_followups(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("crm_sales_process.crm_lead_followup_action")
        action["domain"] = [("lead_id", "=", self.id)]
        action["context"] = {"default_lead_id": self.id, "default_next_user_id": self.user_id.id or self.env.uid}
        return action
