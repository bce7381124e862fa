from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    grade_a_min = fields.Integer(related="company_id.grade_a_min", readonly=False)
    grade_b_min = fields.Integer(related="company_id.grade_b_min", readonly=False)
    first_contact_hours_a = fields.Integer(related="company_id.first_contact_hours_a", readonly=False)
    first_contact_hours_b = fields.Integer(related="company_id.first_contact_hours_b", readonly=False)
    first_contact_hours_c = fields.Integer(related="company_id.first_contact_hours_c", readonly=False)
    customer_stale_days = fields.Integer(related="company_id.customer_stale_days", readonly=False)
    gm_approval_amount = fields.Monetary(related="company_id.gm_approval_amount", readonly=False)
    contract_archive_days = fields.Integer(related="company_id.contract_archive_days", readonly=False)
    contract_signatory_ids = fields.Many2many(related="company_id.contract_signatory_ids", readonly=False)
    delivery_project_template_id = fields.Many2one(related="company_id.delivery_project_template_id", readonly=False)
