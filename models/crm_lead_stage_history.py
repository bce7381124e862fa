from odoo import fields, models

from .crm_lead_grading import GRADES


class CrmLeadStageHistory(models.Model):
    """Every stage change of a lead: the table the pipeline analytics read."""

    _name = "crm.lead.stage.history"
    _description = "Lead Stage History"
    _order = "date desc, id desc"

    lead_id = fields.Many2one("crm.lead", required=True, ondelete="cascade", index=True)
    stage_from_id = fields.Many2one("crm.stage", string="From stage", index=True)
    stage_to_id = fields.Many2one("crm.stage", string="To stage", required=True, index=True)
    user_id = fields.Many2one("res.users", string="Moved by", required=True)
    date = fields.Datetime(required=True, index=True, default=fields.Datetime.now)
    # Reports average the days per move (how long a stage takes) and add them up (grouped by lead, the
    # time the lead spent in the stages it left): one column per aggregate, as a field has one aggregator.
    days_in_stage = fields.Float(
        string="Days in previous stage",
        digits=(16, 2),
        aggregator="avg",
        help="How long the lead stayed in the stage it left.",
    )
    days_in_stage_total = fields.Float(
        related="days_in_stage",
        string="Total days in stage",
        store=True,
        precompute=True,
        aggregator="sum",
        help="The days in the previous stage, added up: grouped by lead, how long it took to get where it is.",
    )
    grading_score = fields.Integer(string="Score", aggregator="avg")
    grade = fields.Selection(GRADES, index=True)
    is_override = fields.Boolean(string="Override", index=True)
    override_reason = fields.Text(string="Reason")
    is_migration = fields.Boolean(string="Migration", help="Moved by the standard stages wizard.")
    team_id = fields.Many2one(related="lead_id.team_id", store=True, precompute=True, index=True)
    company_id = fields.Many2one(related="lead_id.company_id", store=True, precompute=True, index=True)
