import base64
import hashlib
import json
import logging

import psycopg2

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.service.model import PG_CONCURRENCY_ERRORS_TO_RETRY
from odoo.tools import SQL

from .crm_process_guard import ProcessGuard, fingerprint_value
from .mail_compose import mail_composer_action

_logger = logging.getLogger(__name__)

SIGNED_DOCUMENT_STATES = [
    ("draft", "Draft"),
    ("confirmed", "Waiting for Signature"),
    ("signed", "Signed"),
    ("cancelled", "Cancelled"),
]
# The customer's page of each signed document model: /my/<path segment>/<id> (controllers/portal.py).
PORTAL_PATHS = {
    "crm.negotiation.minutes": "negotiation_minutes",
    "crm.need.confirmation": "needs_confirmation",
    "sale.acceptance": "acceptance",
}
# Fields the signature itself consists of; only ``_sign`` writes them.
SIGNATURE_FIELDS = (
    "signature",
    "signed_by",
    "signed_on",
    "signed_hash",
    "signer_ip",
    "signer_user_agent",
    "signed_on_site",
    "signed_on_site_user_id",
    "signed_pdf_id",
)
# The signer's name as typed; longer input is not a name.
SIGNER_NAME_MAX_LENGTH = 128


class CrmSignedDocumentMixin(ProcessGuard, models.AbstractModel):
    """A document the customer signs: on the portal through its token link, or on
    site on the rep's device.

    Consumers set ``_signed_content_fields`` (header fields) and
    ``_signed_line_fields`` ({one2many: line fields}): that content is frozen from
    the moment it is ready to sign (``_signed_lock_states``), fingerprinted at
    signing (``signed_hash``) and can be checked later with
    ``action_verify_signature``. Override ``_on_signed`` for what signing does to
    other records, and set ``_signed_report`` to the report attached once signed.
    Lines use ``crm.signed.document.line.mixin``. ``_signed_sequence_code`` numbers
    the documents; the customer is the commercial partner of
    ``_signed_partner_source`` (a path such as ``lead_id.partner_id``) unless set by hand.
    ``_signed_signer_candidates`` names the customer's people expected to sign (the
    signature pads propose the first). Every time the document shows is printed by
    ``_local_datetime_str``, in the document's zone unless the reader's applies.
    """

    _name = "crm.signed.document.mixin"
    _inherit = ["portal.mixin"]
    _description = "Customer-Signed Document"
    # numbered at creation, moved by its actions, signed by ``_sign``, its shown values copied at confirmation
    _process_fields = ("name", "state", "signed_snapshot", *SIGNATURE_FIELDS)

    _signed_content_fields = ()
    # header fields added to the signed content later: fingerprinted only when set, so that
    # documents signed before they existed keep their fingerprint
    _signed_optional_fields = ()
    _signed_line_fields = {}
    _signed_report = None
    _signed_content_template = None
    # states in which the customer may sign, and in which the content is frozen
    _signed_signable_states = ("confirmed",)
    _signed_lock_states = ("confirmed", "signed")
    _signed_state = "signed"
    _signed_sequence_code = None
    _signed_partner_source = None
    # the email template asking for the signature
    _signed_mail_template = None

    name = fields.Char(
        string="Reference", required=True, readonly=True, copy=False, default=lambda self: self.env._("New")
    )
    state = fields.Selection(
        SIGNED_DOCUMENT_STATES, default="draft", required=True, readonly=True, copy=False, tracking=True
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company, readonly=True
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        compute="_compute_partner_id",
        store=True,
        readonly=False,
        precompute=True,
        check_company=True,
        tracking=True,
    )
    user_id = fields.Many2one(
        "res.users", string="Salesperson", default=lambda self: self.env.user, index=True, tracking=True
    )
    signature = fields.Image(copy=False, attachment=True, max_width=1024, max_height=1024, readonly=True)
    signed_by = fields.Char(copy=False, readonly=True, help="Name of the person who signed, as typed.")
    signed_on = fields.Datetime(copy=False, readonly=True)
    signed_hash = fields.Char(
        string="Content fingerprint",
        copy=False,
        readonly=True,
        help="SHA-256 of the signed content, the signer's name, the date and the signature image.",
    )
    signer_ip = fields.Char(string="Signer IP address", copy=False, readonly=True)
    signer_user_agent = fields.Char(string="Signer browser", copy=False, readonly=True)
    signed_on_site = fields.Boolean(copy=False, readonly=True, help="Signed on the salesperson's device.")
    signed_on_site_user_id = fields.Many2one("res.users", string="Signing hosted by", copy=False, readonly=True)
    signed_pdf_id = fields.Many2one("ir.attachment", string="Signed PDF", copy=False, readonly=True)
    # what the page and the PDF show of other records (names, amounts), copied when the document is confirmed
    signed_snapshot = fields.Json(copy=False, readonly=True)

    # the customer is taken from the source record when the document is made (or the source changes on
    # the document), never later: a signed document keeps the customer it was signed for
    @api.depends(lambda self: [self._signed_partner_source.split(".")[0]] if self._signed_partner_source else [])
    def _compute_partner_id(self):
        for document in self:
            customer = document._signed_partner_source and document.mapped(document._signed_partner_source)
            if customer:
                document.partner_id = customer.commercial_partner_id

    # ------------------------------------------------------------------
    # Times as the reader reads them
    # ------------------------------------------------------------------

    def _signed_tz(self):
        """The time zone of the document's printed times (portal page, PDF, notes written by the system):
        its company's (the zone of the company's working hours), else its customer's, else the
        company address's, else UTC."""
        self.ensure_one()
        return self.company_id.resource_calendar_id.tz or self.partner_id.tz or self.company_id._local_tz()

    def _local_datetime_str(self, value, tz=None, date_only=False):
        """``value`` as read in ``tz``, by default the document's zone (``_signed_tz``): every time
        a signed document shows goes through here (the page, the PDF, the emails, the messages of
        its checks); the fingerprint stays on the stored UTC values."""
        return self.company_id._local_datetime_str(value, tz=tz or self._signed_tz(), date_only=date_only)

    # ------------------------------------------------------------------
    # What the page and the PDF show
    # ------------------------------------------------------------------

    def _signed_snapshot_values(self):
        """The values of other records the document shows (names, amounts), as they are now:
        copied into the document when it is confirmed, so that what the customer reads and
        signs cannot change with those records. Extend it for what each document shows."""
        self.ensure_one()
        values = {
            "customer": self.partner_id.display_name or "",
            "company": self.company_id.name or "",
            "salesperson": self.user_id.name or "",
        }
        if "lead_id" in self._fields:
            values["opportunity"] = self.lead_id.name or ""
        return values

    def _signed_shown(self):
        """What the page and the PDF print of other records: the copy made at confirmation,
        or today's values while the document is a draft (and on documents signed before
        copies were made)."""
        self.ensure_one()
        return self.signed_snapshot or self._signed_snapshot_values()

    # ------------------------------------------------------------------
    # Freezing the content
    # ------------------------------------------------------------------

    def _compute_access_url(self):
        result = super()._compute_access_url()
        for document in self:
            document.access_url = f"/my/{PORTAL_PATHS[self._name]}/{document.id}"
        return result

    def _signed_frozen_fields(self):
        """Fields nobody may write once the document is ready to sign or signed."""
        return set(self._signed_content_fields) | set(self._signed_optional_fields) | set(self._signed_line_fields)

    def _signed_check_writable(self, field_names):
        """Refuse changes to the signed content of locked documents."""
        frozen = self._signed_frozen_fields() & set(field_names)
        if not frozen:
            return
        for document in self:
            if document.state in self._signed_lock_states:
                if document.signed_on:
                    raise UserError(
                        self.env._(
                            "%(document)s is signed by the customer: its content cannot be changed. "
                            "Make a new version instead.",
                            document=document.display_name,
                        )
                    )
                raise UserError(
                    self.env._(
                        "%(document)s is waiting for the customer's signature: set it back to draft "
                        "to change its content.",
                        document=document.display_name,
                    )
                )

    def _process_prepare_vals(self, vals_list, creating):
        vals_list = super()._process_prepare_vals(vals_list, creating)
        if creating and self._signed_sequence_code:
            self.env["ir.sequence"]._name_new_documents(vals_list, self._signed_sequence_code)
        return vals_list

    def _process_fields_hint(self, field_names):
        if set(SIGNATURE_FIELDS) & field_names:
            return self.env._(
                "Only the customer's signature, on the portal or on site, signs a document and records who signed it."
            )
        return super()._process_fields_hint(field_names)

    def write(self, vals):
        if not self._is_process_call():
            self._signed_check_writable(vals)
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_signed(self):
        signed = self.filtered("signed_on")
        if signed:
            raise UserError(
                self.env._(
                    "%(document)s is signed by the customer and is kept as evidence: it cannot be deleted.",
                    document=signed[0].display_name,
                )
            )

    # ------------------------------------------------------------------
    # Fingerprint
    # ------------------------------------------------------------------

    def _signed_content(self):
        """The canonical content the customer signs: header fields and lines."""
        self.ensure_one()
        content = {
            name: fingerprint_value(self._fields[name], self[name]) for name in sorted(self._signed_content_fields)
        }
        content.update(
            (name, fingerprint_value(self._fields[name], self[name]))
            for name in sorted(self._signed_optional_fields)
            if self[name]
        )
        # documents signed before the shown values were copied keep the fingerprint they were signed with
        if self.signed_snapshot:
            content["signed_snapshot"] = self.signed_snapshot
        for line_field, names in sorted(self._signed_line_fields.items()):
            lines = self[line_field].sorted("id")
            content[line_field] = [
                {"id": line.id, **{name: fingerprint_value(line._fields[name], line[name]) for name in names}}
                for line in lines
            ]
        return content

    def _signed_compute_hash(self):
        self.ensure_one()
        image = base64.b64decode(self.signature or b"")
        payload = {
            "model": self._name,
            "id": self.id,
            "content": self._signed_content(),
            "signed_by": self.signed_by or "",
            "signed_on": self.signed_on.isoformat() if self.signed_on else "",
            "signature": hashlib.sha256(image).hexdigest(),
        }
        canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(canonical.encode()).hexdigest()

    def _signed_is_intact(self):
        """Compare the fingerprint with the content as stored now in the database."""
        self.ensure_one()
        self.env.flush_all()
        self.invalidate_model()
        for line_field in self._signed_line_fields:
            self.env[self._fields[line_field].comodel_name].invalidate_model()
        return bool(self.signed_hash) and self._signed_compute_hash() == self.signed_hash

    # ------------------------------------------------------------------
    # Signing
    # ------------------------------------------------------------------

    def _signed_can_sign(self):
        return not self.signed_on and self.state in self._signed_signable_states

    def _sign(self, name, signature, *, ip=None, user_agent=None, on_site_user=None, author=None):
        """Record the customer's signature, fingerprint the content and attach the signed PDF.

        Called with the rights of the caller's route (portal: sudo after the token
        check; on site: the salesperson's). The row lock makes a second, concurrent
        signature wait and then find the document signed. The signature never depends
        on the PDF: when it cannot be rendered, the document is signed all the same and
        a note says why and how to render it later (``action_render_signed_pdf``).
        """
        self.ensure_one()
        name = self._signed_check_signer(name, signature)
        self.env.cr.execute(SQL("SELECT id FROM %s WHERE id = %s FOR UPDATE", SQL.identifier(self._table), self.id))
        self.invalidate_recordset()
        if self.signed_on:
            raise UserError(self.env._("%(document)s is already signed.", document=self.display_name))
        if not self._signed_can_sign():
            raise UserError(
                self.env._("%(document)s is not ready for the customer's signature.", document=self.display_name)
            )
        signing = self._process()
        signing.write(
            {
                "signature": signature,
                "signed_by": name,
                "signed_on": fields.Datetime.now(),
                "signer_ip": (ip or "")[:64] or False,
                "signer_user_agent": (user_agent or "")[:512] or False,
                "signed_on_site": bool(on_site_user),
                "signed_on_site_user_id": on_site_user.id if on_site_user else False,
                "state": self._signed_state,
            }
        )
        self.env.flush_all()
        signing.write({"signed_hash": self._signed_compute_hash()})
        attachment, problem = self._signed_attach_pdf()
        self._on_signed(author=author)
        body = (
            self.env._("Signed on site by %(name)s, with %(user)s.", name=name, user=on_site_user.name)
            if on_site_user
            else self.env._("Signed by %(name)s on the customer portal.", name=name)
        )
        self.message_post(
            body=body,
            attachment_ids=attachment.ids,
            author_id=author.id if author else None,
            # the customer's own signature notifies the followers; an on-site one is a note
            subtype_xmlid="mail.mt_note" if on_site_user else "mail.mt_comment",
        )
        if problem:
            # an internal note by the system: the customer is not told about our server
            self.message_post(
                body=self.env._(
                    "The signature, the signer, the time and the fingerprint are recorded, but the signed PDF "
                    "could not be rendered: %(problem)s Once this is solved, click Render Signed PDF on the "
                    "document to attach it.",
                    problem=problem,
                ),
                author_id=self.env.ref("base.partner_root").id,
                subtype_xmlid="mail.mt_note",
            )
        return True

    def _signed_check_signer(self, name, signature):
        """The signer's name as it is recorded (trimmed), or a clear error for any other input
        than a typed name and a drawn signature (both reach us as text from the portal)."""
        if not isinstance(name, str) or not name.strip():
            raise UserError(self.env._("Type the name of the person who signs."))
        name = name.strip()
        if len(name) > SIGNER_NAME_MAX_LENGTH:
            raise UserError(
                self.env._(
                    "The signer's name is too long: type at most %(count)s characters.",
                    count=SIGNER_NAME_MAX_LENGTH,
                )
            )
        if not signature or not isinstance(signature, (str, bytes)):
            raise UserError(self.env._("The signer's name and signature are both required."))
        return name

    def _signed_attach_pdf(self):
        """Render the signed document once and keep the file with the record (``signed_pdf_id``,
        protected by ``ir.attachment``: see models/ir_attachment.py).

        Returns ``(attachment, problem)``: the attachment, or no attachment and a sentence saying
        why the PDF could not be rendered. Nothing is attached then and the signature stands.
        Odoo renders HTML instead of running wkhtmltopdf when it runs tests (unless the context
        has ``force_report_rendering``), so tests attach an HTML file.
        """
        self.ensure_one()
        attachments = self.env["ir.attachment"]
        if not self._signed_report:
            return attachments, ""
        report = self.env["ir.actions.report"].sudo()
        try:
            with self.env.cr.savepoint():
                content, report_format = report._render_qweb_pdf(self._signed_report, self.ids)
        except psycopg2.Error as error:
            if error.pgcode in PG_CONCURRENCY_ERRORS_TO_RETRY:
                raise  # the request is retried as a whole
            return attachments, self._signed_pdf_problem(error)
        except Exception as error:  # logged and told in the chatter: see _signed_pdf_problem
            return attachments, self._signed_pdf_problem(error)
        extension = "pdf" if report_format == "pdf" else "html"
        attachment = attachments.sudo().create(
            {
                "name": f"{self.display_name} - {self.signed_by}.{extension}",
                "raw": content,
                "res_model": self._name,
                "res_id": self.id,
                "mimetype": "application/pdf" if extension == "pdf" else "text/html",
            }
        )
        self._process().sudo().write({"signed_pdf_id": attachment.id})
        return attachment, ""

    def _signed_pdf_problem(self, error):
        """Log why the signed PDF could not be rendered and say it in a sentence for the chatter."""
        state = self.env["ir.actions.report"].get_wkhtmltopdf_state()
        if state == "install":
            _logger.warning("Signed PDF of %s not rendered: wkhtmltopdf is not installed.", self.display_name)
            return self.env._(
                "wkhtmltopdf, the program Odoo prints PDF files with, is not installed on this server "
                "(an administrator installs it, e.g. apt-get install wkhtmltopdf, and restarts Odoo)."
            )
        if state == "broken":
            _logger.warning("Signed PDF of %s not rendered: wkhtmltopdf is broken.", self.display_name)
            return self.env._(
                "wkhtmltopdf, the program Odoo prints PDF files with, does not work on this server "
                "(an administrator reinstalls it and restarts Odoo)."
            )
        _logger.exception("Signed PDF of %s not rendered.", self.display_name, exc_info=error)
        return self.env._(
            "%(error)s (details in the server log).",
            error=str(error.args[0] if isinstance(error, UserError) else error)[:500],
        )

    def _on_signed(self, author=None):
        """Hook: what the customer's signature changes elsewhere (e.g. needs confirmed).

        ``author`` is the partner of the portal user who signed, if any.
        """

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_sign_on_site(self):
        """Open the signature pad for the customer on the salesperson's device."""
        self.ensure_one()
        self.check_access("write")
        if not self._signed_can_sign():
            raise UserError(
                self.env._(
                    "%(document)s cannot be signed now: confirm it first; a document is signed only once.",
                    document=self.display_name,
                )
            )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Sign on Site"),
            "res_model": "crm.signature.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_res_model": self._name,
                "default_res_id": self.id,
                "default_signed_by": self._signed_default_signer(),
            },
        }

    def _signed_signer_candidates(self):
        """Hook: the customer's people expected to sign, the most likely first."""
        return self.env["res.partner"]

    def _signed_default_signer(self):
        """The name the signature pads propose: the first person of ``_signed_signer_candidates``
        (a person of the customer, never the company itself), else the contact name of the
        document's opportunity, else nothing: the signer types his name."""
        self.ensure_one()
        customer = self.partner_id.commercial_partner_id
        people = self._signed_signer_candidates().filtered(
            lambda partner: partner.name and not partner.is_company and partner != customer
        )
        if people:
            return people[0].name
        lead = self["lead_id"] if "lead_id" in self._fields else None
        return (lead and lead.contact_name) or ""

    @api.model
    def _signed_lead_signers(self, lead):
        """The opportunity's people who may sign for the customer: the decision makers of its
        decision chain, then its contact person (when the opportunity's customer is a person)."""
        decision_makers = lead.stakeholder_ids.filtered(lambda line: line.role == "decision_maker").partner_id
        return decision_makers | lead.partner_id.filtered(lambda partner: not partner.is_company)

    def action_confirm(self):
        """Freeze the content: the document is ready for the customer's signature."""
        for document in self:
            if document.state != "draft":
                raise UserError(
                    self.env._(
                        "%(document)s is not a draft: only drafts are confirmed.", document=document.display_name
                    )
                )
            if not all(document[line_field] for line_field in self._signed_line_fields):
                raise UserError(document._signed_empty_message())
        self.check_access("write")
        for document in self:
            document._process().write({"state": "confirmed", "signed_snapshot": document._signed_snapshot_values()})
        return True

    def _signed_empty_message(self):
        """The error of a document confirmed without lines: say what to write down."""
        return self.env._("%(document)s has no lines to sign.", document=self.display_name)

    def action_draft(self):
        """Reopen the content of a document waiting for its signature, or cancelled."""
        if any(document.state not in ("confirmed", "cancelled") for document in self):
            raise UserError(self.env._("Only documents waiting for a signature or cancelled go back to draft."))
        self.check_access("write")
        self._process().write({"state": "draft", "signed_snapshot": False})
        return True

    def action_cancel(self):
        if any(document.signed_on for document in self):
            raise UserError(
                self.env._("A signed document cannot be cancelled: it is the record of what the customer signed.")
            )
        self.check_access("write")
        self._process().write({"state": "cancelled"})
        return True

    def action_preview(self):
        """Open the page the customer sees."""
        self.ensure_one()
        return {"type": "ir.actions.act_url", "target": "new", "url": self.get_portal_url()}

    def action_send(self):
        """Email the customer the link to read and sign the document (confirming a draft)."""
        self.ensure_one()
        if self.state == "draft":
            self.action_confirm()
        if self.state != "confirmed":
            raise UserError(
                self.env._(
                    "%(document)s is not waiting for the customer's signature: it cannot be sent.",
                    document=self.display_name,
                )
            )
        self._portal_ensure_token()
        template = self.env.ref(self._signed_mail_template, raise_if_not_found=False)
        return mail_composer_action(self, template, "mail.mail_notification_layout_with_responsible_signature")

    def action_verify_signature(self):
        """Tell the user whether the signed content is still exactly what was signed."""
        self.ensure_one()
        if not self.signed_on:
            raise UserError(self.env._("%(document)s is not signed yet.", document=self.display_name))
        # the user reads it: his time zone (named), else the document's
        signed_on = self._local_datetime_str(self.signed_on, tz=self.env.user.tz)
        if self._signed_is_intact():
            message = self.env._(
                "Intact: the content of %(document)s is exactly what %(name)s signed on %(date)s.",
                document=self.display_name,
                name=self.signed_by,
                date=signed_on,
            )
            kind = "success"
        else:
            if self.signed_pdf_id:
                message = self.env._(
                    "Altered: the content of %(document)s no longer matches what the customer signed on "
                    "%(date)s. It was changed outside the application; the signed PDF holds the original.",
                    document=self.display_name,
                    date=signed_on,
                )
            else:
                message = self.env._(
                    "Altered: the content of %(document)s no longer matches what the customer signed on "
                    "%(date)s. It was changed outside the application.",
                    document=self.display_name,
                    date=signed_on,
                )
            kind = "danger"
            self.message_post(body=message, subtype_xmlid="mail.mt_note")
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {"message": message, "type": kind, "sticky": kind == "danger"},
        }

    def action_render_signed_pdf(self):
        """Render and attach the signed PDF of signed documents that have none yet (it could not be
        rendered when the customer signed, e.g. wkhtmltopdf was missing)."""
        self.check_access("read")
        for document in self.filtered(lambda document: not document.signed_pdf_id):
            document._signed_render_missing_pdf(author=self.env.user.partner_id)
        return True

    def _signed_render_missing_pdf(self, author=None):
        """Attach the signed PDF now, or say why it cannot be (UserError).

        Only intact content is rendered: a PDF made today from altered content would show
        the customer's signature under what he did not sign.
        """
        self.ensure_one()
        if not self.signed_on:
            raise UserError(self.env._("%(document)s is not signed yet.", document=self.display_name))
        if not self._signed_is_intact():
            raise UserError(
                self.env._(
                    "The content of %(document)s no longer matches what the customer signed: "
                    "its signed PDF cannot be rendered any more.",
                    document=self.display_name,
                )
            )
        attachment, problem = self._signed_attach_pdf()
        if problem:
            raise UserError(self.env._("The signed PDF could not be rendered: %(problem)s", problem=problem))
        # readers may render it too (download): the note is not theirs to write
        self.sudo().message_post(
            body=self.env._("Signed PDF rendered and attached."),
            attachment_ids=attachment.ids,
            author_id=(author or self.env.ref("base.partner_root")).id,
            subtype_xmlid="mail.mt_note",
        )
        return attachment

    def action_download_signed_pdf(self):
        """Download the signed PDF, rendering it first if it could not be rendered at signing."""
        self.ensure_one()
        if not self.signed_pdf_id:
            self.action_render_signed_pdf()
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{self.signed_pdf_id.id}?download=true",
            "target": "self",
        }


class CrmSignedDocumentLineMixin(ProcessGuard, models.AbstractModel):
    """Lines of a signed document: frozen with their document."""

    _name = "crm.signed.document.line.mixin"
    _description = "Customer-Signed Document Line"
    _signed_document_field = None

    def _signed_check_document(self, documents=None):
        documents = documents if documents is not None else self[self._signed_document_field]
        for document in documents:
            document._signed_check_writable(document._signed_line_fields)

    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        self._signed_check_document(lines[self._signed_document_field])
        return lines

    def write(self, vals):
        self._signed_check_document()
        result = super().write(vals)
        if self._signed_document_field in vals:
            self._signed_check_document()
        return result

    @api.ondelete(at_uninstall=False)
    def _unlink_except_signed_document(self):
        self._signed_check_document()
