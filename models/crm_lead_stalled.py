"""Stalled leads: a lead that stays in its stage longer than the stage allows, and the daily
reminder its owner gets, once per stage it stalls in (cron)."""

import logging
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

_logger = logging.getLogger(__name__)


class CrmLead(models.Model):
    _inherit = "crm.lead"
    # one reminder per stage a lead stalls in, recorded by the cron
    _process_fields = ("stalled_reminded_stage_id",)

    is_stalled = fields.Boolean(
        string="Stalled",
        compute="_compute_is_stalled",
        search="_search_is_stalled",
        help="The lead stayed longer in its stage than the stage allows.",
    )
    stalled_reminded_stage_id = fields.Many2one("crm.stage", copy=False, readonly=True)

    @api.depends("stage_id.max_days", "date_last_stage_update")
    def _compute_is_stalled(self):
        now = fields.Datetime.now()
        for lead in self:
            max_days = lead.stage_id.max_days
            lead.is_stalled = bool(
                max_days
                and lead.active
                and lead.date_last_stage_update
                and lead.date_last_stage_update < now - timedelta(days=max_days)
            )

    def _search_is_stalled(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Search stalled leads with “is set” or “is not set”."))
        self.env["crm.lead"].flush_model(["stage_id", "date_last_stage_update"])
        self.env["crm.stage"].flush_model(["max_days"])
        query = SQL(
            "SELECT lead.id FROM crm_lead lead JOIN crm_stage stage ON stage.id = lead.stage_id "
            "WHERE stage.max_days > 0 AND lead.date_last_stage_update < %s - make_interval(days => stage.max_days)",
            fields.Datetime.now(),
        )
        self.env.cr.execute(query)
        stalled_ids = [row[0] for row in self.env.cr.fetchall()]
        positive = (operator == "=") == value
        return [("id", "in" if positive else "not in", stalled_ids)]

    @api.model
    def _cron_remind_stalled_leads(self):
        """Give the owner of each stalled lead one reminder per stage it stalls in."""
        leads = self.search([("is_stalled", "=", True), ("user_id", "!=", False), ("probability", "<", 100)])
        leads = leads.filtered(lambda lead: lead.stalled_reminded_stage_id != lead.stage_id)
        for lead in leads:
            lead.activity_schedule(
                "mail.mail_activity_data_todo",
                user_id=lead.user_id.id,
                summary=self.env._("Stalled in %(stage)s", stage=lead.stage_id.name),
                note=self.env._(
                    "This lead has been in “%(stage)s” for more than %(days)s days: move it on or mark it lost.",
                    stage=lead.stage_id.name,
                    days=lead.stage_id.max_days,
                ),
            )
            lead._process().stalled_reminded_stage_id = lead.stage_id
        _logger.info("Stalled leads: %s owner(s) reminded", len(leads))
        return leads
