"""The stages of its pipeline each lead was in, kept for the stage funnel.

The funnel (``crm.sales.funnel.report``) counts a lead in every stage up to the furthest it
reached, and in each stage it really was in. Read from the stage history at every report,
that is a scan of every move ever recorded (a million rows at 100,000 leads); the lead keeps
it instead in ``funnel_visits``: one character per stage of its pipeline, in the pipeline's
order, ``1`` for a stage the lead was in, ``0`` for one it skipped, up to the furthest stage it
reached (``"1101"``: in the first, second and fourth stage, never in the third).

Kept in SQL, in the statement that records the moves (``crm.lead.stage.history._record``), and
read again from the history when what it is relative to changes: a lead's sales team (its
pipeline), or the stages of a pipeline (added, reordered, archived, moved to another team).
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
    """The UPDATE of ``crm_lead.funnel_visits`` from ``moves``, a CTE named ``moves`` (lead_id,
    team_key, stage_to_id: every stage move of the leads to refresh, and the team whose
    pipeline ranks them) the caller defines before it: ``WITH <pipeline>, moves AS (...) <this>``.
    A lead whose moves reach no stage of its pipeline gets NULL; rows already right are left
    alone (a refresh of every lead rewrites only those that changed)."""
    return SQL(
        """
        UPDATE crm_lead lead
           SET funnel_visits = visited.visits
          FROM (
                SELECT leads.lead_id,
                       (SELECT string_agg(CASE WHEN rank = ANY(reached.ranks) THEN '1' ELSE '0' END, '' ORDER BY rank)
                          FROM generate_series(1, reached.furthest) AS rank) AS visits
                  FROM (SELECT DISTINCT lead_id FROM moves) leads
                  LEFT JOIN (
                        SELECT moves.lead_id, max(pipeline.rank) AS furthest, array_agg(DISTINCT pipeline.rank) AS ranks
                          FROM moves
                          JOIN pipeline ON pipeline.team_key = moves.team_key AND pipeline.stage_id = moves.stage_to_id
                         GROUP BY moves.lead_id
                  ) reached ON reached.lead_id = leads.lead_id
          ) visited
         WHERE lead.id = visited.lead_id AND lead.funnel_visits IS DISTINCT FROM visited.visits
        """
    )


class CrmLead(models.Model):
    _inherit = "crm.lead"
    _process_fields = ("funnel_visits",)

    funnel_visits = fields.Char(
        string="Funnel stages visited",
        readonly=True,
        copy=False,
        help="One character per stage of the lead's pipeline, in order, up to the furthest stage it reached: "
        "1 for a stage the lead was in, 0 for a stage it skipped. Kept by the stage history for the funnel.",
    )

    def write(self, vals):
        if "team_id" not in vals and "user_id" not in vals:
            return super().write(vals)
        # the team follows the salesperson (computed): compare it before and after
        teams = {lead.id: lead.team_id.id for lead in self}
        res = super().write(vals)
        self.filtered(lambda lead: lead.team_id.id != teams[lead.id])._funnel_refresh()
        return res

    def _funnel_refresh(self):
        """Read the visited stages of these leads again from their stage history, ranked in their
        team's pipeline."""
        if self:
            self._funnel_refresh_query(SQL("WHERE history.lead_id = ANY(%s)", list(self.ids)))

    @api.model
    def _funnel_refresh_all(self):
        """Every lead's visited stages, read again: the stages of a pipeline changed."""
        self._funnel_refresh_query(SQL())

    @api.model
    def _funnel_refresh_query(self, where):
        self.flush_model(["team_id"])
        self.env["crm.lead.stage.history"].flush_model(["lead_id", "stage_to_id"])
        self.env["crm.stage"].flush_model(["sequence", "name", "team_id", "active"])
        self.env.cr.execute(
            SQL(
                f"""
                WITH {PIPELINE_CTE},
                moves AS (
                    SELECT history.lead_id, COALESCE(lead.team_id, 0) AS team_key, history.stage_to_id
                      FROM crm_lead_stage_history history
                      JOIN crm_lead lead ON lead.id = history.lead_id
                     %s
                )
                %s
                """,
                where,
                funnel_visits_update(),
            )
        )
        self.invalidate_model(["funnel_visits"])


class CrmStage(models.Model):
    _inherit = "crm.stage"

    @api.model
    def _pipeline_ranks(self):
        """Every pipeline's stages in order, as the funnel ranks them: what a stage change may move."""
        self.flush_model(["sequence", "name", "team_id", "active"])
        return self.env.execute_query(
            SQL(f"WITH {PIPELINE_CTE} SELECT team_key, stage_id, rank FROM pipeline ORDER BY team_key, rank")
        )

    @api.model_create_multi
    def create(self, vals_list):
        before = self._pipeline_ranks()
        stages = super().create(vals_list)
        if self._pipeline_ranks() != before:
            self.env["crm.lead"]._funnel_refresh_all()
        return stages

    def write(self, vals):
        if not {"sequence", "name", "team_id", "active"} & set(vals):
            return super().write(vals)
        before = self._pipeline_ranks()
        res = super().write(vals)
        if self._pipeline_ranks() != before:
            self.env["crm.lead"]._funnel_refresh_all()
        return res

    def unlink(self):
        before = self._pipeline_ranks()
        res = super().unlink()
        if self._pipeline_ranks() != before:
            self.env["crm.lead"]._funnel_refresh_all()
        return res


class CrmTeam(models.Model):
    _inherit = "crm.team"

    def unlink(self):
        # their leads lose their team in SQL (ondelete set null): they move to the shared pipeline
        leads = self.env["crm.lead"].with_context(active_test=False).search([("team_id", "in", self.ids)])
        res = super().unlink()
        leads._funnel_refresh()
        return res
