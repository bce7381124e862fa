from odoo import api, fields, models
from odoo.exceptions import UserError


class SaleContractSign(models.TransientModel):
    """The customer's authorised signatory signs the contract on the salesperson's device."""

    _name = "sale.contract.sign"
    _description = "Sign the Contract on Site"

    order_id = fields.Many2one("sale.order", required=True, readonly=True, ondelete="cascade")
    commercial_partner_id = fields.Many2one(related="order_id.partner_id.commercial_partner_id")
    signer_id = fields.Many2one(
        "res.partner",
        string="Customer signatory",
        required=True,
        compute="_compute_signer_id",
        store=True,
        readonly=False,
        precompute=True,
        domain="[('is_company', '=', False), ('commercial_partner_id', '=', commercial_partner_id)]",
        help="The legal representative, or a contact with a power of attorney covering the amount today.",
    )
    signer_status = fields.Char(compute="_compute_signer_status", string="Authority")
    allowed_company_signer_ids = fields.Many2many(related="order_id.company_id.contract_signatory_ids")
    company_signer_id = fields.Many2one(
        "res.users",
        string="Our signatory",
        required=True,
        compute="_compute_company_signer_id",
        store=True,
        readonly=False,
        precompute=True,
        domain="[('id', 'in', allowed_company_signer_ids)]",
    )
    signed_by = fields.Char(
        string="Name as signed",
        required=True,
        compute="_compute_signed_by",
        store=True,
        readonly=False,
        precompute=True,
    )
    signature = fields.Binary(required=True)

    @api.depends("order_id")
    def _compute_signer_id(self):
        for wizard in self:
            order = wizard.order_id
            representatives = order.partner_id.commercial_partner_id.child_ids.filtered("is_legal_representative")
            wizard.signer_id = order.customer_signer_id or representatives[:1]

    @api.depends("order_id")
    def _compute_company_signer_id(self):
        for wizard in self:
            order = wizard.order_id
            wizard.company_signer_id = order.company_signer_id or order.company_id.contract_signatory_ids[:1]

    @api.depends("signer_id")
    def _compute_signed_by(self):
        for wizard in self:
            wizard.signed_by = wizard.signer_id.name

    @api.depends("signer_id", "order_id")
    def _compute_signer_status(self):
        for wizard in self:
            refusal = wizard.signer_id and wizard.order_id._contract_signer_refusal(wizard.signer_id)
            wizard.signer_status = refusal or (
                wizard.signer_id and self.env._("Authorised to sign this contract today.")
            )

    def action_sign(self):
        self.ensure_one()
        if not self.signature:
            raise UserError(self.env._("The customer's signatory signs on the pad before you confirm."))
        self.order_id._contract_sign_on_site(
            self.signer_id, self.company_signer_id, self.signed_by.strip(), self.signature
        )
        return {"type": "ir.actions.act_window_close"}
