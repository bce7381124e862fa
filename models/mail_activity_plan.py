from odoo import api, fields, models

from .crm_lead import GRADES


class MailActivityPlan(models.Model):
    _inherit = "mail.activity.plan"

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
