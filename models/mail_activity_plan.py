from odoo import api, fields, models

from .crm_lead_grading import GRADES


class MailActivityPlan(models.Model):
    """Activity plans started by a lead's grade (the follow-up cadences).

    The plan name is translatable here (it is not in Odoo 18): the cadences are shipped
    in English and Chinese, and an administrator translates his own plans the usual way.
    """

    _inherit = "mail.activity.plan"

    name = fields.Char(translate=True)
    crm_grade = fields.Selection(
        GRADES,
        string="Lead grade",
        help="On leads, this plan starts automatically when a lead reaches this grade.",
    )

    @api.model
    def _crm_grade_plan(self, grade, company):
        """The cadence of a grade: the company's own plan first, else a shared one."""
        plans = self.search(
            [("res_model", "=", "crm.lead"), ("crm_grade", "=", grade), ("company_id", "in", [company.id, False])]
        )
        return plans.sorted(lambda plan: (not plan.company_id, plan.id))[:1]
