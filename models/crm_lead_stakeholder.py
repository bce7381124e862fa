from odoo import fields, models

from .res_partner import DECISION_ROLES, LEVELS

ATTITUDES = [("supporter", "Supporter"), ("neutral", "Neutral"), ("opponent", "Opponent")]


class CrmLeadStakeholder(models.Model):
    """One person of the customer's decision chain on a lead: role, department, attitude."""

    _name = "crm.lead.stakeholder"
    _description = "Lead Stakeholder"
    _rec_name = "partner_id"
    _order = "lead_id, sequence, id"
    _check_company_auto = True

    lead_id = fields.Many2one("crm.lead", required=True, ondelete="cascade", index=True)
    partner_id = fields.Many2one("res.partner", string="Contact", required=True, check_company=True, index=True)
    sequence = fields.Integer(default=10)
    role = fields.Selection(DECISION_ROLES, help="The person's role in this buying decision.")
    department = fields.Char()
    function = fields.Char(related="partner_id.function", string="Job position")
    attitude = fields.Selection(ATTITUDES, help="How the person stands toward our offer.")
    influence = fields.Selection(LEVELS, help="How much weight the person has in the decision.")
    note = fields.Text()
    company_id = fields.Many2one(related="lead_id.company_id", store=True, index=True)
    customer_id = fields.Many2one(related="lead_id.partner_id.commercial_partner_id", string="Customer")

    _sql_constraints = [
        ("lead_partner_uniq", "unique(lead_id, partner_id)", "This person is already in the lead's decision chain."),
    ]
