from collections import defaultdict
from collections.abc import Callable
from typing import NamedTuple

from odoo import api, fields, models, tools
from odoo.tools.translate import LazyGettext, LazyTranslate

_lt = LazyTranslate(__name__)


class EvidenceKind(NamedTuple):
    """What makes a stage output done, declared once: a new kind is one entry of EVIDENCE_KINDS."""

    label: str  # its name in the item's Evidence selection (translated with the selection)
    hint: LazyGettext  # how a rep completes such an output
    # check(env, lead_ids) -> done(lead, line): reads what the kind needs for every lead at once;
    # done() is asked per lead (its values on screen) and its checklist line (empty if it has none yet)
    check: Callable
    depends: tuple = ()  # the lead fields check() reads, for the computes that show done outputs
    action: str = ""  # the lead method opening what completes it ("" : completed where it is shown)
    in_dialog: bool = False  # the gate dialog completes it with the lead's own fields
    on_line: bool = False  # done on the lead's checklist line (the line must be read)


def _on_line(field_name):
    """Done on the lead's checklist line itself (ticked, documented)."""
    return lambda env, lead_ids: lambda lead, line: bool(line[field_name])


def _on_lead(done):
    """Done from the lead's own fields."""
    return lambda env, lead_ids: lambda lead, line: done(lead)


def _written(*field_names):
    return _on_lead(lambda lead: all((lead[name] or "").strip() for name in field_names))


def _records(model, lead_field, domain, done, groupby=()):
    """Done from the lead's ``model`` records matching ``domain``: ``done(values)`` gets the set of
    ``groupby`` tuples the lead's records have (one query for all the leads)."""

    def check(env, lead_ids):
        found = defaultdict(set)
        rows = env[model].sudo()._read_group([(lead_field, "in", lead_ids), *domain], [lead_field, *groupby])
        for lead, *values in rows:
            found[lead.id].add(tuple(values))
        return lambda lead, line: done(found.get(lead._origin.id, set()))

    return check


EVIDENCE_KINDS = {
    "manual": EvidenceKind("Ticked by a user", _lt("Tick it once it is done."), _on_line("manual_done"), on_line=True),
    "attachment": EvidenceKind(
        "Document attached", _lt("Attach the document to this output."), _on_line("attachment_ids"), on_line=True
    ),
    "source": EvidenceKind(
        "Source recorded",
        _lt("Choose where the lead comes from (Source)."),
        _on_lead(lambda lead: bool(lead.source_id)),
        depends=("source_id",),
        in_dialog=True,
    ),
    "owner": EvidenceKind(
        "Salesperson assigned",
        _lt("Assign a salesperson to the lead."),
        _on_lead(lambda lead: bool(lead.user_id)),
        depends=("user_id",),
        in_dialog=True,
    ),
    "grading": EvidenceKind(
        "Grading complete",
        _lt("Answer every question of the lead's Grading tab."),
        _on_lead(lambda lead: lead.grading_complete),
        depends=("grading_complete",),
        action="action_open_lead_form",
    ),
    "first_contact": EvidenceKind(
        "First contact made",
        _lt(
            "Done when a call, meeting or email activity is marked done or a message is sent to the customer; "
            "if you reached him another way, log the first contact."
        ),
        _on_lead(lambda lead: bool(lead.first_contact_date)),
        depends=("first_contact_date",),
        in_dialog=True,
    ),
    "spin": EvidenceKind(
        "SPIN notes written",
        _lt("Write the four SPIN notes (situation, problem, implication, need-payoff) in Discovery."),
        _written("spin_situation", "spin_problem", "spin_implication", "spin_need_payoff"),
        depends=("spin_situation", "spin_problem", "spin_implication", "spin_need_payoff"),
        in_dialog=True,
    ),
    "pain_points": EvidenceKind(
        "Pain points written",
        _lt("Write the customer's pain points in Discovery."),
        _written("pain_points"),
        depends=("pain_points",),
        in_dialog=True,
    ),
    "budget": EvidenceKind(
        "Budget range given",
        _lt("Give the customer's budget range in Discovery."),
        _on_lead(lambda lead: lead.budget_max > 0),
        depends=("budget_max",),
        in_dialog=True,
    ),
    "timeline": EvidenceKind(
        "Decision timeline given",
        _lt("Write when the customer decides and wants to go live (Timeline, in Discovery)."),
        _written("decision_timeline"),
        depends=("decision_timeline",),
        in_dialog=True,
    ),
    "stakeholders": EvidenceKind(
        "Decision maker in the decision chain",
        _lt("Add the decision maker to the lead's Decision Chain."),
        _records("crm.lead.stakeholder", "lead_id", [("role", "=", "decision_maker")], bool),
        depends=("stakeholder_ids.role",),
        action="action_open_lead_form",
    ),
    "needs_confirmed": EvidenceKind(
        "Needs confirmed by the customer",
        _lt(
            "Have the customer confirm every need: sign a needs confirmation list, or confirm each need by "
            "email or in a meeting."
        ),
        _records(
            "crm.lead.need",
            "lead_id",
            [("state", "!=", "cancelled")],
            lambda states: ("confirmed",) in states and ("draft",) not in states,
            groupby=("state",),
        ),
        depends=("need_ids.state",),
        action="action_open_needs",
    ),
    "quotation": EvidenceKind(
        "Quotation exists",
        _lt("Create a quotation for this opportunity."),
        _records(
            "sale.order",
            "opportunity_id",
            [("state", "in", ("draft", "sent", "sale"))],
            bool,
        ),
        depends=("order_ids.state",),
        action="action_view_sale_quotation",
    ),
    "order_confirmed": EvidenceKind(
        "Order confirmed",
        _lt("Confirm the quotation of this opportunity."),
        _records("sale.order", "opportunity_id", [("state", "=", "sale")], bool),
        depends=("order_ids.state",),
        action="action_view_sale_quotation",
    ),
    "contract_approved": EvidenceKind(
        "Contract approved",
        _lt(
            "Request the approval of the contract: the sales manager, legal and, above the threshold, the general "
            "manager approve it in turn."
        ),
        _records(
            "sale.order",
            "opportunity_id",
            [("validation_status", "=", "validated"), ("state", "in", ("draft", "sent", "sale"))],
            bool,
        ),
        depends=("order_ids.validation_status",),
        action="action_view_sale_quotation",
    ),
    "contract_archived": EvidenceKind(
        "Signed contract archived",
        _lt(
            "Attach the scanned signed contract to the order and record where the paper copy is filed, within "
            "3 working days of the signature."
        ),
        _records("sale.order", "opportunity_id", [("contract_archived", "=", True)], bool),
        depends=("order_ids.contract_archived",),
        action="action_view_sale_quotation",
    ),
    "minutes_signed": EvidenceKind(
        "Negotiation minutes signed",
        _lt("Have the customer sign the negotiation minutes (portal link or on site)."),
        _records("crm.negotiation.minutes", "lead_id", [("state", "=", "signed")], bool),
        depends=("negotiation_minutes_ids.state",),
        action="action_open_negotiation_minutes",
    ),
    "solution_review": EvidenceKind(
        "Solution review approved",
        _lt("Submit the solution review and have legal, commercial and technical approve it."),
        _records("crm.solution.review", "lead_id", [("state", "=", "approved")], bool),
        depends=("solution_review_ids.state",),
        action="action_open_or_request_solution_review",
    ),
}
# Lead fields the evidence-backed checklist outputs look at.
CHECKLIST_EVIDENCE_DEPENDS = tuple(dict.fromkeys(name for kind in EVIDENCE_KINDS.values() for name in kind.depends))


class CrmStageChecklistItem(models.Model):
    """An output a stage requires (e.g. "decision maker known"), with guidance.

    Evidence-backed items are done when the evidence exists on the lead; manual
    and attachment items are ticked or documented on the lead's checklist line.
    The kinds of evidence are declared in EVIDENCE_KINDS.
    """

    _name = "crm.stage.checklist.item"
    _description = "Stage Checklist Item"
    _order = "stage_id, sequence, id"

    stage_id = fields.Many2one("crm.stage", required=True, ondelete="cascade", index=True)
    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    required = fields.Boolean(default=True, help="The lead cannot leave the stage forward before this is done.")
    evidence = fields.Selection(
        [(key, kind.label) for key, kind in EVIDENCE_KINDS.items()], required=True, default="manual"
    )
    guidance = fields.Text(translate=True, help="How to produce this output, shown to the rep.")
    active = fields.Boolean(default=True)

    @api.model
    def _evidence_hints(self):
        """{evidence: how a rep completes an output of that kind}, in the user's language."""
        return {key: self.env._(kind.hint) for key, kind in EVIDENCE_KINDS.items()}

    @api.model
    def _switch_standard_outputs(self, evidence_by_xmlid):
        """Upgrades: give the addon's standard outputs that are still ticked by hand their new
        evidence. Stage data is ``noupdate`` (admins edit it): outputs they changed are kept."""
        for xmlid, evidence in evidence_by_xmlid.items():
            item = self.env.ref(f"crm_sales_process.{xmlid}", raise_if_not_found=False)
            if item and item.evidence == "manual":
                item.evidence = evidence

    @api.model
    @tools.ormcache()
    def _active_item_ids_by_stage(self):
        """{stage id: (ids of its active outputs, in order)}: read on every lead create, move and
        progress, changed rarely, so cached (cleared by any change of outputs or stages)."""
        by_stage = defaultdict(list)
        for item in self.sudo().search([]):
            by_stage[item.stage_id.id].append(item.id)
        return {stage_id: tuple(ids) for stage_id, ids in by_stage.items()}

    @api.model
    def _active_items(self, stages=None):
        """The active outputs (of ``stages`` if given), without a query once cached."""
        by_stage = self._active_item_ids_by_stage()
        stage_ids = by_stage if stages is None else stages.ids
        return self.sudo().browse(item_id for stage_id in stage_ids for item_id in by_stage.get(stage_id, ()))

    @api.model_create_multi
    def create(self, vals_list):
        items = super().create(vals_list)
        items._outputs_changed(items.stage_id)
        return items

    def write(self, vals):
        stages = self.stage_id
        res = super().write(vals)
        self._outputs_changed(stages | self.stage_id)
        return res

    def unlink(self):
        stages = self.stage_id
        res = super().unlink()
        self._outputs_changed(stages)
        return res

    def _outputs_changed(self, stages):
        """The outputs of ``stages`` changed: forget the cached list and recompute the progress
        of the leads in these stages (the leads keep their lines; a line appears for a new
        output when someone opens the lead's checklist or the gate asks for it)."""
        self.env.registry.clear_cache()
        if stages:
            Lead = self.env["crm.lead"].with_context(active_test=False)
            leads = Lead.sudo().search([("stage_id", "in", stages.ids)])
            self.env.add_to_compute(Lead._fields["checklist_progress"], leads)
