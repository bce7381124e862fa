"""The follow-up visit (回访) of a resolved service record: the customer's satisfaction and remarks."""

from odoo import fields, models

from ..models.helpdesk_ticket import SATISFACTION


class HelpdeskTicketFollowupVisit(models.TransientModel):
    _name = "helpdesk.ticket.followup.visit"
    _description = "Service Follow-up Visit"

    ticket_id = fields.Many2one("helpdesk.ticket", required=True, ondelete="cascade")
    satisfaction = fields.Selection(SATISFACTION, string="Customer satisfaction", required=True)
    satisfaction_remark = fields.Text(string="Customer's remarks", help="How it works now, what he would improve.")

    def action_confirm(self):
        self.ensure_one()
        self.ticket_id.check_access("write")
        self.ticket_id._record_followup_visit(self.satisfaction, self.satisfaction_remark)
        return {"type": "ir.actions.act_window_close"}
