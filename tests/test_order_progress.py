from datetime import date, datetime, timedelta

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import tagged
from odoo.tools.safe_eval import safe_eval

from .test_delivery_exception import ExceptionCase

LIST_FIELDS = [
    "name",
    "partner_id",
    "delivery_products",
    "commitment_date",
    "delivery_progress",
    "delivery_update_status",
    "delivery_user_id",
    "delivery_next_update_date",
    "delivery_update_overdue",
    "open_exception_count",
    "delivery_exception_summary",
    "delivery_next_step",
    "delivery_date_passed",
    "exception_unnotified",
]


@tagged("post_install", "-at_install")
class TestOrderProgressTracking(ExceptionCase):
    def _order_in_delivery(self):
        return self._delivery_project().delivery_order_id

    def test_columns_from_the_last_update_and_the_open_exceptions(self):
        order = self._order_in_delivery()
        self.assertEqual(order.delivery_stage, "in_delivery")
        self.assertFalse(self._contract().delivery_stage, "A quotation is not in delivery.")
        project = order.delivery_project_id
        self._update(project, date(2026, 11, 2), progress=30)
        self._update(project, date(2026, 11, 9), progress=55, status="at_risk", next_steps="<p>下周安装调试</p>")
        self.assertEqual(order.delivery_progress, 55)
        self.assertEqual(order.delivery_update_status, "at_risk")
        self.assertEqual(order.delivery_next_step, "下周安装调试")
        self.assertEqual(order.delivery_products, self.product.display_name)
        open_one = self._exception(order, solution="第二供应商先发一半")
        resolved = self._exception(order, name="图纸变更", cause_type="requirement_change", solution="已按新图纸")
        resolved._mark_notified("phone", self.buyer)
        resolved.action_resolve()
        order.invalidate_recordset(["delivery_exception_summary", "open_exception_count"])
        self.assertEqual(order.open_exception_count, 1)
        self.assertIn("钢结构件供应商延期", order.delivery_exception_summary)
        self.assertIn("第二供应商先发一半", order.delivery_exception_summary)
        self.assertIn("2026-12-27", order.delivery_exception_summary)
        self.assertNotIn("图纸变更", order.delivery_exception_summary, "Only the exceptions being handled.")
        self.assertTrue(open_one)

    def test_filters_update_overdue_exception_unnotified_delivery_date_passed(self):
        order = self._order_in_delivery()
        Order = self.env["sale.order"]
        action = self.env["ir.actions.act_window"]._for_xml_id("crm_sales_process.sale_order_progress_action")

        def found(domain):
            return order in Order.search([*safe_eval(action["domain"]), *domain])

        self.assertTrue(found([("delivery_stage", "=", "in_delivery")]))
        project = order.delivery_project_id
        self._update(project, fields.Date.today() - timedelta(days=10))
        self.assertTrue(found([("delivery_update_overdue", "=", True)]))
        self._update(project, fields.Date.today())
        self.assertFalse(found([("delivery_update_overdue", "=", True)]))
        self.assertFalse(found([("exception_unnotified", "=", True)]))
        exception = self._exception(order)
        self.assertTrue(found([("exception_unnotified", "=", True)]))
        exception._mark_notified("phone", self.buyer)
        self.assertFalse(found([("exception_unnotified", "=", True)]))
        order.commitment_date = datetime.now() + timedelta(days=3)
        self.assertFalse(found([("delivery_date_passed", "=", True)]))
        self.assertTrue(found([("delivery_date_passed", "=", False)]))
        order.commitment_date = datetime.now() - timedelta(days=1)
        self.assertTrue(found([("delivery_date_passed", "=", True)]))
        self.assertTrue(order.delivery_date_passed)
        order._process().accepted_date = fields.Date.today()
        self.assertEqual(order.delivery_stage, "accepted")
        self.assertFalse(found([("delivery_date_passed", "=", True)]), "An accepted order is no longer late.")

    def test_list_costs_the_same_for_one_or_three_orders(self):
        def order_with_update_and_exception():
            order = self._order_in_delivery()
            self._update(order.delivery_project_id, date(2026, 11, 2), next_steps="<p>安装</p>")
            self._exception(order)
            return order

        orders = order_with_update_and_exception()
        Order = self.env["sale.order"].with_user(self.deliverer)

        def read_list():
            Order.web_search_read([("id", "in", orders.ids)], {name: {} for name in LIST_FIELDS})

        def warm_count():
            # twice first: the registry caches (xmlids, rules) and the records' pending recomputations settle
            self.count_queries(read_list)
            self.count_queries(read_list)
            return self.count_queries(read_list)

        one = warm_count()
        orders |= order_with_update_and_exception() | order_with_update_and_exception()
        self.assertEqual(one, warm_count())

    def test_pdf_of_the_selection(self):
        first = self._order_in_delivery()
        self._update(first.delivery_project_id, date(2026, 11, 9), progress=55, next_steps="<p>下周安装调试</p>")
        self._exception(first, solution="第二供应商先发一半")
        second = self._order_in_delivery()
        html = (
            self.env["ir.actions.report"]
            .with_user(self.deliverer)
            ._render_qweb_html("crm_sales_process.sale_order_progress_report", (first | second).ids)[0]
            .decode()
        )
        for text in (
            first.name,
            second.name,
            "55%",
            "下周安装调试",
            "钢结构件供应商延期",
            "第二供应商先发一半",
            "2026-12-20",
        ):
            self.assertIn(text, html)
        with self.assertRaises(AccessError):
            self.env["ir.actions.report"].with_user(self.rep_2)._render_qweb_html(
                "crm_sales_process.sale_order_progress_report", first.ids
            )
