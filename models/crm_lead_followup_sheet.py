"""The sales follow-up sheet (销售跟进表) of leads: one row per opportunity in the *Sales Follow-up
Sheet* list (CRM → Reporting), one page per lead in its PDF.

The sheet's columns that are not plain fields of the lead are computed here for the whole
batch at once (the decision chain, the needs and the open activities of all the listed leads
read in one query each): the list of 80 leads costs the queries of the list of 3.
"""

from collections import defaultdict

from odoo import api, fields, models

from .crm_lead_need import NEED_TYPES
from .report_access import readable_report_values
from .res_partner import DECISION_ROLES

NEED_TYPE_ORDER = {key: index for index, (key, _label) in enumerate(NEED_TYPES)}


class CrmLead(models.Model):
    _inherit = "crm.lead"

    followup_sheet_customer = fields.Char(
        compute="_compute_followup_sheet_contact",
        string="Customer name",
        help="The customer's company, else the company or person named on the lead.",
    )
    followup_sheet_industry_id = fields.Many2one(
        related="partner_id.commercial_partner_id.industry_id", string="Industry"
    )
    # the person to talk to: the decision maker of the lead's decision chain, else the lead's contact
    followup_sheet_contact_id = fields.Many2one(
        "res.partner", compute="_compute_followup_sheet_contact", string="Contact person"
    )
    followup_sheet_contact_name = fields.Char(
        compute="_compute_followup_sheet_contact",
        string="Contact",
        help="The decision maker of the decision chain, else the lead's contact.",
    )
    followup_sheet_contact_role = fields.Selection(
        DECISION_ROLES, compute="_compute_followup_sheet_contact", string="Contact's role"
    )
    followup_sheet_phone = fields.Char(compute="_compute_followup_sheet_contact", string="Contact phone")
    followup_sheet_email = fields.Char(compute="_compute_followup_sheet_contact", string="Contact email")
    followup_sheet_decision_makers = fields.Char(
        compute="_compute_followup_sheet_contact",
        string="Decision maker",
        help="The decision makers of the lead's decision chain.",
    )
    followup_sheet_needs = fields.Char(
        compute="_compute_followup_sheet_needs",
        string="Needs summary",
        help="The customer's needs recorded on the lead (cancelled ones left out), must-haves first.",
    )
    # the next step is the earliest open activity: a follow-up's next step is one, and once it is
    # done or cancelled the step is no longer ahead
    followup_sheet_next_step = fields.Char(
        compute="_compute_followup_sheet_next_step", string="Next step", help="The earliest open activity."
    )
    followup_sheet_next_date = fields.Date(compute="_compute_followup_sheet_next_step", string="Next step by")
    followup_sheet_next_user_id = fields.Many2one(
        "res.users", compute="_compute_followup_sheet_next_step", string="Next step owner"
    )

    @api.depends(
        "partner_id",
        "partner_name",
        "contact_name",
        "phone",
        "email_from",
        "stakeholder_ids.partner_id",
        "stakeholder_ids.role",
        "stakeholder_ids.sequence",
    )
    def _compute_followup_sheet_contact(self):
        chains = defaultdict(list)
        lines = self.env["crm.lead.stakeholder"].search_fetch(
            [("lead_id", "in", self._origin.ids)], ["lead_id", "partner_id", "role", "department"]
        )
        for line in lines:
            chains[line.lead_id.id].append(line)
        Partner = self.env["res.partner"]
        for lead in self:
            chain = chains.get(lead._origin.id, [])
            makers = [line for line in chain if line.role == "decision_maker"]
            person = lead.partner_id if lead.partner_id and not lead.partner_id.is_company else Partner
            contact = makers[0].partner_id if makers else person
            chain_role = next((line.role for line in chain if line.partner_id == contact), False)
            lead.followup_sheet_customer = (
                lead.partner_id.commercial_partner_id.name or lead.partner_name or lead.contact_name
            )
            lead.followup_sheet_contact_id = contact
            lead.followup_sheet_contact_name = contact.name or lead.contact_name
            lead.followup_sheet_contact_role = chain_role or contact.decision_role
            lead.followup_sheet_phone = contact.phone or contact.mobile or lead.phone or lead.mobile
            lead.followup_sheet_email = contact.email or lead.email_from
            lead.followup_sheet_decision_makers = ", ".join(
                f"{line.partner_id.name} ({line.department})" if line.department else line.partner_id.name
                for line in makers
            )

    @api.depends("need_ids.description", "need_ids.need_type", "need_ids.state", "need_ids.sequence")
    def _compute_followup_sheet_needs(self):
        needs = defaultdict(list)
        records = self.env["crm.lead.need"].search_fetch(
            [("lead_id", "in", self._origin.ids), ("state", "!=", "cancelled")],
            ["lead_id", "need_type", "description"],
        )
        for need in records.sorted(lambda need: NEED_TYPE_ORDER.get(need.need_type, len(NEED_TYPE_ORDER))):
            first_line = (need.description or "").strip().splitlines()
            if first_line:
                needs[need.lead_id.id].append(first_line[0].strip())
        for lead in self:
            lead.followup_sheet_needs = "; ".join(needs.get(lead._origin.id, ())) or False

    @api.depends("activity_ids.date_deadline", "activity_ids.summary", "activity_ids.user_id")
    def _compute_followup_sheet_next_step(self):
        # the leads are readable by the reader, and so are their activities: read as superuser, the
        # activities skip the per-document access check of mail.activity (one query, not one per lead)
        activities = (
            self.env["mail.activity"]
            .sudo()
            .search_fetch(
                [("res_model", "=", "crm.lead"), ("res_id", "in", self._origin.ids)],
                ["res_id", "summary", "activity_type_id", "date_deadline", "user_id"],
                order="date_deadline, id",
            )
        )
        earliest = {}
        for activity in activities:
            earliest.setdefault(activity.res_id, activity)
        for lead in self:
            activity = earliest.get(lead._origin.id)
            if not activity:
                lead.followup_sheet_next_step = False
                lead.followup_sheet_next_date = False
                lead.followup_sheet_next_user_id = False
                continue
            kind, summary = activity.activity_type_id.name, activity.summary
            lead.followup_sheet_next_step = f"{kind}: {summary}" if kind and summary else summary or kind
            lead.followup_sheet_next_date = activity.date_deadline
            lead.followup_sheet_next_user_id = activity.user_id.id

    def _followup_sheet_tz(self):
        """The zone the sheet's times are printed in: the reader's, else the lead's company's."""
        return self.env.user.tz or (self.company_id or self.env.company)._local_tz()


class ReportCrmLeadFollowupSheet(models.AbstractModel):
    """The printed sheet: only of leads the reader may read, refused with a clear access error
    before anything is rendered."""

    _name = "report.crm_sales_process.crm_lead_followup_sheet_document"
    _description = "Sales Follow-up Sheet Report"

    @api.model
    def _get_report_values(self, docids, data=None):
        return readable_report_values(self.env, "crm.lead", docids)
