"""crm.lead's place in the seven phases of the sales process (``process_phase``): the phase of
its stage, then delivery once its contract is signed (the order confirmed), then after-sales once the
customer accepted the delivery (a passed, signed acceptance of each of its contracts)."""

from odoo import api, fields, models

from .crm_stage import PROCESS_PHASES

# the stage phases from which the lead's orders are looked at (a signed contract moves it on)
CONTRACT_PHASES = ("negotiation", "contract")


class CrmLead(models.Model):
    _inherit = "crm.lead"

    process_phase = fields.Selection(
        PROCESS_PHASES,
        string="Process phase",
        compute="_compute_process_phase",
        store=True,
        index=True,
        help="Where the opportunity is in the standard sales process: its stage's phase, then delivery once its "
        "contract is signed, then after-sales once the customer accepted the delivery.",
    )

    @api.depends("stage_id.process_phase", "order_ids.state", "order_ids.accepted_date")
    def _compute_process_phase(self):
        # the phases of the stages from a cache, and orders read only for the leads whose stage is late
        # enough to have a signed contract: creating leads costs no query
        phases = self.env["crm.stage"]._process_phase_by_stage()
        late = self.filtered(lambda lead: phases.get(lead.stage_id.id) in CONTRACT_PHASES and lead._origin.id)
        signed, accepted = set(), set()
        if late:
            rows = (
                self.env["sale.order"]
                .sudo()
                ._read_group(
                    [("opportunity_id", "in", late._origin.ids), ("state", "=", "sale")],
                    ["opportunity_id"],
                    ["__count", "accepted_date:count"],
                )
            )
            signed = {lead.id for lead, _count, _accepted in rows}
            accepted = {lead.id for lead, count, accepted_count in rows if accepted_count == count}
        for lead in self:
            if lead._origin.id in accepted:
                lead.process_phase = "aftersales"
            elif lead._origin.id in signed:
                lead.process_phase = "delivery"
            else:
                lead.process_phase = phases.get(lead.stage_id.id) or "lead"
