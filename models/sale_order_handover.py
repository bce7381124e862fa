"""sale.order handed over to delivery on confirmation (交接交付): the order confirmation letter
(订单确认函) to the customer, and the delivery project with its kickoff plan (项目启动计划表):
the team by role, milestones from the delivery date, the communication mechanism and a kickoff
meeting activity."""

from odoo import api, fields, models


class SaleOrder(models.Model):
    _inherit = "sale.order"

    _process_fields = ("delivery_project_id",)

    delivery_user_id = fields.Many2one(
        "res.users",
        string="Delivery owner",
        tracking=True,
        compute="_compute_delivery_user_id",
        store=True,
        readonly=False,
        precompute=True,
        help="Who delivers the order and answers the customer about it (the salesperson unless you choose): "
        "named in the order confirmation letter.",
    )
    delivery_contact_id = fields.Many2one(
        "res.partner",
        string="Customer delivery contact",
        tracking=True,
        domain="[('commercial_partner_id', '=', commercial_partner_id)]",
        help="The customer's person the delivery team works with.",
    )
    delivery_project_id = fields.Many2one(
        "project.project",
        string="Delivery project",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="The project delivering this order, opened on confirmation with its kickoff plan.",
    )

    @api.depends("user_id")
    def _compute_delivery_user_id(self):
        for order in self:
            order.delivery_user_id = order.delivery_user_id or order.user_id

    def _action_confirm(self):
        res = super()._action_confirm()
        self._contract_hand_over()
        return res

    def _contract_hand_over(self):
        """Open the delivery project with its kickoff plan, then tell the customer who delivers when."""
        for order in self:
            project = order.delivery_project_id or order.sudo().project_ids[:1]
            if not project:
                project = order._contract_new_delivery_project()
            order._process().sudo().write({"delivery_project_id": project.id})
            project.sudo()._kickoff_plan_from_order(order)
        template = self.env.ref("crm_sales_process.mail_template_order_confirmation_letter")
        for order in self:
            order.message_post_with_source(template, subtype_xmlid="mail.mt_comment")

    def _contract_new_delivery_project(self):
        """A delivery project for an order without a service product: from the company's template, if any."""
        self.ensure_one()
        values = {
            "name": f"{self.name} - {self.partner_id.commercial_partner_id.name}",
            "partner_id": self.partner_id.id,
            "company_id": self.company_id.id,
            "user_id": (self.delivery_user_id or self.user_id).id,
            "delivery_order_id": self.id,
        }
        template = self.company_id.delivery_project_template_id
        Project = self.env["project.project"].sudo().with_company(self.company_id)
        return template.sudo().copy(values) if template else Project.create(values)

    def action_print_kickoff_plan(self):
        self.ensure_one()
        return self.env.ref("crm_sales_process.project_kickoff_plan_report").report_action(self.delivery_project_id)
