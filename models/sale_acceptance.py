"""Acceptance certificates (验收确认书): the customer accepts the delivery of a contract order,
line by line, and signs it on the portal or on site like the minutes (frozen, fingerprinted).

- Products are accepted within 3 working days of their receipt (the company's calendar and
  public holidays): ``due_date``; services in an acceptance meeting (the meeting's date).
- Each line of the order is accepted or not, with the accepted quantity and a remark; the result
  follows from the lines (any failed line fails the acceptance) and nobody types it.
- The customer's signer is an authorised contact (legal representative or power of attorney,
  as for the contract).
- A signed failed acceptance states why and starts rectification within 24 hours: a deadline, an
  owner and an activity; then a new version of the certificate is prepared, until one passes.
- A signed passed acceptance completes the delivery: the order's accepted date, and the
  opportunity's phase moves to after-sales.
- Waiting past the due date flags the certificate (filter) and reminds its owner once (cron).
"""

import logging
from datetime import timedelta

from odoo import Command, api, fields, models
from odoo.exceptions import UserError, ValidationError

_logger = logging.getLogger(__name__)

ACCEPTANCE_TYPES = [("product", "Products"), ("service", "Services")]
LINE_RESULTS = [("pass", "Accepted"), ("fail", "Not accepted")]
RESULTS = [("pass", "Passed"), ("fail", "Failed")]
ACCEPTANCE_DAYS = 3
RECTIFICATION_HOURS = 24


class SaleAcceptance(models.Model):
    _name = "sale.acceptance"
    _description = "Acceptance Certificate"
    _inherit = ["mail.thread", "mail.activity.mixin", "crm.signed.document.mixin"]
    _order = "id desc"
    _check_company_auto = True
    # the version chain, the result (from the lines), the rectification started by a failed signature and the
    # overdue reminder are the process's
    _process_fields = (
        "version",
        "previous_id",
        "result",
        "rectification_deadline",
        "rectification_activity_id",
        "reminded_for",
    )

    _signed_content_fields = (
        "name",
        "order_id",
        "partner_id",
        "acceptance_type",
        "received_date",
        "meeting_date",
        "customer_signer_id",
        "result",
        "failure_reason",
        "rectification_plan",
        "version",
        "notes",
    )
    _signed_line_fields = {
        "line_ids": ("sequence", "order_line_id", "description", "ordered_qty", "accepted_qty", "line_result", "remark")
    }
    _signed_report = "crm_sales_process.sale_acceptance_report"
    _signed_content_template = "crm_sales_process.sale_acceptance_content"
    _signed_sequence_code = "sale.acceptance"
    _signed_partner_source = "order_id.partner_id"
    _signed_mail_template = "crm_sales_process.mail_template_acceptance_sign"

    order_id = fields.Many2one(
        "sale.order",
        string="Contract order",
        required=True,
        index=True,
        ondelete="restrict",
        check_company=True,
        domain="[('state', '=', 'sale'), ('delivery_project_id', '!=', False)]",
    )
    project_id = fields.Many2one(related="order_id.delivery_project_id", string="Delivery project", store=True)
    user_id = fields.Many2one(
        "res.users",
        string="Owner",
        compute="_compute_user_id",
        store=True,
        readonly=False,
        precompute=True,
        default=None,
        tracking=True,
        help="Who prepares the acceptance and, when it fails, the rectification: the order's delivery owner "
        "unless you choose.",
    )
    acceptance_type = fields.Selection(
        ACCEPTANCE_TYPES,
        string="Type",
        required=True,
        compute="_compute_acceptance_type",
        store=True,
        readonly=False,
        precompute=True,
        help="Products are accepted within 3 working days of their receipt; services in an acceptance meeting.",
    )
    received_date = fields.Date(string="Goods received on", tracking=True)
    meeting_date = fields.Date(string="Acceptance meeting", tracking=True)
    due_date = fields.Date(
        string="Accept by",
        compute="_compute_due_date",
        store=True,
        index="btree_not_null",
        help="Products: 3 working days after their receipt (the company's working calendar and public holidays). "
        "Services: the acceptance meeting.",
    )
    overdue = fields.Boolean(
        string="Acceptance overdue",
        compute="_compute_overdue",
        search="_search_overdue",
        help="Not signed yet, and its due date is past.",
    )
    reminded_for = fields.Date(string="Reminded for the due date", readonly=True, copy=False)
    customer_signer_id = fields.Many2one(
        "res.partner",
        string="Customer signatory",
        tracking=True,
        domain="[('commercial_partner_id', '=', partner_id), ('is_company', '=', False)]",
        help="The customer's legal representative or a contact holding a power of attorney.",
    )
    line_ids = fields.One2many("sale.acceptance.line", "acceptance_id", string="Lines", copy=True)
    result = fields.Selection(
        RESULTS,
        compute="_compute_result",
        store=True,
        readonly=True,
        tracking=True,
        help="Passed when every line is accepted; failed when one is not.",
    )
    failure_reason = fields.Text(string="Why it failed")
    rectification_plan = fields.Text(string="Rectification plan", help="What is corrected, by whom, by when.")
    rectification_deadline = fields.Datetime(
        string="Start rectification by",
        readonly=True,
        copy=False,
        help="24 hours after the customer signed the failed acceptance.",
    )
    rectification_activity_id = fields.Many2one(
        "mail.activity", string="Rectification to-do", readonly=True, copy=False, ondelete="set null"
    )
    notes = fields.Html(string="Notes for the customer")
    version = fields.Integer(default=1, readonly=True, copy=False)
    previous_id = fields.Many2one(
        "sale.acceptance", string="Previous version", readonly=True, copy=False, index="btree_not_null"
    )
    next_ids = fields.One2many("sale.acceptance", "previous_id", string="Next versions")
    next_id = fields.Many2one("sale.acceptance", string="Next version", compute="_compute_next_id")

    # ---- computes ------------------------------------------------------------------------------

    @api.depends("order_id")
    def _compute_user_id(self):
        for acceptance in self:
            order = acceptance.order_id.sudo()
            acceptance.user_id = acceptance.user_id or order.delivery_user_id or order.user_id or self.env.user

    @api.depends("order_id")
    def _compute_acceptance_type(self):
        for acceptance in self:
            products = acceptance.order_id.sudo().order_line.product_id
            services = products.filtered(lambda product: product.type == "service")
            acceptance.acceptance_type = "service" if products and services == products else "product"

    @api.depends("acceptance_type", "received_date", "meeting_date", "company_id")
    def _compute_due_date(self):
        for acceptance in self:
            if acceptance.acceptance_type == "service":
                acceptance.due_date = acceptance.meeting_date
            elif acceptance.received_date:
                acceptance.due_date = acceptance.company_id._working_day_after_day(
                    acceptance.received_date, ACCEPTANCE_DAYS
                )
            else:
                acceptance.due_date = False

    @api.depends("due_date", "state")
    def _compute_overdue(self):
        today = fields.Date.context_today(self)
        for acceptance in self:
            acceptance.overdue = bool(
                acceptance.state in ("draft", "confirmed") and acceptance.due_date and acceptance.due_date < today
            )

    def _search_overdue(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise NotImplementedError(operator)
        overdue = [("state", "in", ("draft", "confirmed")), ("due_date", "<", fields.Date.context_today(self))]
        return overdue if (operator == "=") == value else ["!", "&", *overdue]

    @api.depends("line_ids.line_result")
    def _compute_result(self):
        for acceptance in self:
            results = set(acceptance.line_ids.mapped("line_result"))
            if "fail" in results:
                acceptance.result = "fail"
            elif results == {"pass"}:
                acceptance.result = "pass"
            else:
                acceptance.result = False

    @api.depends("next_ids")
    def _compute_next_id(self):
        for acceptance in self:
            acceptance.next_id = acceptance.next_ids[:1]

    @api.depends("name", "version")
    def _compute_display_name(self):
        for acceptance in self:
            name = acceptance.name or ""
            acceptance.display_name = (
                self.env._("%(name)s (version %(version)s)", name=name, version=acceptance.version)
                if acceptance.version > 1
                else name
            )

    # ---- creation ------------------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            order = self.env["sale.order"].browse(vals.get("order_id"))
            if order and "company_id" not in vals:
                # the company is the order's (a process value: set before the guard sees the values)
                vals["company_id"] = order.company_id.id
        acceptances = super().create(vals_list)
        acceptances.filtered(lambda acceptance: not acceptance.line_ids)._load_order_lines()
        return acceptances

    def _load_order_lines(self):
        """One line per product line of the order, with its ordered quantity."""
        for acceptance in self:
            lines = acceptance.order_id.sudo().order_line.filtered(lambda line: not line.display_type)
            acceptance._process().line_ids = [Command.clear()] + [
                Command.create(
                    {
                        "order_line_id": line.id,
                        "sequence": index,
                        "description": line.name,
                        "ordered_qty": line.product_uom_qty,
                        "accepted_qty": line.product_uom_qty,
                    }
                )
                for index, line in enumerate(lines, start=1)
            ]

    # ---- checks --------------------------------------------------------------------------------

    @api.constrains("order_id")
    def _check_order_in_delivery(self):
        for acceptance in self:
            if acceptance.order_id.state != "sale" or not acceptance.order_id.delivery_project_id:
                raise ValidationError(
                    self.env._(
                        "Acceptance certificates are made for confirmed contract orders in delivery; %(order)s is not.",
                        order=acceptance.order_id.name,
                    )
                )

    def _signer_refusal(self):
        """Why the customer's signatory may not sign this acceptance, or ""."""
        self.ensure_one()
        if not self.customer_signer_id:
            return self.env._(
                "Choose the customer's signatory of %(acceptance)s: its legal representative or a contact with a "
                "power of attorney.",
                acceptance=self.display_name,
            )
        # the order's amount decides the power of attorney needed, whoever reads the certificate
        order = self.order_id.sudo()
        return self.customer_signer_id.sudo()._contract_signing_refusal(
            order.partner_id,
            order.amount_total,
            order.currency_id,
            fields.Date.context_today(self.with_context(tz=self._signed_tz())),
            self.company_id,
        )

    def action_confirm(self):
        """Ready for the customer's signature: every line decided, the failure explained, an authorised
        signatory, the date of receipt or of the meeting."""
        for acceptance in self:
            if acceptance.state != "draft":
                continue  # the mixin says why
            if acceptance.acceptance_type == "product" and not acceptance.received_date:
                raise UserError(self.env._("Give the date the customer received the goods."))
            if acceptance.acceptance_type == "service" and not acceptance.meeting_date:
                raise UserError(self.env._("Give the date of the acceptance meeting."))
            undecided = acceptance.line_ids.filtered(lambda line: not line.line_result)
            if undecided:
                raise UserError(
                    self.env._(
                        "Say for each line whether the customer accepts it: %(lines)s.",
                        lines=", ".join(undecided.mapped("description")),
                    )
                )
            failed = acceptance.line_ids.filtered(lambda line: line.line_result == "fail")
            if failed.filtered(lambda line: not (line.remark or "").strip()):
                raise UserError(self.env._("Give a remark for each line not accepted: what is wrong with it."))
            if failed and not (acceptance.failure_reason or "").strip():
                raise UserError(self.env._("Say why the acceptance failed before the customer signs it."))
            refusal = acceptance._signer_refusal()
            if refusal:
                raise ValidationError(refusal)
        return super().action_confirm()

    def _sign(self, name, signature, **kwargs):
        refusal = self._signer_refusal()
        if refusal:
            raise ValidationError(refusal)
        author = kwargs.get("author")
        if author and author not in (self.partner_id, self.customer_signer_id):
            # a logged-in contact of the customer signs only if he is the certificate's signatory
            raise ValidationError(
                self.env._(
                    "%(acceptance)s is signed by %(signatory)s, the customer's authorised signatory.",
                    acceptance=self.display_name,
                    signatory=self.customer_signer_id.name,
                )
            )
        return super()._sign(name, signature, **kwargs)

    def _signed_signer_candidates(self):
        return self.customer_signer_id

    def _signed_empty_message(self):
        return self.env._("%(acceptance)s has no lines: the order has nothing to accept.", acceptance=self.display_name)

    def _signed_snapshot_values(self):
        values = super()._signed_snapshot_values()
        order = self.order_id.sudo()
        values.update(
            order=order.name or "",
            project=order.delivery_project_id.name or "",
            signatory=self.customer_signer_id.name or "",
            owner=self.user_id.name or "",
            contract_date=self._local_datetime_str(order.commitment_date, date_only=True),
        )
        return values

    # ---- what signing does ---------------------------------------------------------------------

    def _on_signed(self, author=None):
        """Passed: the delivery is complete (the order's accepted date; the opportunity moves to after-sales).
        Failed: rectification starts within 24 hours, with an activity for the owner."""
        signed_day = fields.Datetime.context_timestamp(self.with_context(tz=self._signed_tz()), self.signed_on).date()
        if self.result == "pass":
            self.order_id._process().sudo().write({"accepted_date": signed_day})
            self.order_id.message_post(
                body=self.env._(
                    "Delivery accepted by the customer: %(acceptance)s signed by %(name)s.",
                    acceptance=self.display_name,
                    name=self.signed_by,
                ),
                subtype_xmlid="mail.mt_note",
            )
            return
        deadline = self.signed_on + timedelta(hours=RECTIFICATION_HOURS)
        owner = self.user_id or self.order_id.delivery_user_id
        # the owner reads the to-do: in his language and zone
        env = self.with_context(lang=owner.lang).env
        activity = (
            self.sudo()
            .with_context(mail_activity_quick_update=True)
            .activity_schedule(
                "mail.mail_activity_data_todo",
                date_deadline=fields.Datetime.context_timestamp(self.with_context(tz=owner.tz), deadline).date(),
                summary=env._("Start the rectification of %(acceptance)s", acceptance=self.display_name),
                note=env._(
                    "The customer did not accept the delivery: %(reason)s Start the rectification by %(deadline)s, "
                    "then prepare a new version of the acceptance.",
                    reason=self.failure_reason or "",
                    deadline=self.with_env(env)._local_datetime_str(deadline, tz=owner.tz),
                ),
                user_id=owner.id,
            )
        )
        self._process().sudo().write({"rectification_deadline": deadline, "rectification_activity_id": activity.id})

    # ---- versions ------------------------------------------------------------------------------

    def action_new_version(self):
        """After a failed acceptance (signed) or one cancelled: the next version, its lines to decide again."""
        self.ensure_one()
        self.check_access("write")
        if self.next_id:
            raise UserError(self.env._("%(acceptance)s already has a next version.", acceptance=self.display_name))
        if not (self.state == "signed" and self.result == "fail") and self.state != "cancelled":
            raise UserError(
                self.env._("A new version follows a failed acceptance signed by the customer, or a cancelled one.")
            )
        # the same number, the next version: values of the certificate's own, not of a client
        new = self._process().create(
            {
                "order_id": self.order_id.id,
                "name": self.name,
                "version": self.version + 1,
                "previous_id": self.id,
                "user_id": self.user_id.id,
                "acceptance_type": self.acceptance_type,
                "received_date": self.received_date,
                "meeting_date": self.meeting_date,
                "customer_signer_id": self.customer_signer_id.id,
                "notes": self.notes,
                "rectification_plan": self.rectification_plan,
            }
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": new.id,
            "view_mode": "form",
            "views": [(False, "form")],
        }

    # ---- reminder ------------------------------------------------------------------------------

    @api.model
    def _cron_remind_overdue(self):
        """One activity for the owner of each acceptance past its due date and not signed, once per due date."""
        acceptances = self.search([("overdue", "=", True)]).filtered(
            lambda acceptance: acceptance.reminded_for != acceptance.due_date
        )
        todo = self.env.ref("mail.mail_activity_data_todo")
        reminders = []
        for acceptance in acceptances:
            owner = acceptance.user_id or acceptance.order_id.delivery_user_id
            env = acceptance.with_context(lang=owner.lang).env
            reminders.append(
                (
                    acceptance,
                    owner,
                    env._("Acceptance overdue: %(acceptance)s", acceptance=acceptance.display_name),
                    env._(
                        "The customer was to accept %(order)s by %(date)s. Have the certificate signed, on the "
                        "portal or on site.",
                        order=acceptance.order_id.name,
                        date=fields.Date.to_string(acceptance.due_date),
                    ),
                )
            )
        self.env["mail.activity"]._create_reminders(todo, reminders)
        for due, group in acceptances.grouped("due_date").items():
            group._process().write({"reminded_for": due})
        _logger.info("Acceptances: %s overdue reminder(s) given", len(acceptances))
        return len(acceptances)

    def _get_report_base_filename(self):
        self.ensure_one()
        return self.env._("Acceptance certificate %(name)s", name=self.display_name)

    def _report_title(self):
        """The certificate's printed title: 产品验收单 / 服务验收单 (Product/Service acceptance certificate)."""
        self.ensure_one()
        if self.acceptance_type == "service":
            return self.env._("Service Acceptance Certificate")
        return self.env._("Product Acceptance Certificate")


class SaleAcceptanceLine(models.Model):
    """One order line as the customer accepts it (a copy: the order may change, the certificate does not)."""

    _name = "sale.acceptance.line"
    _description = "Acceptance Certificate Line"
    _inherit = ["crm.signed.document.line.mixin"]
    _order = "acceptance_id, sequence, id"
    _signed_document_field = "acceptance_id"
    # the order line and its ordered quantity are copied by the certificate itself
    _process_fields = ("order_line_id", "ordered_qty")

    acceptance_id = fields.Many2one("sale.acceptance", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="acceptance_id.company_id", store=True)
    order_line_id = fields.Many2one("sale.order.line", string="Order line", readonly=True, ondelete="set null")
    sequence = fields.Integer(default=10)
    description = fields.Text(required=True)
    ordered_qty = fields.Float(string="Ordered", digits="Product Unit of Measure", readonly=True)
    accepted_qty = fields.Float(string="Accepted", digits="Product Unit of Measure")
    line_result = fields.Selection(LINE_RESULTS, string="Result")
    remark = fields.Char()

    @api.constrains("accepted_qty", "ordered_qty")
    def _check_accepted_qty(self):
        for line in self:
            if line.accepted_qty < 0 or line.accepted_qty > line.ordered_qty:
                raise ValidationError(
                    self.env._(
                        "The accepted quantity of “%(line)s” is between 0 and the ordered %(ordered)s.",
                        line=line.description,
                        ordered=line.ordered_qty,
                    )
                )


class SaleOrder(models.Model):
    _inherit = "sale.order"

    acceptance_ids = fields.One2many("sale.acceptance", "order_id", string="Acceptance certificates")
    acceptance_count = fields.Integer(string="Acceptances", compute="_compute_acceptance_count")
    acceptance_state = fields.Selection(
        [("none", "Not prepared"), ("waiting", "Waiting for signature"), ("failed", "Failed"), ("passed", "Passed")],
        string="Acceptance",
        compute="_compute_acceptance_count",
        help="Where the customer's acceptance of the delivery stands: its last certificate.",
    )

    def _compute_acceptance_count(self):
        acceptances = self.env["sale.acceptance"].search([("order_id", "in", self.ids), ("state", "!=", "cancelled")])
        by_order = acceptances.grouped("order_id")
        for order in self:
            mine = by_order.get(order, self.env["sale.acceptance"])
            order.acceptance_count = len(mine)
            last = mine.sorted("id")[-1:]
            if not last:
                order.acceptance_state = "none"
            elif last.state != "signed":
                order.acceptance_state = "waiting"
            else:
                order.acceptance_state = "passed" if last.result == "pass" else "failed"

    def action_prepare_acceptance(self):
        """A new acceptance certificate of the order, its lines from the order's."""
        self.ensure_one()
        if self.delivery_stage != "in_delivery":
            raise UserError(
                self.env._("Only an order in delivery is accepted by the customer; %(order)s is not.", order=self.name)
            )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Acceptance Certificate"),
            "res_model": "sale.acceptance",
            "view_mode": "form",
            "views": [(False, "form")],
            "context": {"default_order_id": self.id, "default_customer_signer_id": self.customer_signer_id.id},
        }

    def action_view_acceptances(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("crm_sales_process.sale_acceptance_action")
        action["domain"] = [("order_id", "=", self.id)]
        action["context"] = {"default_order_id": self.id}
        return action
