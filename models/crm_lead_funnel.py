"""The stages each lead was in, kept for the stage funnel.

The funnel (``crm.sales.funnel.report``) counts a lead in every stage of its pipeline up to the
furthest it reached, and in each stage it really was in. Read from the stage history at every
report, that is a scan of every move ever recorded (a million rows at 100,000 leads); the lead
keeps instead the stages it was in, ``funnel_visits``: their ids, sorted, comma-separated
(``"5,6,8"``), whatever its pipeline. Where each stage ranks (the lead's team, the order of the
stages, archived ones) is read when the funnel is, so a new team, a reordered or archived stage
changes nothing stored.

Kept in SQL, by the statement that records the moves (``crm.lead.stage.history._record``).
"""

from odoo import api, fields, models
from odoo.tools import SQL

# the stages of each pipeline in order: a team's pipeline is its own stages and the shared ones
# (crm.stage's _order, names in English), the pipeline of leads without team (key 0) the shared stages
PIPELINE_CTE = """
    pipeline AS (
        SELECT t.id AS team_key, s.id AS stage_id,
               row_number() OVER (PARTITION BY t.id ORDER BY s.sequence, s.name->>'en_US', s.id) AS rank
          FROM crm_team t
          JOIN crm_stage s ON s.active AND (s.team_id IS NULL OR s.team_id = t.id)
        UNION ALL
        SELECT 0, s.id, row_number() OVER (ORDER BY s.sequence, s.name->>'en_US', s.id)
          FROM crm_stage s
         WHERE s.active AND s.team_id IS NULL
    )
"""


def funnel_visits_update():
    """The UPDATE of ``crm_lead.funnel_visits`` from ``visits``, a CTE the caller defines before it
    (``WITH visits AS (...) <this>``): rows (lead_id, stage_id), each a stage a lead was in,
    duplicates allowed. A lead's value becomes the sorted set of its stages; rows already right
    are left alone."""
    return SQL(
        """
        UPDATE crm_lead lead
           SET funnel_visits = visited.stages
          FROM (
                SELECT lead_id, string_agg(stage_id::text, ',' ORDER BY stage_id) AS stages
                  FROM (SELECT DISTINCT lead_id, stage_id FROM visits) visit
                 GROUP BY lead_id
          ) visited
         WHERE lead.id = visited.lead_id AND lead.funnel_visits IS DISTINCT FROM visited.stages
        """
    )


def funnel_stage_ids(visits):
    """The stage ids a ``funnel_visits`` value holds."""
    return {int(stage_id) for stage_id in visits.split(",")} if visits else set()


class CrmLead(models.Model):
    _inherit = "crm.lead"
    _process_fields = ("funnel_visits",)

    funnel_visits = fields.Char(
        string="Funnel stages visited",
        readonly=True,
        copy=False,
        help="The stages the lead was in (their ids), kept by the stage history for the stage funnel.",
    )

    @api.model
    def _funnel_refresh_all(self):
        """Every lead's stages read again from the whole stage history (after moves written
        without ``_record``, e.g. a data migration)."""
        self.env["crm.lead.stage.history"].flush_model(["lead_id", "stage_to_id"])
        self.env.cr.execute(
            SQL(
                "WITH visits AS (SELECT lead_id, stage_to_id AS stage_id FROM crm_lead_stage_history) %s",
                funnel_visits_update(),
            )
        )
        self.invalidate_model(["funnel_visits"])
