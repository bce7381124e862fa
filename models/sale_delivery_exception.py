"""Delivery exceptions (交付异常): what goes wrong while a contract order is delivered (a supply
delay, a requirement change, a quality problem…), with its impact, the solution and the new
expected date. The customer must hear of it within 24 hours of its detection (及时反馈问题及解决方案).

- An exception is born *open*; telling the customer (an email from the exception, or a call,
  visit or message recorded with its channel and contact) makes it *notified*, recording when,
  by whom and how; it is then *resolved* (or *cancelled* when recorded by mistake). The state and
  the notification are process fields no client writes.
- ``detected_at`` is given when the exception is recorded (never in the future) and cannot change
  afterwards: the deadline ``notify_deadline`` = detection + 24 h cannot be pushed back.
- An hourly cron gives the company's delivery manager one activity per exception whose deadline
  passed untold (``escalated_at`` remembers it).
- A project update *at risk* or *off track* proposes an exception (see ``ProjectUpdate``).
"""

import logging
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from .crm_process_guard import ProcessGuard
from .mail_compose import mail_composer_action

_logger = logging.getLogger(__name__)

NOTIFY_HOURS = 24

CAUSE_TYPES = [
    ("supply", "Material or supply delay"),
    ("requirement_change", "Requirement change"),
    ("quality", "Quality problem"),
    ("resource", "Resource shortage"),
    ("customer", "Customer-side delay"),
    ("logistics", "Logistics"),
    ("force_majeure", "Force majeure"),
    ("other", "Other"),
]
NOTIFY_CHANNELS = [
    ("email", "Email"),
    ("phone", "Phone call"),
    ("meeting", "Visit or meeting"),
    ("message", "Instant message"),
    ("other", "Other"),
]
STATES = [
    ("open", "To notify"),
    ("notified", "Customer notified"),
    ("resolved", "Resolved"),
    ("cancelled", "Cancelled"),
]


class ResCompany(models.Model):
    _inherit = "res.company"

    delivery_manager_id = fields.Many2one(
        "res.users",
        string="Delivery manager",
        domain=lambda self: [("groups_id", "in", self.env.ref("crm_sales_process.group_delivery_manager").ids)],
        help="Who hears of the delivery exceptions the customer was not told of within 24 hours. When empty, "
        "the first delivery manager of the company.",
    )

    def _delivery_manager(self):
        """The company's delivery manager: the one set, else its first user in the Delivery Manager group."""
        self.ensure_one()
        if self.delivery_manager_id:
            return self.delivery_manager_id
        group = self.env.ref("crm_sales_process.group_delivery_manager")
        return (
            self.env["res.users"]
            .sudo()
            .search([("groups_id", "in", group.ids), ("company_ids", "in", self.ids), ("share", "=", False)], limit=1)
        )


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    delivery_manager_id = fields.Many2one(related="company_id.delivery_manager_id", readonly=False)


class SaleDeliveryException(ProcessGuard, models.Model):
    _name = "sale.delivery.exception"
    _description = "Delivery Exception"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "detected_at desc, id desc"
    # the lifecycle and the customer's notification are recorded by the actions and the cron
    _process_fields = (
        "state",
        "notified_at",
        "notified_by_id",
        "notify_channel",
        "notified_partner_ids",
        "resolved_at",
        "escalated_at",
    )

    name = fields.Char(
        string="Subject", required=True, tracking=True, help="e.g. “Steel frames delayed by the supplier”."
    )
    order_id = fields.Many2one(
        "sale.order",
        string="Contract order",
        required=True,
        index=True,
        ondelete="cascade",
        domain="[('state', '=', 'sale'), ('delivery_project_id', '!=', False)]",
        tracking=True,
    )
    project_id = fields.Many2one(
        related="order_id.delivery_project_id", string="Delivery project", store=True, index=True
    )
    partner_id = fields.Many2one(related="order_id.partner_id", string="Customer", store=True, index=True)
    company_id = fields.Many2one(related="order_id.company_id", store=True, index=True)
    user_id = fields.Many2one(
        "res.users",
        string="Owner",
        compute="_compute_user_id",
        store=True,
        readonly=False,
        precompute=True,
        tracking=True,
        help="Who handles the exception and tells the customer: the order's delivery owner unless you choose.",
    )
    update_id = fields.Many2one(
        "project.update",
        string="From update",
        index="btree_not_null",
        ondelete="set null",
        domain="[('project_id', '=', project_id)]",
        help="The progress update (at risk or off track) that reported it.",
    )
    cause_type = fields.Selection(CAUSE_TYPES, string="Cause", required=True, default="supply", tracking=True)
    description = fields.Text(string="What happened", required=True)
    impact = fields.Text(help="What it changes for the customer: dates, scope, quality, cost.")
    solution = fields.Text(string="Handling", help="What is done about it, and what is asked of the customer.")
    new_date = fields.Date(string="New expected date", tracking=True, help="When the delivery is now expected.")
    contract_date = fields.Datetime(related="order_id.commitment_date", string="Contract delivery date")
    detected_at = fields.Datetime(
        string="Detected on",
        required=True,
        default=fields.Datetime.now,
        index=True,
        help="When the problem became known: the customer must hear of it within 24 hours. It cannot change once "
        "recorded.",
    )
    notify_deadline = fields.Datetime(
        string="Tell the customer by",
        compute="_compute_notify_deadline",
        store=True,
        index=True,
        help="The detection plus 24 hours.",
    )
    state = fields.Selection(STATES, required=True, default="open", readonly=True, tracking=True, index=True)
    notified_at = fields.Datetime(string="Customer notified on", readonly=True, copy=False, tracking=True)
    notified_by_id = fields.Many2one("res.users", string="Notified by", readonly=True, copy=False)
    notify_channel = fields.Selection(NOTIFY_CHANNELS, string="Notified by way of", readonly=True, copy=False)
    notified_partner_ids = fields.Many2many(
        "res.partner",
        "sale_delivery_exception_notified_partner_rel",
        "exception_id",
        "partner_id",
        string="Customer contacts told",
        readonly=True,
        copy=False,
    )
    notified_in_time = fields.Boolean(
        string="Notified within 24 h", compute="_compute_notified_in_time", store=True, help="Told by the deadline."
    )
    notify_overdue = fields.Boolean(
        string="Notification overdue",
        compute="_compute_notify_overdue",
        search="_search_notify_overdue",
        help="Open, and the 24 hours to tell the customer have passed.",
    )
    resolved_at = fields.Datetime(string="Resolved on", readonly=True, copy=False)
    escalated_at = fields.Datetime(
        string="Escalated on",
        readonly=True,
        copy=False,
        help="When the delivery manager was told that the customer was not notified in time (once).",
    )

    @api.depends("order_id")
    def _compute_user_id(self):
        for exception in self:
            order = exception.order_id
            exception.user_id = exception.user_id or order.delivery_user_id or order.user_id or self.env.user

    @api.depends("detected_at")
    def _compute_notify_deadline(self):
        for exception in self:
            exception.notify_deadline = exception.detected_at and exception.detected_at + timedelta(hours=NOTIFY_HOURS)

    @api.depends("notified_at", "notify_deadline")
    def _compute_notified_in_time(self):
        for exception in self:
            exception.notified_in_time = bool(
                exception.notified_at
                and exception.notify_deadline
                and exception.notified_at <= exception.notify_deadline
            )

    @api.depends("state", "notify_deadline")
    def _compute_notify_overdue(self):
        now = fields.Datetime.now()
        for exception in self:
            exception.notify_overdue = exception.state == "open" and exception.notify_deadline < now

    def _search_notify_overdue(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise NotImplementedError(operator)
        overdue = [("state", "=", "open"), ("notify_deadline", "<", fields.Datetime.now())]
        return overdue if (operator == "=") == value else ["!", "&", *overdue]

    @api.constrains("detected_at")
    def _check_detected_at(self):
        # a minute of slack for the clocks of the browser and the server
        latest = fields.Datetime.now() + timedelta(minutes=1)
        for exception in self:
            if exception.detected_at > latest:
                raise ValidationError(self.env._("A delivery exception cannot be detected in the future."))

    @api.constrains("order_id")
    def _check_order_in_delivery(self):
        for exception in self:
            if exception.order_id.state != "sale" or not exception.order_id.delivery_project_id:
                raise ValidationError(
                    self.env._(
                        "Delivery exceptions are recorded on confirmed contract orders in delivery; %(order)s is not.",
                        order=exception.order_id.name,
                    )
                )

    def write(self, vals):
        if "detected_at" in vals and not self._is_process_call():
            detected = fields.Datetime.to_datetime(vals["detected_at"])
            if any(exception.detected_at != detected for exception in self):
                raise UserError(
                    self.env._(
                        "The detection time of a delivery exception is recorded once: the customer must be told "
                        "within 24 hours of it."
                    )
                )
        if "order_id" in vals and any(exception.order_id.id != vals["order_id"] for exception in self):
            raise UserError(self.env._("A delivery exception stays on the order it was recorded for."))
        return super().write(vals)

    # ---- actions -------------------------------------------------------------------------------

    def _check_state(self, states, action):
        for exception in self:
            if exception.state not in states:
                raise UserError(
                    self.env._(
                        "%(exception)s is %(state)s: it cannot be %(action)s.",
                        exception=exception.display_name,
                        state=dict(self._fields["state"]._description_selection(self.env))[exception.state],
                        action=action,
                    )
                )

    def _customer_contacts(self):
        """Whom the customer hears it from: the order's delivery contact, else the customer."""
        self.ensure_one()
        return self.order_id.delivery_contact_id or self.order_id.partner_id

    def action_notify_by_email(self):
        """The email composer with the exception notice (交付异常通知) for the customer's contact."""
        self.ensure_one()
        self._check_state(("open", "notified"), self.env._("told to the customer"))
        template = self.env.ref("crm_sales_process.mail_template_delivery_exception_notice")
        return mail_composer_action(
            self,
            template,
            "mail.mail_notification_light",
            default_partner_ids=self._customer_contacts().ids,
            mark_exception_notified=True,
        )

    def action_record_notification(self):
        """Record a call, visit or message that told the customer."""
        self.ensure_one()
        self._check_state(("open", "notified"), self.env._("told to the customer"))
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Record Customer Notification"),
            "res_model": "sale.delivery.exception.notify",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_exception_id": self.id,
                "default_partner_ids": self._customer_contacts().ids,
            },
        }

    def _mark_notified(self, channel, partners, note=None):
        """The customer was told now, by the current user, by ``channel``: recorded, and said in the chatter
        (unless the email itself is the record)."""
        self._check_state(("open", "notified"), self.env._("told to the customer"))
        if not partners:
            raise UserError(self.env._("Say which of the customer's contacts was told."))
        for exception in self:
            values = {"notified_partner_ids": [(6, 0, partners.ids)], "notify_channel": channel}
            if exception.state == "open":
                values.update(state="notified", notified_at=fields.Datetime.now(), notified_by_id=self.env.uid)
            exception._process().write(values)
            if note is not None:
                exception.message_post(
                    body=self.env._(
                        "Customer notified (%(channel)s): %(contacts)s. %(note)s",
                        channel=dict(self._fields["notify_channel"]._description_selection(self.env))[channel],
                        contacts=", ".join(partners.mapped("display_name")),
                        note=note or "",
                    ),
                    subtype_xmlid="mail.mt_note",
                )

    def message_post(self, **kwargs):
        message = super().message_post(**kwargs)
        if self.env.context.get("mark_exception_notified") and message.partner_ids:
            self.with_context(mark_exception_notified=False)._mark_notified("email", message.partner_ids)
        return message

    def action_resolve(self):
        self._check_state(("notified",), self.env._("resolved before the customer is told"))
        if any(not exception.solution for exception in self):
            raise UserError(self.env._("Describe the solution before resolving the exception."))
        self._process().write({"state": "resolved", "resolved_at": fields.Datetime.now()})
        return True

    def action_reopen(self):
        self._check_state(("resolved",), self.env._("reopened"))
        self._process().write({"state": "notified", "resolved_at": False})
        return True

    def action_cancel(self):
        self._check_state(("open", "notified"), self.env._("cancelled"))
        self._process().write({"state": "cancelled"})
        return True

    @api.model
    def _action_list(self, context, domain):
        """The exceptions' list, as the order's and the project's smart buttons open it."""
        action = self.env["ir.actions.act_window"]._for_xml_id("crm_sales_process.sale_delivery_exception_action")
        action["domain"] = domain
        action["context"] = context
        return action

    # ---- escalation ----------------------------------------------------------------------------

    @api.model
    def _cron_escalate_unnotified(self):
        """One activity for the company's delivery manager per exception whose customer was not told within
        24 hours; never twice. Returns the number escalated."""
        exceptions = self.search([("notify_overdue", "=", True), ("escalated_at", "=", False)])
        todo = self.env.ref("mail.mail_activity_data_todo")
        managers = {company: company._delivery_manager() for company in exceptions.company_id}
        reminders = []
        for exception in exceptions:
            manager = managers[exception.company_id]
            if not manager:
                continue
            env = exception.with_context(lang=manager.lang).env
            company = exception.company_id.with_env(env)
            reminders.append(
                (
                    exception,
                    manager,
                    env._("Customer not told of a delivery exception: %(order)s", order=exception.order_id.name),
                    env._(
                        "%(exception)s was detected on %(detected)s; the customer had to be told by %(deadline)s "
                        "and has not been. Owner: %(owner)s.",
                        exception=exception.name,
                        detected=company._local_datetime_str(exception.detected_at, tz=manager.tz),
                        deadline=company._local_datetime_str(exception.notify_deadline, tz=manager.tz),
                        owner=exception.user_id.name,
                    ),
                )
            )
        self.env["mail.activity"]._create_reminders(todo, reminders)
        escalated = self.browse([record.id for record, *_rest in reminders])
        escalated._process().write({"escalated_at": fields.Datetime.now()})
        _logger.info("Delivery exceptions: %s escalated to the delivery manager", len(escalated))
        return len(escalated)


class SaleOrder(models.Model):
    _inherit = "sale.order"

    delivery_exception_ids = fields.One2many("sale.delivery.exception", "order_id", string="Delivery exceptions")
    delivery_exception_count = fields.Integer(
        string="Exceptions", compute="_compute_delivery_exception_count", compute_sudo=False
    )
    exception_unnotified = fields.Boolean(
        string="Exception not notified",
        compute="_compute_delivery_exception_count",
        search="_search_exception_unnotified",
        help="A delivery exception of the order has not been told to the customer yet.",
    )

    @api.depends("delivery_exception_ids.state")
    def _compute_delivery_exception_count(self):
        groups = self.env["sale.delivery.exception"]._read_group(
            [("order_id", "in", self.ids)], ["order_id", "state"], ["__count"]
        )
        counts, open_orders = {}, set()
        for order, state, count in groups:
            counts[order.id] = counts.get(order.id, 0) + count
            if state == "open":
                open_orders.add(order.id)
        for order in self:
            order.delivery_exception_count = counts.get(order.id, 0)
            order.exception_unnotified = order.id in open_orders

    def _search_exception_unnotified(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise NotImplementedError(operator)
        domain = [("delivery_exception_ids", "any", [("state", "=", "open")])]
        return domain if (operator == "=") == value else ["!", *domain]

    def action_view_delivery_exceptions(self):
        self.ensure_one()
        return self.env["sale.delivery.exception"]._action_list(
            {"default_order_id": self.id}, [("order_id", "=", self.id)]
        )


class ProjectProject(models.Model):
    _inherit = "project.project"

    delivery_exception_ids = fields.One2many("sale.delivery.exception", "project_id", string="Delivery exceptions")
    delivery_exception_count = fields.Integer(string="Exceptions", compute="_compute_delivery_exception_count")

    def _compute_delivery_exception_count(self):
        counts = dict(
            self.env["sale.delivery.exception"]._read_group(
                [("project_id", "in", self.ids)], ["project_id"], ["__count"]
            )
        )
        for project in self:
            project.delivery_exception_count = counts.get(project, 0)

    def action_view_delivery_exceptions(self):
        self.ensure_one()
        return self.env["sale.delivery.exception"]._action_list(
            {"default_order_id": self.delivery_order_id.id}, [("project_id", "=", self.id)]
        )


class ProjectUpdate(models.Model):
    _inherit = "project.update"

    delivery_exception_ids = fields.One2many("sale.delivery.exception", "update_id", string="Delivery exceptions")
    exception_proposed = fields.Boolean(
        string="Exception proposed",
        compute="_compute_exception_proposed",
        help="At risk or off track on a contract's delivery, and no exception is being handled: record one.",
    )

    @api.depends("status", "delivery_order_id", "delivery_exception_ids", "project_id.delivery_exception_ids.state")
    def _compute_exception_proposed(self):
        for update in self:
            handled = update.delivery_exception_ids or update.project_id.delivery_exception_ids.filtered(
                lambda exception: exception.state in ("open", "notified")
            )
            update.exception_proposed = bool(
                update.id and update.delivery_order_id and update.status in ("at_risk", "off_track") and not handled
            )

    def action_record_delivery_exception(self):
        """The exception form, filled from this update."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Delivery Exception"),
            "res_model": "sale.delivery.exception",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "current",
            "context": {
                "default_order_id": self.delivery_order_id.id,
                "default_update_id": self.id,
                "default_name": self.name,
            },
        }
