from odoo import fields, models


class MailActivityType(models.Model):
    _inherit = "mail.activity.type"

    counts_as_first_contact = fields.Boolean(
        help="Marking an activity of this type done on a lead records the lead's first contact.",
    )
