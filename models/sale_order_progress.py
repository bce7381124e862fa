"""The order progress tracking sheet (订单进度跟踪表): every contract order in delivery with its
contract delivery date, current progress and status (its delivery project's last update), owner,
open delivery exceptions and their handling, and the next step. A list, a pivot and a PDF of the
selection; filters *Update overdue*, *Exception not notified*, *Delivery date passed*.

What a list column shows is stored (progress, status, next update due) or computed for the whole
page at once from prefetched records (exceptions, next step).
"""

from odoo import api, fields, models
from odoo.tools import html2plaintext

from .report_access import readable_report_values

DELIVERY_STAGES = [
    ("in_delivery", "In delivery"),
    ("accepted", "Accepted"),
]


class SaleOrder(models.Model):
    _inherit = "sale.order"

    _process_fields = ("accepted_date",)

    accepted_date = fields.Date(
        string="Accepted on",
        readonly=True,
        copy=False,
        tracking=True,
        help="The day the customer signed an acceptance certificate that passed: the delivery is complete.",
    )
    delivery_stage = fields.Selection(
        DELIVERY_STAGES,
        string="Delivery status",
        compute="_compute_delivery_stage",
        store=True,
        index="btree_not_null",
        help="In delivery from the confirmation of a contract with its delivery project until a passed acceptance.",
    )
    delivery_progress = fields.Integer(
        related="delivery_project_id.last_update_id.progress",
        string="Progress (%)",
        store=True,
        aggregator="avg",
    )
    delivery_update_status = fields.Selection(
        related="delivery_project_id.last_update_status", string="Delivery health", store=True
    )
    delivery_next_update_date = fields.Date(related="delivery_project_id.next_update_date", string="Next update due")
    delivery_update_overdue = fields.Boolean(related="delivery_project_id.update_overdue", string="Update overdue")
    delivery_products = fields.Char(
        string="Products/services", compute="_compute_delivery_tracking", help="What the order delivers."
    )
    delivery_next_step = fields.Text(
        string="Next step", compute="_compute_delivery_tracking", help="The next steps of the last progress update."
    )
    delivery_exception_summary = fields.Text(
        string="Open exceptions and handling",
        compute="_compute_delivery_tracking",
        help="The exceptions being handled: subject, status, solution and new date.",
    )
    open_exception_count = fields.Integer(string="Open exceptions", compute="_compute_delivery_tracking")
    delivery_date_passed = fields.Boolean(
        string="Delivery date passed",
        compute="_compute_delivery_date_passed",
        search="_search_delivery_date_passed",
        help="In delivery, and the contract's delivery date is past.",
    )

    @api.depends("state", "delivery_project_id", "accepted_date")
    def _compute_delivery_stage(self):
        for order in self:
            if order.state != "sale" or not order.delivery_project_id:
                order.delivery_stage = False
            else:
                order.delivery_stage = "accepted" if order.accepted_date else "in_delivery"

    @api.depends(
        "order_line.product_id", "delivery_project_id.last_update_id.next_steps", "delivery_exception_ids.state"
    )
    def _compute_delivery_tracking(self):
        states = dict(self.env["sale.delivery.exception"]._fields["state"]._description_selection(self.env))
        for order in self:
            lines = order.order_line.filtered(lambda line: not line.display_type)
            order.delivery_products = ", ".join(dict.fromkeys(lines.product_id.mapped("display_name"))) or False
            update = order.delivery_project_id.last_update_id
            order.delivery_next_step = html2plaintext(update.next_steps or "").strip() or False
            handled = order.delivery_exception_ids.filtered(lambda exception: exception.state in ("open", "notified"))
            order.open_exception_count = len(handled)
            order.delivery_exception_summary = (
                "\n".join(exception._tracking_line(states) for exception in handled.sorted("detected_at")) or False
            )

    @api.depends("commitment_date", "delivery_stage")
    def _compute_delivery_date_passed(self):
        now = fields.Datetime.now()
        for order in self:
            order.delivery_date_passed = bool(
                order.delivery_stage == "in_delivery" and order.commitment_date and order.commitment_date < now
            )

    def _search_delivery_date_passed(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise NotImplementedError(operator)
        passed = [("delivery_stage", "=", "in_delivery"), ("commitment_date", "<", fields.Datetime.now())]
        return passed if (operator == "=") == value else ["!", "&", *passed]

    def _tracking_tz(self):
        """The zone the printed sheet's times are in: the reader's, else the company's."""
        return self.env.user.tz or self.env.company._local_tz()


class SaleDeliveryException(models.Model):
    _inherit = "sale.delivery.exception"

    def _tracking_line(self, states):
        """One line of the tracking sheet: subject [status]: solution (new date)."""
        self.ensure_one()
        line = f"{self.name} [{states[self.state]}]"
        if self.solution:
            line += f": {self.solution.strip()}"
        if self.new_date:
            line += f" → {fields.Date.to_string(self.new_date)}"
        return line


class ReportSaleOrderProgress(models.AbstractModel):
    """The printed tracking sheet: only of orders the reader may read."""

    _name = "report.crm_sales_process.sale_order_progress_document"
    _description = "Order Progress Tracking Sheet Report"

    @api.model
    def _get_report_values(self, docids, data=None):
        return readable_report_values(self.env, "sale.order", docids)
