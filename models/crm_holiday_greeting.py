"""Holiday greetings (节日问候), optional: the company lists the holidays it greets its customers on
(a date each, as Chinese holidays move with the lunar calendar). A few days before each, the daily
cron gives the after-sales owner of every active customer one to-do to send the greetings, once."""

import logging
from datetime import timedelta

from odoo import api, fields, models

from .crm_process_guard import ProcessGuard

_logger = logging.getLogger(__name__)


class CrmHolidayGreeting(ProcessGuard, models.Model):
    _name = "crm.holiday.greeting"
    _description = "Holiday Greeting"
    _order = "date desc, id desc"
    _process_fields = ("planned_on",)

    name = fields.Char(string="Holiday", required=True, translate=True)
    date = fields.Date(required=True)
    days_before = fields.Integer(string="Remind days before", default=3, required=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    active = fields.Boolean(default=True)
    planned_on = fields.Date(string="Greetings planned on", readonly=True, copy=False)

    _sql_constraints = [
        ("days_before_positive", "CHECK(days_before >= 0)", "The reminder comes before the holiday, not after."),
    ]

    @api.model
    def _cron_plan_greetings(self):
        """The to-dos of the holidays whose reminder day has come, once each. Returns the number of to-dos."""
        today = fields.Date.context_today(self)
        greetings = self.search([("planned_on", "=", False), ("date", ">=", today)]).filtered(
            lambda greeting: greeting.date - timedelta(days=greeting.days_before) <= today
        )
        if not greetings:
            return 0
        customers = self.env["res.partner"]._active_customers()
        todo = self.env.ref("mail.mail_activity_data_todo")
        count = 0
        for greeting in greetings:
            reminders = []
            for customer, owner in customers.items():
                if customer.company_id and customer.company_id != greeting.company_id:
                    continue
                env = greeting.with_context(lang=owner.lang).env
                reminders.append(
                    (
                        customer,
                        owner,
                        env._(
                            "%(holiday)s: send greetings to %(customer)s", holiday=greeting.name, customer=customer.name
                        ),
                        env._(
                            "%(holiday)s is on %(date)s.",
                            holiday=greeting.name,
                            date=fields.Date.to_string(greeting.date),
                        ),
                    )
                )
            self.env["mail.activity"]._create_reminders(todo, reminders).write({"date_deadline": greeting.date})
            count += len(reminders)
        greetings._process().write({"planned_on": today})
        _logger.info("Holiday greetings: %s to-do(s) for %s holiday(s)", count, len(greetings))
        return count
