from odoo import fields, models

TERM_TOPICS = [
    ("price", "Price"),
    ("payment", "Payment terms"),
    ("delivery", "Delivery"),
    ("scope", "Scope"),
    ("liability", "Liability"),
    ("other", "Other"),
]


class CrmNegotiationMinutesTerm(models.Model):
    """One point of the negotiation: agreed, or still open with who settles it by when."""

    _name = "crm.negotiation.minutes.term"
    _description = "Negotiation Minutes Term"
    _inherit = ["crm.signed.document.line.mixin"]
    _order = "minutes_id, sequence, id"
    _signed_document_field = "minutes_id"

    minutes_id = fields.Many2one("crm.negotiation.minutes", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="minutes_id.company_id", store=True)
    sequence = fields.Integer(default=10)
    topic = fields.Selection(TERM_TOPICS, required=True, default="price")
    description = fields.Text(required=True, help="What was said, in the words both sides agree on.")
    status = fields.Selection([("agreed", "Agreed"), ("open", "Open")], required=True, default="agreed")
    responsible = fields.Char(help="Who settles an open item.")
    due_date = fields.Date(string="Settle by")
