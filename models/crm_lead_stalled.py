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
        # on every pipeline card: one limit per stage, the leads' values read as columns, and the
        # flag assigned to the stalled leads and to the others at once
        now = fields.Datetime.now()
        stage_ids, actives, entered_dates = self._columns("stage_id", "active", "date_last_stage_update")
        stages = self.env["crm.stage"].browse(set(filter(None, stage_ids)))
        limits = {stage.id: now - timedelta(days=stage.max_days) for stage in stages if stage.max_days}
        stalled = self.browse()
        if limits:
            stalled = self.browse(
                lead_id
                for lead_id, stage_id, active, entered in zip(self._ids, stage_ids, actives, entered_dates, strict=True)
                if active and entered and (limit := limits.get(stage_id)) and entered < limit
            )
        stalled.is_stalled = True
        (self - stalled).is_stalled = False

    def _search_is_stalled(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Search stalled leads with “is set” or “is not set”."))
        positive = (operator == "=") == value
        # a sub-select, not a list of ids: the database filters 100,000 leads as well as ten
        return [("id", "in" if positive else "not in", self._stalled_leads_sql(fields.Datetime.now()))]

    @api.model
    def _stalled_leads_sql(self, now, not_reminded=False):
        """The ids of the leads stalled at ``now``, as a sub-select for a domain (``not_reminded``:
        only those whose owner was not reminded yet in their current stage). The columns carry
        their fields, so the ORM flushes them before running the query."""
        Lead, Stage = self.env["crm.lead"], self.env["crm.stage"]
        stage_id = Lead._field_to_sql("lead", "stage_id")
        return SQL(
            "(SELECT lead.id FROM crm_lead lead JOIN crm_stage stage ON stage.id = %(stage_id)s"
            " WHERE %(max_days)s > 0 AND %(since)s < %(now)s - make_interval(days => %(max_days)s)%(not_reminded)s)",
            stage_id=stage_id,
            max_days=Stage._field_to_sql("stage", "max_days"),
            since=Lead._field_to_sql("lead", "date_last_stage_update"),
            now=now,
            not_reminded=SQL(
                " AND %s IS DISTINCT FROM %s", Lead._field_to_sql("lead", "stalled_reminded_stage_id"), stage_id
            )
            if not_reminded
            else SQL(),
        )

    @api.model
    def _cron_remind_stalled_leads(self, batch_size=1000):
        """Give the owner of each stalled lead one reminder per stage it stalls in.

        ``batch_size`` leads per transaction: each batch records the stage its leads were reminded
        in and commits with the reminders, so a run cut short goes on where it stopped and nobody
        is reminded twice. Returns the number of leads reminded."""
        domain = [
            ("id", "in", self._stalled_leads_sql(fields.Datetime.now(), not_reminded=True)),
            ("user_id", "!=", False),
            ("probability", "<", 100),
        ]
        total = self.search_count(domain)
        done = 0
        # each batch leaves the domain (its stage is recorded): the next search finds the next batch
        while leads := self.search(domain, limit=batch_size, order="id"):
            leads._remind_stalled_owners()
            done += len(leads)
            self.env["ir.cron"]._batch_done(done, total - done)
        _logger.info("Stalled leads: %s owner reminder(s) given", done)
        return done

    def _remind_stalled_owners(self):
        """One to-do activity for the owner of each of these stalled leads, in his language (the
        batch grouped by language: one translation read per language, not per lead), due today
        in his time zone; then the stage each lead was reminded in is recorded."""
        todo = self.env.ref("mail.mail_activity_data_todo")
        reminders = []
        for lang, leads in self.grouped(lambda lead: lead.user_id.lang).items():
            env = self.with_context(lang=lang).env
            for lead in leads.with_env(env):
                stage = lead.stage_id.name
                summary = env._("Stalled in %(stage)s", stage=stage)
                note = env._(
                    "This lead has been in “%(stage)s” for more than %(days)s days: move it on or mark it lost.",
                    stage=stage,
                    days=lead.stage_id.max_days,
                )
                reminders.append((lead, lead.user_id, summary, note))
        self.env["mail.activity"]._create_reminders(todo, reminders)
        for stage, leads in self.grouped("stage_id").items():
            leads._process().write({"stalled_reminded_stage_id": stage.id})
