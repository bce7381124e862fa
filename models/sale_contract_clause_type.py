from odoo import fields, models

CLAUSE_KINDS = [
    ("description", "Products and services"),
    ("price_payment", "Price and payment"),
    ("delivery", "Delivery standard and date"),
    ("acceptance", "Acceptance criteria"),
    ("obligations", "Obligations of both sides"),
    ("liability", "Liability for breach"),
    ("confidentiality", "Confidentiality"),
    ("dispute", "Dispute resolution"),
    ("other", "Other"),
]


class SaleContractClauseType(models.Model):
    """A clause of the company's standard contract (公司标准合同模板), with its default text."""

    _name = "sale.contract.clause.type"
    _description = "Contract Clause Type"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    kind = fields.Selection(
        CLAUSE_KINDS,
        required=True,
        default="other",
        help="What the clause is about: the price, delivery and product clauses are completed from the order and "
        "the signed negotiation minutes.",
    )
    sequence = fields.Integer(default=10)
    default_text = fields.Text(string="Default text", translate=True)
    required = fields.Boolean(
        default=True, help="A contract cannot be submitted for approval without this clause (with a text)."
    )
    company_id = fields.Many2one(
        "res.company", index=True, help="Leave empty for a clause of every company's standard contract."
    )
    active = fields.Boolean(default=True)
