"""The sales documents of a lead: its negotiation minutes, needs confirmation lists and
solution reviews, the smart-button counts of these and of its needs, and the actions that
open them or start a new one.
"""

from odoo import api, fields, models
from odoo.exceptions import UserError


class CrmLead(models.Model):
    """Leads and the documents the customer signs or the company approves for them."""

    _inherit = "crm.lead"

    negotiation_minutes_ids = fields.One2many("crm.negotiation.minutes", "lead_id", string="Negotiation minutes")
    negotiation_minutes_count = fields.Integer(compute="_compute_document_counts")
    need_confirmation_ids = fields.One2many("crm.need.confirmation", "lead_id", string="Needs confirmation lists")
    need_confirmation_count = fields.Integer(compute="_compute_document_counts")
    # Solution reviews (方案审核表)
    solution_review_ids = fields.One2many("crm.solution.review", "lead_id", string="Solution reviews")
    solution_review_count = fields.Integer(compute="_compute_document_counts")
    need_count = fields.Integer(compute="_compute_document_counts")

    @api.depends("need_ids", "need_confirmation_ids", "solution_review_ids", "negotiation_minutes_ids")
    def _compute_document_counts(self):
        """Smart-button counts of the lead's sales documents, one group-by per kind."""
        for field_name, model in (
            ("need_count", "crm.lead.need"),
            ("need_confirmation_count", "crm.need.confirmation"),
            ("solution_review_count", "crm.solution.review"),
            ("negotiation_minutes_count", "crm.negotiation.minutes"),
        ):
            counts = dict(self.env[model]._read_group([("lead_id", "in", self.ids)], ["lead_id"], ["__count"]))
            for lead in self:
                lead[field_name] = counts.get(lead._origin, 0)

    def _action_lead_documents(self, action_xmlid, **defaults):
        """The window action of ``action_xmlid`` limited to this lead's records."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(action_xmlid)
        action["domain"] = [("lead_id", "=", self.id)]
        action["context"] = {"default_lead_id": self.id, **defaults}
        return action

    def action_open_needs(self):
        """The lead's needs, to record, confirm and analyse."""
        return self._action_lead_documents("crm_sales_process.crm_lead_need_action")

    def action_open_negotiation_minutes(self):
        """The lead's negotiation minutes; a new one starts with the lead's customer and quotation."""
        return self._action_lead_documents(
            "crm_sales_process.crm_negotiation_minutes_action",
            default_order_id=self.order_ids.filtered(lambda order: order.state != "cancel")[:1].id,
            default_customer_attendee_ids=self.partner_id.ids,
        )

    def action_request_need_confirmation(self):
        """A needs confirmation list of the lead's needs, for the customer to sign."""
        self.ensure_one()
        if not self.need_ids.filtered(lambda need: need.state != "cancelled"):
            raise UserError(
                self.env._("Record the customer's needs on %(lead)s before asking him to confirm them.", lead=self.name)
            )
        confirmation = self.env["crm.need.confirmation"].create({"lead_id": self.id})
        return {
            "type": "ir.actions.act_window",
            "res_model": "crm.need.confirmation",
            "res_id": confirmation.id,
            "view_mode": "form",
        }

    def action_open_need_confirmations(self):
        return self._action_lead_documents("crm_sales_process.crm_need_confirmation_action")

    def action_request_solution_review(self):
        """A draft solution review of the lead's latest quotation, to describe and submit."""
        self.ensure_one()
        orders = self.order_ids.filtered(lambda order: order.state != "cancel")
        quotation = (orders.filtered(lambda order: order.state in ("draft", "sent")) or orders).sorted("id")[-1:]
        review = self.env["crm.solution.review"].create({"lead_id": self.id, "order_id": quotation.id})
        return {
            "type": "ir.actions.act_window",
            "res_model": "crm.solution.review",
            "res_id": review.id,
            "view_mode": "form",
        }

    def action_view_solution_reviews(self):
        return self._action_lead_documents("crm_sales_process.crm_solution_review_action")

    def action_open_or_request_solution_review(self):
        """The lead's solution reviews, or a new one when it has none yet."""
        self.ensure_one()
        if self.solution_review_ids:
            return self.action_view_solution_reviews()
        return self.action_request_solution_review()
