from odoo import Command, api, fields, models
from odoo.exceptions import UserError


class CrmNeedConfirmation(models.Model):
    """Needs confirmation list (客户需求确认清单): the needs recorded on an opportunity,
    as the customer signs them. Signing confirms the needs by signature."""

    _name = "crm.need.confirmation"
    _description = "Needs Confirmation List"
    _inherit = ["mail.thread", "mail.activity.mixin", "crm.signed.document.mixin"]
    _order = "id desc"
    _check_company_auto = True

    _signed_content_fields = ("name", "lead_id", "partner_id", "notes")
    _signed_line_fields = {"line_ids": ("sequence", "code", "need_type", "description", "tags")}
    _signed_report = "crm_sales_process.crm_need_confirmation_report"
    _signed_content_template = "crm_sales_process.crm_need_confirmation_content"
    _signed_sequence_code = "crm.need.confirmation"
    _signed_partner_source = "lead_id.partner_id"
    _signed_mail_template = "crm_sales_process.mail_template_need_confirmation_sign"

    lead_id = fields.Many2one(
        "crm.lead", string="Opportunity", required=True, index=True, ondelete="restrict", check_company=True
    )
    line_ids = fields.One2many("crm.need.confirmation.line", "confirmation_id", string="Needs", copy=True)
    notes = fields.Html(string="Notes for the customer")

    @api.model_create_multi
    def create(self, vals_list):
        confirmations = super().create(vals_list)
        confirmations.filtered(lambda confirmation: not confirmation.line_ids)._load_needs()
        return confirmations

    def _load_needs(self):
        """Snapshot the opportunity's needs that are not cancelled."""
        for confirmation in self:
            needs = confirmation.lead_id.need_ids.filtered(lambda need: need.state != "cancelled")
            confirmation._process().line_ids = [Command.clear()] + [
                Command.create(
                    {
                        "need_id": need.id,
                        "sequence": index,
                        "code": need.code,
                        "need_type": need.need_type,
                        "description": need.description,
                        "tags": ", ".join(need.tag_ids.mapped("name")),
                    }
                )
                for index, need in enumerate(needs.sorted(lambda need: (need.sequence, need.id)), start=1)
            ]

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_reload_needs(self):
        """Take the opportunity's needs again (a draft list only)."""
        if any(confirmation.state != "draft" for confirmation in self):
            raise UserError(self.env._("Only a draft list takes the needs again: set it back to draft first."))
        self._load_needs()
        return True

    def _signed_empty_message(self):
        return self.env._(
            "%(list)s lists no needs: record the customer's needs on the opportunity first.", list=self.display_name
        )

    def _signed_signer_candidates(self):
        """The opportunity's decision makers, the people who confirmed some of its needs, then its contact."""
        lead_signers = self._signed_lead_signers(self.lead_id)
        decision_makers = lead_signers.filtered(lambda partner: partner != self.lead_id.partner_id)
        return decision_makers | self.line_ids.need_id.confirmed_by_id | lead_signers

    def _signer_partner(self, author=None):
        """The customer's person who signed: the contact of that name, else the portal user, else the company."""
        customer = self.partner_id.commercial_partner_id
        contacts = self.env["res.partner"].search([("id", "child_of", customer.id), ("name", "=", self.signed_by)])
        if contacts:
            return contacts[0]
        if author and author.commercial_partner_id == customer:
            return author
        return customer

    def _on_signed(self, author=None):
        """The customer confirmed by signature every need of the list still to confirm, as he read
        it: a need whose type or text changed since the list was made is not confirmed by it."""
        lines = self.line_ids.filtered(lambda line: line.need_id.state == "draft")
        signed_as_read = lines.filtered(
            lambda line: (line.need_id.need_type, line.need_id.description) == (line.need_type, line.description)
        )
        needs = signed_as_read.need_id
        # the day of the signature where the document's company is, not in UTC
        signed_on = fields.Datetime.context_timestamp(self.with_context(tz=self._signed_tz()), self.signed_on)
        needs.sudo()._mark_confirmed("signature", self._signer_partner(author), signed_on.date())
        if needs:
            self.lead_id._message_log(
                body=self.env._(
                    "%(count)s needs confirmed by the customer's signature on %(list)s.",
                    count=len(needs),
                    list=self.name,
                )
            )
        changed = (lines - signed_as_read).need_id
        if changed:
            self.lead_id._message_log(
                body=self.env._(
                    "Not confirmed by %(list)s, changed since the list was made: %(needs)s. "
                    "Have the customer confirm them again.",
                    list=self.name,
                    needs=", ".join(changed.mapped("code")),
                )
            )

    def _get_report_base_filename(self):
        self.ensure_one()
        return self.env._("Needs confirmation %(name)s", name=self.name)
