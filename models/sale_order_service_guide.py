"""The customer's after-sales owner (customer success manager, 售后负责人) and the after-sales service
guide (售后服务指南: channels, response times, process) the customer receives when a contract is signed."""

from odoo import api, fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    aftersales_user_id = fields.Many2one(
        "res.users",
        string="After-sales owner",
        tracking=True,
        help="The customer success manager who looks after the customer once a contract is signed.",
    )


class SaleOrder(models.Model):
    _inherit = "sale.order"

    aftersales_user_id = fields.Many2one(
        "res.users",
        string="After-sales owner",
        compute="_compute_aftersales_user_id",
        store=True,
        readonly=False,
        precompute=True,
        tracking=True,
        help="Who looks after the customer once the contract is signed: the customer's after-sales owner unless "
        "you choose.",
    )

    @api.depends("partner_id")
    def _compute_aftersales_user_id(self):
        for order in self:
            order.aftersales_user_id = (
                order.aftersales_user_id or order.partner_id.commercial_partner_id.aftersales_user_id
            )

    def _contract_hand_over(self):
        res = super()._contract_hand_over()
        self._aftersales_hand_over()
        return res

    def _aftersales_hand_over(self):
        """The customer's after-sales owner (the order's, else the company's after-sales manager, else the
        delivery owner), and the service guide sent to the customer."""
        template = self.env.ref("crm_sales_process.mail_template_aftersales_service_guide")
        for order in self:
            customer = order.partner_id.commercial_partner_id
            owner = (
                order.aftersales_user_id
                or customer.aftersales_user_id
                or order.company_id._aftersales_manager()
                or order.delivery_user_id
                or order.user_id
            )
            if order.aftersales_user_id != owner:
                order.sudo().aftersales_user_id = owner
            if not customer.aftersales_user_id:
                customer.sudo().aftersales_user_id = owner
            order.message_post_with_source(template, subtype_xmlid="mail.mt_comment")
