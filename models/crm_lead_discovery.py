"""Needs discovery on leads: the SPIN notes, pain points, budget range and decision timeline,
the decision chain (loaded from the customer's contacts), the needs, and what a merge of
leads keeps of them.
"""

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import format_amount


class CrmLead(models.Model):
    """What the rep learns about the customer's situation, needs, budget and decision makers."""

    _inherit = "crm.lead"

    spin_situation = fields.Text(string="Situation", help="The customer's current set-up, in his words.")
    spin_problem = fields.Text(string="Problem", help="The difficulties and dissatisfactions he mentions.")
    spin_implication = fields.Text(string="Implication", help="What these problems cost him (output, money, time).")
    spin_need_payoff = fields.Text(string="Need-payoff", help="What solving them would be worth to him.")
    pain_points = fields.Text(help="The problems the customer wants solved first.")
    budget_min = fields.Monetary(string="Budget from", currency_field="company_currency")
    budget_max = fields.Monetary(string="Budget up to", currency_field="company_currency")
    decision_timeline = fields.Char(
        string="Timeline", help="When the customer decides, buys and wants to go live (e.g. 6月底定标, 9月投产)."
    )
    stakeholder_ids = fields.One2many("crm.lead.stakeholder", "lead_id", string="Decision chain", copy=True)
    need_ids = fields.One2many("crm.lead.need", "lead_id", string="Needs")

    @api.constrains("budget_min", "budget_max")
    def _check_budget_range(self):
        for lead in self:
            if lead.budget_min < 0 or lead.budget_max < 0:
                raise ValidationError(self.env._("A budget cannot be negative (lead %(lead)s).", lead=lead.name))
            if lead.budget_max and lead.budget_min > lead.budget_max:
                raise ValidationError(
                    self.env._(
                        "The budget of %(lead)s starts above its upper limit (%(min)s > %(max)s): "
                        "correct the budget range.",
                        lead=lead.name,
                        min=format_amount(self.env, lead.budget_min, lead.company_currency),
                        max=format_amount(self.env, lead.budget_max, lead.company_currency),
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        leads = super().create(vals_list)
        leads.filtered(lambda lead: lead.partner_id and not lead.stakeholder_ids)._load_decision_chain()
        return leads

    def write(self, vals):
        res = super().write(vals)
        if vals.get("partner_id"):
            self.filtered(lambda lead: not lead.stakeholder_ids)._load_decision_chain()
        return res

    def action_load_decision_chain(self):
        """Add the customer's contacts that have a decision role to the decision chain."""
        self.check_access("write")
        without_customer = self.filtered(lambda lead: not lead.partner_id)
        if without_customer:
            raise UserError(self.env._("Set the customer of %(lead)s first.", lead=without_customer[0].display_name))
        if not self._load_decision_chain():
            raise UserError(
                self.env._(
                    "No new contact of %(customer)s has a decision role. Give the customer's contacts their role "
                    "(decision maker, influencer…) or add the people here by hand.",
                    customer=", ".join(self.partner_id.commercial_partner_id.mapped("display_name")),
                )
            )
        return True

    def _load_decision_chain(self):
        """Create a stakeholder line for each contact of the leads' customers that has a
        decision role and is not listed yet; returns the created lines."""
        leads = self.filtered("partner_id")
        if not leads:
            return self.env["crm.lead.stakeholder"]
        customers = leads.partner_id.commercial_partner_id
        contacts = self.env["res.partner"].search(
            [("commercial_partner_id", "in", customers.ids), ("decision_role", "!=", False)]
        )
        vals_list = []
        for lead in leads:
            listed = lead.stakeholder_ids.partner_id
            for contact in contacts:
                if contact.commercial_partner_id == lead.partner_id.commercial_partner_id and contact not in listed:
                    vals_list.append(
                        {
                            "lead_id": lead.id,
                            "partner_id": contact.id,
                            "role": contact.decision_role,
                            "department": contact.function,
                        }
                    )
        return self.env["crm.lead.stakeholder"].create(vals_list)

    def _merge_dependences(self, opportunities):
        """The merged lead keeps the needs and the decision chains of the others."""
        res = super()._merge_dependences(opportunities)
        opportunities.need_ids._process().sudo().write({"lead_id": self.id})
        listed = self.stakeholder_ids.partner_id
        moved = self.env["crm.lead.stakeholder"]
        for line in opportunities.stakeholder_ids:
            if line.partner_id not in listed:
                listed |= line.partner_id
                moved |= line
        moved.sudo().write({"lead_id": self.id})
        return res
