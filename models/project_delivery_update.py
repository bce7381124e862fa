"""Delivery progress updates (交付跟进 / 进度跟踪与反馈): the delivery project of a contract order
posts a progress update (core ``project.update``) every N days (7 by default, a company setting)
and sends it to the customer's contact (交付进度报告).

- ``next_update_date`` is stored: the last update's date (or the project's kickoff, else its
  creation) plus the company's cadence; a delivery project past it is *update overdue*
  (searchable, a filter), and a daily cron gives its owner one reminder activity per overdue
  period (``update_reminded_for`` remembers for which due date).
- *Send to customer* on an update opens the email composer with the progress report template;
  the post records when and to whom it went (``sent_date``, ``sent_partner_ids``), fields no
  client writes.
"""

import logging
from datetime import timedelta

from odoo import api, fields, models

from .crm_process_guard import ProcessGuard
from .mail_compose import mail_composer_action

_logger = logging.getLogger(__name__)


class ResCompany(models.Model):
    _inherit = "res.company"

    delivery_update_days = fields.Integer(
        string="Delivery update every (days)",
        default=7,
        help="Days between two progress updates of a contract's delivery project: past them, the project is "
        "flagged and its owner reminded once.",
    )

    _sql_constraints = [
        (
            "delivery_update_days_check",
            "CHECK(delivery_update_days > 0)",
            "Delivery progress updates are due at least every day.",
        ),
    ]


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    delivery_update_days = fields.Integer(related="company_id.delivery_update_days", readonly=False)


class ProjectProject(ProcessGuard, models.Model):
    _inherit = "project.project"

    # the due date of the reminder given, set by the cron only
    _process_fields = ("update_reminded_for",)

    next_update_date = fields.Date(
        string="Next update due",
        compute="_compute_next_update_date",
        store=True,
        index="btree_not_null",
        help="Delivery projects of a contract: the last progress update's date (or the kickoff, else the "
        "project's creation) plus the company's cadence. Empty once the delivery is done or accepted.",
    )
    update_overdue = fields.Boolean(
        string="Update overdue",
        compute="_compute_update_overdue",
        search="_search_update_overdue",
        help="The next progress update is past due.",
    )
    update_reminded_for = fields.Date(
        string="Reminded for the update due",
        readonly=True,
        copy=False,
        help="The due date of the last overdue update whose owner was reminded (once per overdue period).",
    )

    @api.depends(
        "delivery_order_id.accepted_date",
        "last_update_id.date",
        "last_update_status",
        "kickoff_date",
        "company_id.delivery_update_days",
    )
    def _compute_next_update_date(self):
        for project in self:
            order = project.delivery_order_id
            if not order or order.accepted_date or project.last_update_status == "done":
                project.next_update_date = False
                continue
            start = (
                project.last_update_id.date
                or project.kickoff_date
                or fields.Date.context_today(project, project.create_date or fields.Datetime.now())
            )
            days = (project.company_id or self.env.company).delivery_update_days or 7
            project.next_update_date = start + timedelta(days=days)

    def _today(self):
        return fields.Date.context_today(self)

    @api.depends("next_update_date")
    def _compute_update_overdue(self):
        today = self._today()
        for project in self:
            project.update_overdue = bool(project.next_update_date and project.next_update_date < today)

    def _search_update_overdue(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise NotImplementedError(operator)
        overdue = [("next_update_date", "<", self._today())]
        if (operator == "=") == value:
            return overdue
        return ["|", ("next_update_date", "=", False), ("next_update_date", ">=", self._today())]

    @api.model
    def _cron_remind_overdue_updates(self):
        """One to-do activity for the owner of each delivery project whose update is overdue, once
        per overdue period (a new update starts a new period). Returns the number reminded."""
        # a day of margin: each project's day is its owner's (the activity is due today in his zone)
        projects = self.search(
            [
                ("next_update_date", "<", fields.Date.today() + timedelta(days=1)),
                ("delivery_order_id", "!=", False),
            ]
        ).filtered(
            lambda project: (
                project.next_update_date < project._owner_today()
                and project.update_reminded_for != project.next_update_date
            )
        )
        reminders = []
        todo = self.env.ref("mail.mail_activity_data_todo")
        for lang, group in projects.grouped(lambda project: project._update_owner().lang).items():
            env = self.with_context(lang=lang).env
            for project in group.with_env(env):
                reminders.append(
                    (
                        project,
                        project._update_owner(),
                        env._("Delivery progress update overdue: %(project)s", project=project.name),
                        env._(
                            "The progress update of %(project)s was due on %(date)s. Post it on the project "
                            "(status, progress, what was done, next steps) and send it to the customer.",
                            project=project.name,
                            date=fields.Date.to_string(project.next_update_date),
                        ),
                    )
                )
        self.env["mail.activity"]._create_reminders(todo, reminders)
        for due, group in projects.grouped("next_update_date").items():
            group._process().write({"update_reminded_for": due})
        _logger.info("Delivery projects: %s overdue update reminder(s) given", len(projects))
        return len(projects)

    def _update_owner(self):
        """Who posts the updates: the order's delivery owner, else the project manager."""
        self.ensure_one()
        return self.delivery_order_id.delivery_user_id or self.user_id or self.delivery_order_id.user_id

    def _owner_today(self):
        return fields.Date.context_today(self.with_context(tz=self._update_owner().tz))


class ProjectUpdate(ProcessGuard, models.Model):
    _inherit = "project.update"

    # when and to whom the report went: recorded by the post, never typed
    _process_fields = ("sent_date", "sent_partner_ids")

    next_steps = fields.Html(
        string="Next steps", help="What the delivery team does next, and what it needs from the customer."
    )
    delivery_order_id = fields.Many2one(related="project_id.delivery_order_id", string="Contract order")
    sent_date = fields.Datetime(string="Sent to customer on", readonly=True, copy=False)
    sent_partner_ids = fields.Many2many(
        "res.partner",
        "project_update_sent_partner_rel",
        "update_id",
        "partner_id",
        string="Sent to",
        readonly=True,
        copy=False,
    )

    def _customer_recipients(self):
        """The customer's delivery contact on the order, else the order's customer."""
        self.ensure_one()
        order = self.project_id.delivery_order_id
        return order.delivery_contact_id or order.partner_id or self.project_id.partner_id

    def action_send_to_customer(self):
        """The email composer with the progress report (交付进度报告) for the customer's contact."""
        self.ensure_one()
        template = self.env.ref("crm_sales_process.mail_template_delivery_progress_report")
        return mail_composer_action(
            self,
            template,
            "mail.mail_notification_light",
            default_partner_ids=self._customer_recipients().ids,
            mark_update_as_sent=True,
        )

    def message_post(self, **kwargs):
        message = super().message_post(**kwargs)
        if self.env.context.get("mark_update_as_sent") and message.partner_ids:
            self._process().write(
                {"sent_date": fields.Datetime.now(), "sent_partner_ids": [(6, 0, message.partner_ids.ids)]}
            )
        return message
