from odoo import fields, models


class MailActivityPlanTemplate(models.Model):
    """The activities of a plan, with a summary and a note in each user's language.

    Odoo 18 stores them in one language; translatable, an activity scheduled from the
    template can be written in the language of the user who gets it (see
    crm.lead._start_grade_cadence), like the activity type's default summary and note.
    """

    _inherit = "mail.activity.plan.template"

    summary = fields.Char(translate=True)
    note = fields.Html(translate=True)
