"""After-sales service report (售后服务分析): one row per service record, read only, under the
rules of the tickets (own/team/all of the helpdesk groups, the user's companies): response and
resolution within SLA as 100/0 so that their average is the compliance %, the follow-up visit's
satisfaction, and whether the visit is overdue. Pivot and graph by month, owner, type, team."""

from odoo import fields, models
from odoo.tools import SQL

from ..models.helpdesk_ticket import SERVICE_TYPES


class HelpdeskAftersalesReport(models.Model):
    _name = "helpdesk.aftersales.report"
    _description = "After-sales Service Analysis"
    _auto = False
    _order = "date desc"

    ticket_id = fields.Many2one("helpdesk.ticket", string="Service record", readonly=True)
    date = fields.Datetime(string="Reported on", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    team_id = fields.Many2one("helpdesk.ticket.team", readonly=True)
    user_id = fields.Many2one("res.users", string="Owner", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    service_type = fields.Selection(SERVICE_TYPES, readonly=True)
    urgent = fields.Boolean(readonly=True)
    response_in_sla = fields.Float(string="Responded within SLA (%)", readonly=True, aggregator="avg")
    resolution_in_sla = fields.Float(string="Resolved within SLA (%)", readonly=True, aggregator="avg")
    satisfaction = fields.Float(string="Satisfaction (1-5)", readonly=True, aggregator="avg")
    low_satisfaction = fields.Integer(string="Low scores", readonly=True, aggregator="sum")
    followup_overdue = fields.Integer(string="Follow-up visits overdue", readonly=True, aggregator="sum")
    tickets = fields.Integer(string="Service records", readonly=True, aggregator="sum")

    @property
    def _table_query(self):
        now = fields.Datetime.now()
        today = fields.Date.context_today(self)
        return SQL(
            """
            SELECT t.id AS id,
                   t.id AS ticket_id,
                   t.create_date AS date,
                   t.company_id,
                   t.team_id,
                   t.user_id,
                   t.commercial_partner_id AS partner_id,
                   t.service_type,
                   t.urgent,
                   CASE WHEN t.response_sla = 'met' THEN 100.0
                        WHEN t.response_sla = 'breached' OR t.response_deadline < %(now)s THEN 0.0 END
                        AS response_in_sla,
                   CASE WHEN t.resolution_sla = 'met' THEN 100.0
                        WHEN t.resolution_sla = 'breached' OR t.resolution_deadline < %(now)s THEN 0.0 END
                        AS resolution_in_sla,
                   t.satisfaction::float AS satisfaction,
                   CASE WHEN t.satisfaction IN ('1', '2') THEN 1 ELSE 0 END AS low_satisfaction,
                   CASE WHEN t.followup_done_at IS NULL AND t.followup_due_date < %(today)s THEN 1 ELSE 0 END
                        AS followup_overdue,
                   1 AS tickets
              FROM helpdesk_ticket t
             WHERE t.active
            """,
            now=now,
            today=today,
        )
