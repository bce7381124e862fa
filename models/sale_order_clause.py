from odoo import api, fields, models


class SaleOrderClause(models.Model):
    """One clause of a contract (sale.order): from the standard contract, completed with what
    was agreed. Editable until the contract is submitted; a change after its approval restarts it."""

    _name = "sale.order.clause"
    _description = "Contract Clause"
    _order = "order_id, sequence, id"

    order_id = fields.Many2one("sale.order", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="order_id.company_id", store=True, index=True)
    type_id = fields.Many2one("sale.contract.clause.type", string="Clause type", ondelete="restrict")
    kind = fields.Selection(related="type_id.kind")
    sequence = fields.Integer(default=10)
    name = fields.Char(string="Title", required=True)
    content = fields.Text(required=True)

    @api.model_create_multi
    def create(self, vals_list):
        clauses = super().create(vals_list)
        clauses.order_id._contract_check_clauses_editable()
        clauses.order_id._approval_recheck_quotations()
        return clauses

    def write(self, vals):
        self.order_id._contract_check_clauses_editable()
        res = super().write(vals)
        self.order_id._contract_check_clauses_editable()
        self.order_id._approval_recheck_quotations()
        return res

    def unlink(self):
        orders = self.order_id
        orders._contract_check_clauses_editable()
        res = super().unlink()
        orders.exists()._approval_recheck_quotations()
        return res
