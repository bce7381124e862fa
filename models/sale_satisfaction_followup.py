"""Satisfaction follow-ups (客户满意度调研): one, three and six months after the customer accepted
the delivery, he receives a satisfaction survey (Odoo ``survey``); his answer's score (1 to 5) is
stored against the order, and a low score opens a recovery activity for the after-sales manager
and flags the customer.

- Planned when an acceptance passes (``sale.acceptance._on_signed``), one per month offset.
- A daily cron sends each invitation on its planned date, once (the state moves to *sent*), and
  reminds the customer once after 7 days without an answer.
- The answer comes back from ``survey.user_input._mark_done``. Dates, score, state and the
  recovery are the process's: no client writes them.
"""

import logging
from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models

from .crm_process_guard import ProcessGuard

_logger = logging.getLogger(__name__)

FOLLOWUP_MONTHS = (1, 3, 6)
REMINDER_DAYS = 7
STATES = [("planned", "Planned"), ("sent", "Sent"), ("answered", "Answered"), ("cancelled", "Cancelled")]


class ResCompany(models.Model):
    _inherit = "res.company"

    satisfaction_survey_id = fields.Many2one(
        "survey.survey",
        string="Satisfaction survey",
        help="Sent to customers 1, 3 and 6 months after they accepted a delivery (the default 1 to 5 survey "
        "when empty).",
    )
    satisfaction_low_score = fields.Integer(
        string="Low satisfaction score",
        default=2,
        help="A score at or below it opens a recovery activity for the after-sales manager.",
    )

    def _satisfaction_survey(self):
        self.ensure_one()
        return self.satisfaction_survey_id or self.env.ref(
            "crm_sales_process.survey_customer_satisfaction", raise_if_not_found=False
        )


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    satisfaction_survey_id = fields.Many2one(related="company_id.satisfaction_survey_id", readonly=False)
    satisfaction_low_score = fields.Integer(related="company_id.satisfaction_low_score", readonly=False)


class SaleSatisfactionFollowup(ProcessGuard, models.Model):
    _name = "sale.satisfaction.followup"
    _description = "Satisfaction Follow-up"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "planned_date desc, id desc"
    _rec_name = "order_id"
    _process_fields = (
        "order_id",
        "acceptance_id",
        "months",
        "planned_date",
        "state",
        "user_input_id",
        "sent_at",
        "reminded_at",
        "answered_at",
        "score",
        "low_score",
        "recovery_activity_id",
    )

    order_id = fields.Many2one(
        "sale.order", string="Contract order", required=True, readonly=True, index=True, ondelete="cascade"
    )
    acceptance_id = fields.Many2one("sale.acceptance", readonly=True, ondelete="set null")
    partner_id = fields.Many2one(related="order_id.partner_id", string="Customer", store=True, index=True)
    commercial_partner_id = fields.Many2one(
        related="order_id.partner_id.commercial_partner_id", string="Customer company", store=True, index=True
    )
    contact_id = fields.Many2one(
        "res.partner",
        string="Surveyed contact",
        tracking=True,
        help="Who receives the survey: the order's delivery contact unless you choose.",
    )
    company_id = fields.Many2one(related="order_id.company_id", store=True, index=True)
    user_id = fields.Many2one(related="order_id.aftersales_user_id", string="After-sales owner", store=True)
    months = fields.Integer(string="Months after acceptance", readonly=True)
    planned_date = fields.Date(string="Planned date", readonly=True, index=True)
    state = fields.Selection(STATES, default="planned", required=True, readonly=True, tracking=True, index=True)
    survey_id = fields.Many2one("survey.survey", required=True)
    user_input_id = fields.Many2one("survey.user_input", string="Answer", readonly=True, ondelete="set null")
    sent_at = fields.Datetime(string="Sent on", readonly=True)
    reminded_at = fields.Datetime(string="Reminded on", readonly=True)
    answered_at = fields.Datetime(string="Answered on", readonly=True)
    score = fields.Integer(readonly=True, aggregator="avg", help="The customer's overall satisfaction, 1 to 5.")
    low_score = fields.Boolean(string="Low score", readonly=True, index=True)
    recovery_activity_id = fields.Many2one("mail.activity", string="Recovery to-do", readonly=True, ondelete="set null")

    _sql_constraints = [
        ("order_months_unique", "UNIQUE(order_id, months)", "An order has one follow-up per month offset."),
    ]

    @api.model
    def _plan_for_acceptance(self, acceptance):
        """The 1-, 3- and 6-month follow-ups of a passed acceptance (once per order)."""
        order = acceptance.order_id
        survey = order.company_id._satisfaction_survey()
        if not survey:
            return self.browse()
        existing = set(self.sudo().search([("order_id", "=", order.id)]).mapped("months"))
        accepted = order.accepted_date or fields.Date.context_today(self)
        contact = order.delivery_contact_id or acceptance.customer_signer_id or order.partner_id
        return (
            self._process()
            .sudo()
            .create(
                [
                    {
                        "order_id": order.id,
                        "acceptance_id": acceptance.id,
                        "months": months,
                        "planned_date": accepted + relativedelta(months=months),
                        "contact_id": contact.id,
                        "survey_id": survey.id,
                    }
                    for months in FOLLOWUP_MONTHS
                    if months not in existing
                ]
            )
        )

    # ---- sending -------------------------------------------------------------------------------

    def _send_invitation(self, reminder=False):
        template = self.env.ref("crm_sales_process.mail_template_satisfaction_survey")
        for followup in self:
            if not followup.user_input_id:
                answer = followup.survey_id.sudo()._create_answer(partner=followup.contact_id, check_attempts=False)
                followup._process().write({"user_input_id": answer.id})
            template.with_context(survey_reminder=reminder).send_mail(
                followup.id, email_layout_xmlid="mail.mail_notification_light"
            )

    @api.model
    def _cron_send(self):
        """Send each planned survey on its date and remind once after 7 days without an answer.
        Returns (sent, reminded)."""
        today = fields.Date.context_today(self)
        due = self.search([("state", "=", "planned"), ("planned_date", "<=", today)])
        due._send_invitation()
        due._process().write({"state": "sent", "sent_at": fields.Datetime.now()})
        stale = self.search(
            [
                ("state", "=", "sent"),
                ("reminded_at", "=", False),
                ("sent_at", "<=", fields.Datetime.now() - timedelta(days=REMINDER_DAYS)),
            ]
        )
        stale._send_invitation(reminder=True)
        stale._process().write({"reminded_at": fields.Datetime.now()})
        _logger.info("Satisfaction follow-ups: %s sent, %s reminded", len(due), len(stale))
        return len(due), len(stale)

    def action_send_now(self):
        """Send a planned survey today instead of its planned date."""
        self.check_access("write")
        planned = self.filtered(lambda followup: followup.state == "planned")
        planned._send_invitation()
        planned._process().write({"state": "sent", "sent_at": fields.Datetime.now()})
        return True

    def action_cancel(self):
        self.check_access("write")
        self.filtered(lambda followup: followup.state in ("planned", "sent"))._process().write({"state": "cancelled"})
        return True

    # ---- the answer ----------------------------------------------------------------------------

    def _record_answer(self, user_input):
        """The customer answered: his score, and a recovery when it is low."""
        for followup in self:
            score = round(user_input.scoring_total)
            low = score <= followup.company_id.satisfaction_low_score
            followup._process().write(
                {"state": "answered", "answered_at": fields.Datetime.now(), "score": score, "low_score": low}
            )
            customer = followup.commercial_partner_id
            customer._process().sudo().write({"satisfaction_score": score, "satisfaction_low": low})
            if low:
                followup._open_recovery()

    def _open_recovery(self):
        self.ensure_one()
        manager = self.company_id._aftersales_manager() or self.user_id
        if not manager:
            return
        env = self.with_context(lang=manager.lang).env
        activity = (
            self.sudo()
            .with_context(mail_activity_quick_update=True)
            .activity_schedule(
                "mail.mail_activity_data_todo",
                date_deadline=fields.Date.context_today(self.with_context(tz=manager.tz)) + timedelta(days=1),
                summary=env._(
                    "Low satisfaction: %(customer)s scored %(score)s",
                    customer=self.commercial_partner_id.name,
                    score=self.score,
                ),
                note=env._(
                    "The %(months)s-month survey of %(order)s scored %(score)s of 5. Call the customer, find out "
                    "why and agree on what we improve.",
                    months=self.months,
                    order=self.order_id.name,
                    score=self.score,
                ),
                user_id=manager.id,
            )
        )
        self._process().sudo().write({"recovery_activity_id": activity.id})


class SurveyUserInput(models.Model):
    _inherit = "survey.user_input"

    def _mark_done(self):
        res = super()._mark_done()
        followups = (
            self.env["sale.satisfaction.followup"]
            .sudo()
            .search([("user_input_id", "in", self.ids), ("state", "=", "sent")])
        )
        for followup in followups:
            followup._record_answer(followup.user_input_id)
        return res


class ResPartner(models.Model):
    _inherit = "res.partner"

    _process_fields = ("satisfaction_score", "satisfaction_low")

    satisfaction_score = fields.Integer(
        string="Last satisfaction", readonly=True, help="The customer's last survey score, 1 to 5."
    )
    satisfaction_low = fields.Boolean(
        string="Low satisfaction", readonly=True, index=True, help="The customer's last survey score was low."
    )
    satisfaction_followup_ids = fields.One2many(
        "sale.satisfaction.followup", "commercial_partner_id", string="Satisfaction surveys"
    )


class SaleOrder(models.Model):
    _inherit = "sale.order"

    satisfaction_followup_ids = fields.One2many("sale.satisfaction.followup", "order_id", string="Satisfaction surveys")


class SaleAcceptance(models.Model):
    _inherit = "sale.acceptance"

    def _on_signed(self, author=None):
        res = super()._on_signed(author=author)
        if self.result == "pass":
            self.env["sale.satisfaction.followup"]._plan_for_acceptance(self)
        return res
