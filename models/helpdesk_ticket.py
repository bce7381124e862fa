"""After-sales service records (售后服务记录) are OCA helpdesk_mgmt tickets: linked to the customer
and the order, with a service type, a response deadline (15 minutes) and a resolution deadline
(48 hours, 2 hours on site when urgent) counted on the support team's working calendar, breach
flags, a single escalation per breach to the after-sales manager, a follow-up visit due 3 days
after resolution and the customer's satisfaction (1 to 5).

Why not ``helpdesk_mgmt_sla``: its SLAs are whole hours and are checked when a ticket changes
stage; the response here is due in minutes and runs out while nobody touches the ticket.

- ``responded_at`` is the first reply to the customer (a message sent from the ticket by one of
  our users) or *Responded* for a call; ``resolved_at`` the move to a closed stage. Both, the
  deadlines, the escalations and the follow-up visit are process fields no client writes.
- The follow-up visit (回访) is recorded with its wizard: the customer's satisfaction and remark.
"""

import logging
from datetime import timedelta

import pytz

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from .crm_process_guard import ProcessGuard

_logger = logging.getLogger(__name__)

SERVICE_TYPES = [
    ("fault", "Fault"),
    ("consultation", "Consultation"),
    ("maintenance", "Maintenance"),
    ("complaint", "Complaint"),
]
SLA_RESULTS = [("met", "Within SLA"), ("breached", "Breached")]
SATISFACTION = [
    ("1", "1 - Very dissatisfied"),
    ("2", "2 - Dissatisfied"),
    ("3", "3 - Neutral"),
    ("4", "4 - Satisfied"),
    ("5", "5 - Very satisfied"),
]
FOLLOWUP_VISIT_DAYS = 3


class ResCompany(models.Model):
    _inherit = "res.company"

    aftersales_response_minutes = fields.Integer(
        string="Respond within (minutes)", default=15, help="Working minutes of the support calendar."
    )
    aftersales_resolution_hours = fields.Float(
        string="Resolve within (hours)", default=48.0, help="Working hours of the support calendar."
    )
    aftersales_urgent_resolution_hours = fields.Float(
        string="Resolve urgent within (hours)", default=2.0, help="Urgent problems, solved on site."
    )
    aftersales_manager_id = fields.Many2one(
        "res.users",
        string="After-sales manager",
        help="Hears of every breached response or resolution deadline (once each). When empty, the first "
        "helpdesk manager of the company.",
    )

    _sql_constraints = [
        (
            "aftersales_sla_positive",
            "CHECK(aftersales_response_minutes > 0 AND aftersales_resolution_hours > 0 "
            "AND aftersales_urgent_resolution_hours > 0)",
            "After-sales deadlines are positive.",
        ),
    ]

    def _aftersales_manager(self):
        self.ensure_one()
        if self.aftersales_manager_id:
            return self.aftersales_manager_id
        group = self.env.ref("helpdesk_mgmt.group_helpdesk_manager")
        return (
            self.env["res.users"]
            .sudo()
            .search([("groups_id", "in", group.ids), ("company_ids", "in", self.ids), ("share", "=", False)], limit=1)
        )


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    aftersales_response_minutes = fields.Integer(related="company_id.aftersales_response_minutes", readonly=False)
    aftersales_resolution_hours = fields.Float(related="company_id.aftersales_resolution_hours", readonly=False)
    aftersales_urgent_resolution_hours = fields.Float(
        related="company_id.aftersales_urgent_resolution_hours", readonly=False
    )
    aftersales_manager_id = fields.Many2one(related="company_id.aftersales_manager_id", readonly=False)


class HelpdeskTicketTeam(models.Model):
    _inherit = "helpdesk.ticket.team"

    resource_calendar_id = fields.Many2one(
        "resource.calendar",
        string="Support hours",
        help="The working calendar the response and resolution deadlines are counted on (the company's when empty).",
    )


class HelpdeskTicket(ProcessGuard, models.Model):
    _inherit = "helpdesk.ticket"

    _process_fields = (
        "responded_at",
        "resolved_at",
        "response_escalated_at",
        "resolution_escalated_at",
        "followup_done_at",
        "followup_user_id",
        "satisfaction",
        "satisfaction_remark",
    )

    service_type = fields.Selection(SERVICE_TYPES, default="fault", required=True, tracking=True, index=True)
    sale_order_id = fields.Many2one(
        "sale.order",
        string="Customer order",
        index="btree_not_null",
        tracking=True,
        domain="[('state', '=', 'sale'), ('partner_id', 'child_of', commercial_partner_id)]",
        help="The contract order the problem is about.",
    )
    urgent = fields.Boolean(
        string="Urgent (on site)",
        tracking=True,
        help="An urgent problem is solved on site within the company's urgent resolution time (2 hours).",
    )
    handling = fields.Html(help="What was done to solve the problem.")
    result = fields.Text(help="The outcome for the customer.")
    response_deadline = fields.Datetime(
        string="Respond by", compute="_compute_deadlines", store=True, index="btree_not_null"
    )
    resolution_deadline = fields.Datetime(
        string="Resolve by", compute="_compute_deadlines", store=True, index="btree_not_null"
    )
    responded_at = fields.Datetime(string="Responded on", readonly=True, copy=False, tracking=True)
    resolved_at = fields.Datetime(string="Resolved on", readonly=True, copy=False, tracking=True)
    response_sla = fields.Selection(
        SLA_RESULTS, string="Response SLA", compute="_compute_sla", store=True, index="btree_not_null"
    )
    resolution_sla = fields.Selection(
        SLA_RESULTS, string="Resolution SLA", compute="_compute_sla", store=True, index="btree_not_null"
    )
    response_breached = fields.Boolean(
        string="Response overdue",
        compute="_compute_breached",
        search="_search_response_breached",
        help="Not answered in time.",
    )
    resolution_breached = fields.Boolean(
        string="Resolution overdue",
        compute="_compute_breached",
        search="_search_resolution_breached",
        help="Not resolved in time.",
    )
    response_escalated_at = fields.Datetime(string="Response escalated on", readonly=True, copy=False)
    resolution_escalated_at = fields.Datetime(string="Resolution escalated on", readonly=True, copy=False)
    followup_due_date = fields.Date(
        string="Follow-up visit due",
        compute="_compute_followup_due_date",
        store=True,
        index="btree_not_null",
        help="3 days after the resolution: ask the customer how it works and how satisfied he is.",
    )
    followup_done_at = fields.Datetime(string="Follow-up visit on", readonly=True, copy=False, tracking=True)
    followup_user_id = fields.Many2one("res.users", string="Visited by", readonly=True, copy=False)
    followup_overdue = fields.Boolean(
        string="Follow-up visit overdue", compute="_compute_followup_overdue", search="_search_followup_overdue"
    )
    satisfaction = fields.Selection(SATISFACTION, readonly=True, copy=False, tracking=True, index="btree_not_null")
    satisfaction_remark = fields.Text(string="Customer's remarks", readonly=True, copy=False)

    # ---- deadlines -----------------------------------------------------------------------------

    def _support_calendar(self):
        self.ensure_one()
        company = self.company_id or self.env.company
        return self.team_id.resource_calendar_id or company.resource_calendar_id

    def _plan_working_hours(self, start, hours):
        """``start`` (naive UTC) plus ``hours`` of the ticket's support calendar, naive UTC."""
        calendar = self._support_calendar()
        if not calendar:
            return start + timedelta(hours=hours)
        tz = pytz.timezone(calendar.tz or "UTC")
        moment = calendar.plan_hours(hours, pytz.utc.localize(start).astimezone(tz), compute_leaves=True)
        return moment.astimezone(pytz.utc).replace(tzinfo=None) if moment else False

    @api.depends("create_date", "urgent", "team_id.resource_calendar_id", "company_id")
    def _compute_deadlines(self):
        for ticket in self:
            start = ticket.create_date or fields.Datetime.now()
            company = ticket.company_id or self.env.company
            ticket.response_deadline = ticket._plan_working_hours(start, company.aftersales_response_minutes / 60)
            hours = company.aftersales_urgent_resolution_hours if ticket.urgent else company.aftersales_resolution_hours
            ticket.resolution_deadline = ticket._plan_working_hours(start, hours)

    @api.depends("responded_at", "resolved_at", "response_deadline", "resolution_deadline")
    def _compute_sla(self):
        for ticket in self:
            ticket.response_sla = ticket.responded_at and (
                "met" if ticket.responded_at <= ticket.response_deadline else "breached"
            )
            ticket.resolution_sla = ticket.resolved_at and (
                "met" if ticket.resolved_at <= ticket.resolution_deadline else "breached"
            )

    @api.depends("response_sla", "resolution_sla", "response_deadline", "resolution_deadline")
    def _compute_breached(self):
        now = fields.Datetime.now()
        for ticket in self:
            ticket.response_breached = ticket.response_sla == "breached" or bool(
                not ticket.responded_at and ticket.response_deadline and ticket.response_deadline < now
            )
            ticket.resolution_breached = ticket.resolution_sla == "breached" or bool(
                not ticket.resolved_at and ticket.resolution_deadline and ticket.resolution_deadline < now
            )

    def _breach_domain(self, kind):
        at = "responded_at" if kind == "response" else "resolved_at"
        return [
            "|",
            (f"{kind}_sla", "=", "breached"),
            "&",
            (at, "=", False),
            (f"{kind}_deadline", "<", fields.Datetime.now()),
        ]

    def _search_breached(self, kind, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise NotImplementedError(operator)
        domain = self._breach_domain(kind)
        return domain if (operator == "=") == value else ["!", *domain]

    def _search_response_breached(self, operator, value):
        return self._search_breached("response", operator, value)

    def _search_resolution_breached(self, operator, value):
        return self._search_breached("resolution", operator, value)

    @api.depends("resolved_at")
    def _compute_followup_due_date(self):
        for ticket in self:
            # the day of the resolution where the company is
            local = ticket.with_context(tz=(ticket.company_id or self.env.company)._local_tz())
            ticket.followup_due_date = ticket.resolved_at and (
                fields.Date.context_today(local, ticket.resolved_at) + timedelta(days=FOLLOWUP_VISIT_DAYS)
            )

    @api.depends("followup_due_date", "followup_done_at")
    def _compute_followup_overdue(self):
        today = fields.Date.context_today(self)
        for ticket in self:
            ticket.followup_overdue = bool(
                ticket.followup_due_date and not ticket.followup_done_at and ticket.followup_due_date < today
            )

    def _search_followup_overdue(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise NotImplementedError(operator)
        domain = [("followup_done_at", "=", False), ("followup_due_date", "<", fields.Date.context_today(self))]
        return domain if (operator == "=") == value else ["!", "&", *domain]

    # ---- the process records ---------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        tickets = super().create(vals_list)
        tickets._sync_sale_orders()
        closed = tickets.filtered(lambda ticket: ticket.stage_id.closed)
        closed._process().write({"resolved_at": fields.Datetime.now()})
        return tickets

    def write(self, vals):
        res = super().write(vals)
        if "stage_id" in vals:
            now = fields.Datetime.now()
            self.filtered(lambda ticket: ticket.stage_id.closed and not ticket.resolved_at)._process().write(
                {"resolved_at": now}
            )
            # reopened: resolved again later, its follow-up visit then
            self.filtered(lambda ticket: not ticket.stage_id.closed and ticket.resolved_at)._process().write(
                {"resolved_at": False}
            )
        if "sale_order_id" in vals:
            self._sync_sale_orders()
        return res

    def _sync_sale_orders(self):
        """The customer order is among the ticket's sales orders (helpdesk_mgmt_sale's smart buttons)."""
        for ticket in self.filtered(
            lambda ticket: ticket.sale_order_id and ticket.sale_order_id not in ticket.sale_order_ids
        ):
            ticket.sale_order_ids = [(4, ticket.sale_order_id.id)]

    def _mark_responded(self):
        self.filtered(lambda ticket: not ticket.responded_at)._process().write({"responded_at": fields.Datetime.now()})

    def action_mark_responded(self):
        """Responded to the customer outside Odoo (a call): recorded now."""
        self.check_access("write")
        self._mark_responded()
        return True

    def message_post(self, **kwargs):
        message = super().message_post(**kwargs)
        author = message.author_id
        is_reply = message.message_type == "comment" and message.subtype_id == self.env.ref("mail.mt_comment")
        if is_reply and author.user_ids and not author.user_ids[0].share:
            # our user wrote to the customer from the ticket: the first response
            self._mark_responded()
        return message

    def _record_followup_visit(self, satisfaction, remark):
        self.ensure_one()
        if not self.resolved_at:
            raise UserError(self.env._("The follow-up visit comes after the resolution of the problem."))
        if self.followup_done_at:
            raise UserError(self.env._("The follow-up visit of %(ticket)s is already recorded.", ticket=self.number))
        if satisfaction not in dict(SATISFACTION):
            raise ValidationError(self.env._("The customer's satisfaction is a score from 1 to 5."))
        self._process().write(
            {
                "followup_done_at": fields.Datetime.now(),
                "followup_user_id": self.env.uid,
                "satisfaction": satisfaction,
                "satisfaction_remark": (remark or "").strip() or False,
            }
        )

    def action_record_followup_visit(self):
        self.ensure_one()
        self.check_access("write")
        if not self.resolved_at:
            raise UserError(self.env._("The follow-up visit comes after the resolution of the problem."))
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Follow-up Visit"),
            "res_model": "helpdesk.ticket.followup.visit",
            "view_mode": "form",
            "target": "new",
            "context": {"default_ticket_id": self.id},
        }

    # ---- escalation --------------------------------------------------------------------------

    @api.model
    def _cron_escalate_breaches(self, batch_size=500):
        """One activity for the company's after-sales manager per breached response and per breached
        resolution, never twice; ``batch_size`` tickets per transaction. Returns the number escalated."""
        todo = self.env.ref("mail.mail_activity_data_todo")
        escalated = 0
        for kind in ("response", "resolution"):
            at = "responded_at" if kind == "response" else "resolved_at"
            stamp = f"{kind}_escalated_at"
            domain = [(at, "=", False), (f"{kind}_deadline", "<", fields.Datetime.now()), (stamp, "=", False)]
            total = self.search_count(domain)
            while tickets := self.search(domain, limit=batch_size, order="id"):
                managers = {company: company._aftersales_manager() for company in tickets.company_id}
                reminders = []
                for ticket in tickets:
                    manager = managers.get(ticket.company_id)
                    if not manager:
                        continue
                    env = ticket.with_context(lang=manager.lang).env
                    company = ticket.company_id.with_env(env)
                    deadline = company._local_datetime_str(ticket[f"{kind}_deadline"], tz=manager.tz)
                    summary = (
                        env._("Response overdue: %(ticket)s", ticket=ticket.display_name)
                        if kind == "response"
                        else env._("Resolution overdue: %(ticket)s", ticket=ticket.display_name)
                    )
                    note = env._(
                        "Due by %(deadline)s for %(customer)s; owner: %(owner)s.",
                        deadline=deadline,
                        customer=ticket.commercial_partner_id.name or ticket.partner_name or "",
                        owner=ticket.user_id.name or env._("nobody"),
                    )
                    reminders.append((ticket, manager, summary, note))
                self.env["mail.activity"]._create_reminders(todo, reminders)
                tickets._process().write({stamp: fields.Datetime.now()})
                escalated += len(tickets)
                self.env["ir.cron"]._batch_done(escalated, total - escalated)
        _logger.info("After-sales: %s breached deadline(s) escalated", escalated)
        return escalated
