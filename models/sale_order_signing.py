"""sale.order signed (已签约) and archived: who may sign, the signature, the archive deadline.

The customer's signature (portal or on site) is accepted only from an authorised person of the
customer (its legal representative, or a contact whose power of attorney covers the contract's
amount on the signing date), and only on an approved contract; the company's authorised
signatory is recorded with it. Signing confirms the order. The scanned signed contract and the
place of its paper copy must be recorded within the company's working days
(``contract_archive_deadline``); an overdue one reminds its salesperson once.
"""

from odoo import api, fields, models
from odoo.exceptions import ValidationError


class SaleOrder(models.Model):
    _inherit = "sale.order"

    # the signature is given by the customer (portal, or the on-site pad); the rest is recorded by the process
    _process_fields = (
        "signature",
        "signed_by",
        "signed_on",
        "contract_signed_on_site",
        "contract_archived",
        "contract_archived_date",
        "contract_archive_reminded",
    )

    # what signing and archiving an approved contract writes (base_tier_validation refuses every other
    # change of a contract once its approval is requested); "state": sending it (approved only, see
    # _check_state_sent) and confirming it
    _contract_writable_under_validation = (
        "state",
        "customer_signer_id",
        "company_signer_id",
        "signature",
        "signed_by",
        "signed_on",
        "contract_signed_on_site",
        "contract_scan_ids",
        "contract_archive_location",
        "contract_archive_reminded",
    )

    customer_signer_id = fields.Many2one(
        "res.partner",
        string="Customer signatory",
        tracking=True,
        domain="[('is_company', '=', False), ('commercial_partner_id', '=', commercial_partner_id)]",
        help="The customer's legal representative, or a contact whose power of attorney covers this contract's "
        "amount on the signing date. Only this person's signature is accepted.",
    )
    commercial_partner_id = fields.Many2one(related="partner_id.commercial_partner_id", string="Customer company")
    company_signer_id = fields.Many2one(
        "res.users",
        string="Our signatory",
        tracking=True,
        compute="_compute_company_signer_id",
        store=True,
        readonly=False,
        precompute=True,
        domain="[('id', 'in', allowed_company_signer_ids)]",
        help="Our legal representative or authorised representative who signs the contract (Settings).",
    )
    allowed_company_signer_ids = fields.Many2many(related="company_id.contract_signatory_ids")
    contract_signed_on_site = fields.Boolean(string="Signed on site", readonly=True, copy=False)
    contract_archive_deadline = fields.Date(
        string="Archive by",
        compute="_compute_contract_archive_deadline",
        store=True,
        help="The signing date plus the company's archive delay in working days of its calendar (holidays "
        "are the calendar's time off).",
    )
    contract_scan_ids = fields.Many2many(
        "ir.attachment",
        "sale_order_contract_scan_rel",
        "order_id",
        "attachment_id",
        string="Scanned signed contract",
        copy=False,
    )
    contract_archive_location = fields.Char(
        string="Paper archive location", copy=False, tracking=True, help="Where the signed paper contract is filed."
    )
    contract_archived = fields.Boolean(
        string="Contract archived",
        compute="_compute_contract_archived",
        store=True,
        copy=False,
        tracking=True,
        help="Signed, the scanned signed contract attached and the place of the paper copy written.",
    )
    contract_archived_date = fields.Datetime(
        string="Archived on", compute="_compute_contract_archived", store=True, copy=False
    )
    contract_archive_reminded = fields.Boolean(readonly=True, copy=False)

    @api.depends("company_id.contract_signatory_ids")
    def _compute_company_signer_id(self):
        for order in self:
            signatories = order.company_id.contract_signatory_ids
            if order.company_signer_id not in signatories:
                order.company_signer_id = signatories[:1]

    @api.depends("signed_on", "company_id.contract_archive_days", "company_id.resource_calendar_id")
    def _compute_contract_archive_deadline(self):
        for order in self:
            order.contract_archive_deadline = order.signed_on and order.company_id._working_day_after(
                order.signed_on, order.company_id.contract_archive_days
            )

    @api.depends("signed_on", "contract_scan_ids", "contract_archive_location")
    def _compute_contract_archived(self):
        """Archived once signed, scanned and filed; the moment it became so is kept."""
        for order in self:
            archived = bool(
                order.signed_on and order.contract_scan_ids and (order.contract_archive_location or "").strip()
            )
            order.contract_archived_date = archived and (order.contract_archived_date or fields.Datetime.now())
            order.contract_archived = archived

    @api.model
    def _get_under_validation_exceptions(self):
        return list({*super()._get_under_validation_exceptions(), *self._contract_writable_under_validation})

    # ------------------------------------------------------------------
    # Who signs
    # ------------------------------------------------------------------

    def _contract_signing_day(self):
        return fields.Date.context_today(self.with_context(tz=self.company_id._local_tz()))

    def _contract_signer_refusal(self, signer):
        """Why ``signer`` may not sign this contract today, or ""."""
        self.ensure_one()
        if not signer:
            return self.env._(
                "Choose the customer's signatory of %(order)s: its legal representative or a contact with a power "
                "of attorney.",
                order=self.name,
            )
        return signer._contract_signing_refusal(
            self.partner_id, self.amount_total, self.currency_id, self._contract_signing_day(), self.company_id
        )

    def _contract_check_signing(self):
        """Refuse a signature of an unapproved contract, by an unauthorised person, or without our signatory."""
        self._contract_check_approved(self.env._("the customer's signature"))
        for order in self:
            refusal = order._contract_signer_refusal(order.customer_signer_id)
            if refusal:
                raise ValidationError(refusal)
            if order.company_signer_id not in order.company_id.contract_signatory_ids:
                raise ValidationError(
                    self.env._(
                        "Choose our signatory of %(order)s among the company's authorised signatories (Settings, "
                        "Contracts).",
                        order=order.name,
                    )
                )

    def _contract_check_portal_signer(self, user):
        """The person signing on the portal: a logged-in contact of the customer signs himself (and
        becomes the signatory); through the emailed link, the contract's signatory signs."""
        self.ensure_one()
        if user.share and not user._is_public():
            signer = user.partner_id
            refusal = self._contract_signer_refusal(signer)
            if refusal:
                raise ValidationError(refusal)
            if signer != self.customer_signer_id:
                self.sudo().customer_signer_id = signer
        self._contract_check_signing()

    def write(self, vals):
        if vals.get("signature"):
            self.filtered(lambda order: not order.signature)._contract_check_signing()
        return super().write(vals)

    def action_contract_sign_on_site(self):
        """The customer's signatory signs on the salesperson's device."""
        self.ensure_one()
        self.check_access("write")
        self._contract_check_approved(self.env._("the customer's signature"))
        if not self._has_to_be_signed():
            raise ValidationError(self.env._("%(order)s is not waiting for a signature.", order=self.name))
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Sign the Contract on Site"),
            "res_model": "sale.contract.sign",
            "view_mode": "form",
            "target": "new",
            "context": {"default_order_id": self.id},
        }

    def _contract_sign_on_site(self, signer, company_signer, name, signature):
        """Record the on-site signature of ``signer`` and confirm the order."""
        self.ensure_one()
        self.check_access("write")
        self.write({"customer_signer_id": signer.id, "company_signer_id": company_signer.id})
        self._process().write(
            {
                "signed_by": name,
                "signed_on": fields.Datetime.now(),
                "signature": signature,
                "contract_signed_on_site": True,
            }
        )
        self.message_post(
            body=self.env._(
                "Contract signed on site by %(name)s for the customer (%(signer)s), with %(user)s; our signatory: "
                "%(company_signer)s.",
                name=name,
                signer=signer.display_name,
                user=self.env.user.name,
                company_signer=company_signer.name,
            ),
            subtype_xmlid="mail.mt_note",
        )
        self.action_confirm()

    # ------------------------------------------------------------------
    # Archive
    # ------------------------------------------------------------------

    @api.model
    def _cron_contract_archive_reminder(self, batch_size=500):
        """Remind each salesperson once of the signed contracts not archived by their deadline."""
        activity_type = self.env.ref("crm_sales_process.mail_activity_type_contract_archive")
        domain = [
            ("signed_on", "!=", False),
            ("contract_archived", "=", False),
            ("contract_archive_reminded", "=", False),
            ("contract_archive_deadline", "<", fields.Date.context_today(self)),
        ]
        orders = self.sudo().search(domain, limit=batch_size)
        reminders = []
        for order in orders:
            user = order.user_id or self.env.ref("base.user_admin")
            # the salesperson reads it: in his language, the deadline as a date of the company
            env = self.with_context(lang=user.lang).env
            reminders.append(
                (
                    order,
                    user,
                    env._("Archive the signed contract"),
                    env._(
                        "Attach the scanned signed contract and record where the paper copy is filed: due by %(date)s.",
                        date=fields.Date.to_string(order.contract_archive_deadline),
                    ),
                )
            )
        self.env["mail.activity"].sudo()._create_reminders(activity_type, reminders)
        orders._process().write({"contract_archive_reminded": True})
        self.env["ir.cron"]._batch_done(len(orders), self.sudo().search_count(domain))
