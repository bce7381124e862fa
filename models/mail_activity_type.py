from odoo import fields, models

from .crm_lead_followup import CHANNELS


class MailActivityType(models.Model):
    _inherit = "mail.activity.type"

    counts_as_first_contact = fields.Boolean(
        help="Marking an activity of this type done on a lead records the lead's first contact.",
    )
    followup_channel = fields.Selection(
        CHANNELS,
        string="Follow-up channel",
        help="Marking an activity of this type done on a lead logs a follow-up by this channel, with the "
        "feedback as its content.",
    )
