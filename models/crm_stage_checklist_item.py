from odoo import api, fields, models

EVIDENCE = [
    ("manual", "Ticked by a user"),
    ("attachment", "Document attached"),
    ("source", "Source recorded"),
    ("owner", "Salesperson assigned"),
    ("grading", "Grading complete"),
    ("first_contact", "First contact made"),
    ("spin", "SPIN notes written"),
    ("pain_points", "Pain points written"),
    ("budget", "Budget range given"),
    ("timeline", "Decision timeline given"),
    ("stakeholders", "Decision maker in the decision chain"),
    ("needs_confirmed", "Needs confirmed by the customer"),
    ("quotation", "Quotation exists"),
    ("order_confirmed", "Order confirmed"),
    ("minutes_signed", "Negotiation minutes signed"),
    ("solution_review", "Solution review approved"),
]


class CrmStageChecklistItem(models.Model):
    """An output a stage requires (e.g. "decision maker known"), with guidance.

    Evidence-backed items are done when the evidence exists on the lead; manual
    and attachment items are ticked or documented on the lead's checklist line.
    """

    _name = "crm.stage.checklist.item"
    _description = "Stage Checklist Item"
    _order = "stage_id, sequence, id"

    stage_id = fields.Many2one("crm.stage", required=True, ondelete="cascade", index=True)
    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    required = fields.Boolean(default=True, help="The lead cannot leave the stage forward before this is done.")
    evidence = fields.Selection(EVIDENCE, required=True, default="manual")
    guidance = fields.Text(translate=True, help="How to produce this output, shown to the rep.")
    active = fields.Boolean(default=True)

    @api.model
    def _evidence_hints(self):
        """{evidence: how a rep completes an output of that kind}, in the user's language."""
        _ = self.env._
        return {
            "manual": _("Tick it once it is done."),
            "attachment": _("Attach the document to this output."),
            "source": _("Choose where the lead comes from (Source)."),
            "owner": _("Assign a salesperson to the lead."),
            "grading": _("Answer every question of the lead's Grading tab."),
            "first_contact": _(
                "Done when a call, meeting or email activity is marked done or a message is sent to the customer; "
                "if you reached him another way, log the first contact."
            ),
            "spin": _("Write the four SPIN notes (situation, problem, implication, need-payoff) in Discovery."),
            "pain_points": _("Write the customer's pain points in Discovery."),
            "budget": _("Give the customer's budget range in Discovery."),
            "timeline": _("Write when the customer decides and wants to go live (Timeline, in Discovery)."),
            "stakeholders": _("Add the decision maker to the lead's Decision Chain."),
            "needs_confirmed": _(
                "Have the customer confirm every need: sign a needs confirmation list, or confirm each need by "
                "email or in a meeting."
            ),
            "quotation": _("Create a quotation for this opportunity."),
            "order_confirmed": _("Confirm the quotation of this opportunity."),
            "minutes_signed": _("Have the customer sign the negotiation minutes (portal link or on site)."),
            "solution_review": _("Submit the solution review and have legal, commercial and technical approve it."),
        }

    @api.model
    def _switch_standard_outputs(self, evidence_by_xmlid):
        """Upgrades: give the addon's standard outputs that are still ticked by hand their new
        evidence. Stage data is ``noupdate`` (admins edit it): outputs they changed are kept."""
        for xmlid, evidence in evidence_by_xmlid.items():
            item = self.env.ref(f"crm_sales_process.{xmlid}", raise_if_not_found=False)
            if item and item.evidence == "manual":
                item.evidence = evidence

    @api.model_create_multi
    def create(self, vals_list):
        items = super().create(vals_list)
        self.env["crm.lead"].search([("probability", "<", 100)])._ensure_checklist_lines()
        return items
