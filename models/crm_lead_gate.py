"""The stage gate of leads: each stage's outputs (the checklist, its state and progress), the
gate that refuses a forward move past stages whose required outputs are missing, whatever
the path (create with a stage or a column's default, write, import, won), the stage
history, and the reminders of stalled leads (cron).

The gate reads the stage order of the lead's pipeline (its team's stages and the shared
ones): no stage, an archived or another team's stage counts as the start of the pipeline;
archived stages and other teams' stages are refused as targets. The outputs required are
the stage's active outputs, whether or not the lead has a checklist line for them yet; how
each kind of output is proven is declared in EVIDENCE_KINDS (crm_stage_checklist_item.py).
"""

import logging
from collections import defaultdict
from contextlib import nullcontext

from odoo import api, fields, models
from odoo.exceptions import RedirectWarning, UserError

from .crm_stage_checklist_item import CHECKLIST_EVIDENCE_DEPENDS, EVIDENCE_KINDS

_logger = logging.getLogger(__name__)


class StageGateBypass:
    """Lets trusted server code move leads past the gate (manager override, stage
    migration). A context value of this class cannot come from RPC, which only
    carries JSON: that is what makes overrides unforgeable."""

    __slots__ = ("kind", "reason")

    def __init__(self, kind, reason):
        self.kind = kind
        self.reason = reason


class CrmLead(models.Model):
    """Leads move forward only with the outputs of the stages they pass."""

    _inherit = "crm.lead"
    # the stored progress follows the outputs done
    _process_fields = ("checklist_progress",)
    checklist_line_ids = fields.One2many(
        "crm.lead.checklist.line", "lead_id", string="Checklist", domain=[("item_id.active", "=", True)]
    )
    # stored: it is on every kanban card and list row; recomputed when the stage, a line or the
    # evidence changes, and by the outputs themselves when the stage's outputs change
    checklist_progress = fields.Integer(
        compute="_compute_checklist_progress",
        store=True,
        help="Share of the current stage's required outputs that are done.",
    )
    stage_history_ids = fields.One2many("crm.lead.stage.history", "lead_id", string="Stage history")

    @api.depends(
        "stage_id",
        "checklist_line_ids.manual_done",
        "checklist_line_ids.attachment_ids",
        *CHECKLIST_EVIDENCE_DEPENDS,
    )
    def _compute_checklist_progress(self):
        required = self.env["crm.stage.checklist.item"]._active_items(self.stage_id).filtered("required")
        _items, _lines, done = self._checklist_state(required)
        by_stage = defaultdict(list)
        for item in required:
            by_stage[item.stage_id.id].append(item.id)
        for lead, key in zip(self, self._checklist_keys(), strict=True):
            stage_items = by_stage.get(lead.stage_id.id, ())
            finished = sum((key, item_id) in done for item_id in stage_items)
            lead.checklist_progress = round(100 * finished / len(stage_items)) if stage_items else 100

    @api.model_create_multi
    def create(self, vals_list):
        # a lead created directly in a later stage (in the values, or as a default of the
        # context: the kanban's quick create in a column) must have earned it; the savepoint
        # undoes the creation when it has not. New leads get no checklist lines: a line is
        # created when someone opens the checklist or the gate asks for an output
        gated = (
            any(vals.get("stage_id") for vals in vals_list) or self.env.context.get("default_stage_id")
        ) and not isinstance(self.env.context.get("crm_stage_gate_bypass"), StageGateBypass)
        with self.env.cr.savepoint() if gated else nullcontext():
            leads = super().create(vals_list)
            if gated:
                for stage in leads.stage_id:
                    leads.filtered(lambda lead, s=stage: lead.stage_id == s)._check_stage_gate(stage, from_start=True)
        leads._record_stage_moves({lead: (self.env["crm.stage"], False) for lead in leads if lead.stage_id})
        return leads

    def write(self, vals):
        moves, bypass = {}, None
        if vals.get("stage_id"):
            target = self.env["crm.stage"].browse(vals["stage_id"])
            bypass = self.env.context.get("crm_stage_gate_bypass")
            if not isinstance(bypass, StageGateBypass):
                bypass = None
                # a lead changing team in the same write moves in its new team's pipeline
                team = self.env["crm.team"].browse(vals["team_id"]) if "team_id" in vals else None
                self._check_stage_gate(target, team=team)
            moves = {lead: (lead.stage_id, lead.date_last_stage_update) for lead in self if lead.stage_id != target}
        res = super().write(vals)
        if moves:
            self.browse([lead.id for lead in moves])._record_stage_moves(moves, bypass)
        return res

    def action_open_checklist(self):
        """The lead's stage outputs, grouped by stage, to tick or document."""
        self.ensure_one()
        self._ensure_checklist_lines()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Checklist: %(lead)s", lead=self.name),
            "res_model": "crm.lead.checklist.line",
            "view_mode": "list",
            "domain": [("lead_id", "=", self.id), ("item_id.active", "=", True)],
            "context": {"default_lead_id": self.id, "search_default_groupby_stage": 1},
        }

    def action_open_lead_form(self):
        """The lead's own form: outputs completed on its tabs (grading answers, decision chain)."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "crm.lead",
            "res_id": self.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "current",
        }

    def action_mark_invalid(self):
        """Open the core lost wizard with the "Invalid lead" reason selected."""
        action = self.env["ir.actions.act_window"]._for_xml_id("crm.crm_lead_lost_action")
        action["context"] = {
            "dialog_size": "medium",
            "default_lead_ids": self.ids,
            "default_lost_reason_id": self.env.ref("crm_sales_process.crm_lost_reason_invalid_lead").id,
        }
        return action

    # ------------------------------------------------------------------
    # Stage checklists and the gate
    # ------------------------------------------------------------------

    def _checklist_state(self, items=None):
        """Which of ``items`` (default: every active stage output) each lead has done, and the
        leads' checklist lines for them: one query for the lines (none when the items are all
        proven by evidence, or the leads are new) and one per kind of document the evidence
        of these items needs.

        An output the lead has no line for yet is done only by evidence.
        Evidence read from the lead itself (source, SPIN notes, budget…) is read on the
        records of ``self``: in a form with unsaved changes these are the values on screen,
        so the progress shown is the one the lead will have once saved.

        Returns (items, {(lead id, item id): line}, {(lead id, item id) of the done outputs}),
        saved ids as lead ids.
        """
        Item = self.env["crm.stage.checklist.item"]
        items = Item._active_items() if items is None else items.sudo()
        leads = dict(zip(self._checklist_keys(), self, strict=True))
        saved = self.browse(lead_id for lead_id in leads if isinstance(lead_id, int)).sudo()
        Line = self.env["crm.lead.checklist.line"].sudo()
        lines = {}
        if saved and any(EVIDENCE_KINDS[evidence].on_line for evidence in set(items.mapped("evidence"))):
            # through the one2many: leads created in this transaction are known to have none
            lines = {
                (line.lead_id.id, line.item_id.id): line for line in saved.checklist_line_ids if line.item_id in items
            }
        checks = {kind: EVIDENCE_KINDS[kind].check(self.env, saved.ids) for kind in set(items.mapped("evidence"))}
        outputs = [(item.id, checks[item.evidence]) for item in items]
        done = {
            (lead_id, item_id)
            for lead_id, lead in leads.items()
            for item_id, check in outputs
            if check(lead, lines.get((lead_id, item_id), Line))
        }
        return items, lines, done

    def _columns(self, *field_names):
        """The values of stored fields for the leads, one list per field in the leads' order
        (many2one: ids), read in one query for the batch: the computes of pipeline cards read
        hundreds of leads, and a field access per card costs more than the work done with its value."""
        columns = []
        for name in field_names:
            field = self._fields[name]
            values = self.mapped(name)  # fetches what is missing, recomputes what is pending
            if field.type == "many2one":
                values = self.env.cache.get_until_miss(self, field)
                if len(values) != len(self):  # the records of a form being edited
                    values = [lead[name].id for lead in self]
            columns.append(values)
        return columns

    def _checklist_keys(self):
        """The leads' ids, the saved ones for the records of a form (new ids otherwise)."""
        return [lead_id if isinstance(lead_id, int) else (lead_id.origin or lead_id) for lead_id in self._ids]

    def _ensure_checklist_lines(self):
        """Create the checklist lines of every active stage output the leads lack."""
        items = self.env["crm.stage.checklist.item"]._active_items()
        if not self or not items:
            return
        Line = self.env["crm.lead.checklist.line"].sudo()
        existing = set(Line._read_group([("lead_id", "in", self.ids)], ["lead_id", "item_id"]))
        vals_list = [
            {"lead_id": lead.id, "item_id": item.id} for lead in self for item in items if (lead, item) not in existing
        ]
        if vals_list:
            Line.create(vals_list)

    def web_read(self, specification):
        # the lead's form shows every output of its pipeline: a lead opened alone gets the lines
        # it lacks (new leads have none, outputs added later neither)
        if "checklist_line_ids" in specification and len(self) == 1 and self.has_access("write"):
            self._ensure_checklist_lines()
        return super().web_read(specification)

    def _gate_missing(self, target_stage, from_start=False, team=None):
        """{lead: checklist lines missing to move forward to ``target_stage``}.

        ``from_start``: the leads are new, they start where the pipeline puts new leads;
        ``team``: the team whose pipeline the leads move in (default: their own).
        The lines of outputs added after a lead was created are created first.
        """
        if not target_stage:
            return {}
        Item = self.env["crm.stage.checklist.item"]
        pipelines, passed = {}, {}
        for lead in self:
            lead_team = lead.team_id if team is None else team
            if lead_team not in pipelines:
                pipeline = self.env["crm.stage"]._pipeline_for(lead_team)
                # a new lead starts where the pipeline puts new leads
                first = from_start and self._stage_find(team_id=lead_team.id, domain=[("fold", "=", False)])
                pipelines[lead_team] = (pipeline, {stage.id: index for index, stage in enumerate(pipeline)}, first)
            pipeline, order, first = pipelines[lead_team]
            current = first if from_start else lead.stage_id
            if target_stage.id not in order:
                continue  # another team's stage: refused before (_check_stage_gate)
            # no stage, an archived one or another team's: the lead starts from the beginning
            start = order.get(current.id, 0)
            if order[target_stage.id] <= start and current.id in order:
                continue  # moving back (or staying) is free
            if stages := pipeline[start : order[target_stage.id]]:
                passed[lead] = stages
        if not passed:
            return {}
        # only the required outputs of the stages passed are looked at
        required = Item._active_items(self.env["crm.stage"].union(*passed.values())).filtered("required")
        leads = self.filtered(lambda lead: lead in passed)
        _items, lines, done = leads._checklist_state(required)
        lacking = {}
        for lead, stages in passed.items():
            items_lacking = [item for item in required if item.stage_id in stages and (lead.id, item.id) not in done]
            if items_lacking:
                lacking[lead] = items_lacking
        without_line = self.browse(
            [lead.id for lead, lead_items in lacking.items() if any((lead.id, i.id) not in lines for i in lead_items)]
        )
        if without_line:
            without_line._ensure_checklist_lines()
            created = self.env["crm.lead.checklist.line"].sudo().search([("lead_id", "in", without_line.ids)])
            lines.update({(line.lead_id.id, line.item_id.id): line for line in created})
        return {lead: [lines[lead.id, item.id] for item in lead_items] for lead, lead_items in lacking.items()}

    def _check_stage_gate(self, target_stage, from_start=False, team=None):
        """Refuse a move into an archived or another team's stage, and a forward move past
        stages whose required outputs are missing."""
        if not target_stage:
            return
        if not target_stage.active:
            raise UserError(
                self.env._("“%(stage)s” is an archived stage: leads cannot be moved into it.", stage=target_stage.name)
            )
        stage_team = target_stage.team_id
        outsiders = stage_team and self.filtered(lambda lead: stage_team != (lead.team_id if team is None else team))
        if outsiders:
            raise UserError(
                self.env._(
                    "“%(stage)s” is a stage of the %(team)s pipeline, and %(leads)s are not leads of that team: "
                    "move them within their own team's pipeline, or change their sales team first.",
                    stage=target_stage.name,
                    team=target_stage.team_id.name,
                    leads=", ".join(outsiders.mapped("display_name")),
                )
            )
        missing = self._gate_missing(target_stage, from_start=from_start, team=team)
        if not missing:
            return
        details = "\n".join(
            self.env._(
                "• %(lead)s: %(items)s",
                lead=lead.display_name,
                items=", ".join(f"{line.item_id.stage_id.name} / {line.item_id.name}" for line in lines),
            )
            for lead, lines in missing.items()
        )
        message = self.env._(
            "These leads cannot move to “%(stage)s” before their stage outputs are done:\n%(details)s\n"
            "Complete the checklist, or ask a sales manager to override.",
            stage=target_stage.name,
            details=details,
        )
        if len(self) == 1 and not from_start:
            action = self.env["ir.actions.act_window"]._for_xml_id("crm_sales_process.crm_lead_stage_gate_action")
            action["context"] = {"default_lead_id": self.id, "default_stage_id": target_stage.id}
            raise RedirectWarning(message, action, self.env._("Open the checklist"))
        raise UserError(message)

    def _record_stage_moves(self, moves, bypass=None):
        """One history row per stage change; overrides are also said in the chatter.

        ``moves``: {lead: (previous stage, date it entered that stage)}.
        """
        now = fields.Datetime.now()
        vals_list = []
        for lead, (stage_from, entered) in moves.items():
            vals_list.append(
                {
                    "lead_id": lead.id,
                    "stage_from_id": stage_from.id,
                    "stage_to_id": lead.stage_id.id,
                    "user_id": self.env.uid,
                    "date": now,
                    "days_in_stage": (now - entered).total_seconds() / 86400 if entered else 0.0,
                    "grading_score": lead.grading_score,
                    "grade": lead.grade,
                    "is_override": bool(bypass and bypass.kind == "override"),
                    "is_migration": bool(bypass and bypass.kind == "migration"),
                    "override_reason": bypass.reason if bypass else False,
                }
            )
        self.env["crm.lead.stage.history"].sudo()._record(vals_list)
        # a stage move (not the first stage of a new lead) is progress with the customer
        self.browse(
            [lead.id for lead, (stage_from, _entered) in moves.items() if stage_from]
        ).partner_id._mark_customer_progress()
        if bypass and bypass.kind == "override":
            for lead, (stage_from, _entered) in moves.items():
                lead.message_post(
                    body=self.env._(
                        "Moved from “%(origin)s” to “%(target)s” by a manager's override: %(reason)s",
                        origin=stage_from.name,
                        target=lead.stage_id.name,
                        reason=bypass.reason,
                    ),
                    subtype_xmlid="mail.mt_note",
                )

    def _pls_prepare_frequencies(self, lead_values, leads_pls_fields, target_state=None):
        # core lead scoring reads the stage sequences of the active stages only: a lead won or
        # lost from an archived stage (the standard-stages wizard archives the old ones) crashed it
        return super(CrmLead, self.with_context(active_test=False))._pls_prepare_frequencies(
            lead_values, leads_pls_fields, target_state=target_state
        )
