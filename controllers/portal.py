import logging

from werkzeug.exceptions import Forbidden, NotFound

from odoo import http
from odoo.exceptions import UserError, ValidationError
from odoo.http import request
from odoo.tools import consteq, is_html_empty

from ..models.crm_signed_document_mixin import PORTAL_PATHS

_logger = logging.getLogger(__name__)

# portal path segment -> model of the customer-signed documents served here
SIGNED_DOCUMENT_ROUTES = {path: model for model, path in PORTAL_PATHS.items()}
KINDS = ", ".join(SIGNED_DOCUMENT_ROUTES)


class SignedDocumentPortal(http.Controller):
    """The customer reads and signs a document through the link emailed to him.

    Only the document's token opens it: a wrong or missing token answers 404
    whatever the document, so the link reveals nothing about other documents.
    A logged-in portal user may only sign for his own company.
    """

    def _signed_document(self, kind, document_id, access_token):
        model = SIGNED_DOCUMENT_ROUTES.get(kind)
        if not model or not access_token:
            raise NotFound()
        document = request.env[model].sudo().browse(document_id).exists()
        if not document or not document.access_token or not consteq(document.access_token, access_token):
            raise NotFound()
        user = request.env.user
        if user.share and not user._is_public():
            own = user.partner_id.commercial_partner_id
            if document.partner_id.commercial_partner_id != own:
                raise Forbidden()
        return document

    @http.route(f"/my/<any({KINDS}):kind>/<int:document_id>", type="http", auth="public", website=True)
    def signed_document_page(self, kind, document_id, access_token=None, report_type=None, download=False, **kw):
        document = self._signed_document(kind, document_id, access_token)
        message = kw.get("message")
        if report_type == "pdf":
            try:
                content = self._signed_document_pdf(document)
            except UserError as error:
                # the customer gets the page and a notice; the reason is for us
                _logger.warning("PDF of %s not served on the portal: %s", document.display_name, error)
                message = "pdf_unavailable"
            else:
                disposition = "attachment" if download else "inline"
                return request.make_response(
                    content,
                    headers=[
                        ("Content-Type", "application/pdf"),
                        ("Content-Disposition", f'{disposition}; filename="{document.name}.pdf"'),
                    ],
                )
        user = request.env.user
        own_contact = user.share and not user._is_public() and user.partner_id
        return request.render(
            "crm_sales_process.portal_signed_document",
            {
                "document": document,
                "kind": kind,
                "content_template": document._signed_content_template,
                "res_company": document.company_id,
                "message": message,
                "is_html_empty": is_html_empty,
                # our own users do not sign for the customer here: they host an on-site signature
                "internal_user": not user.share,
                # the portal user signs in his own name; through the emailed link, the person expected to sign
                "default_signer": own_contact.name if own_contact else document._signed_default_signer(),
            },
        )

    def _signed_document_pdf(self, document):
        """The signed PDF (rendered now if it could not be at signing), or the PDF of the document to sign."""
        if document.signed_on:
            if not document.signed_pdf_id:
                document._signed_render_missing_pdf()
            return document.signed_pdf_id.raw
        return request.env["ir.actions.report"].sudo()._render_qweb_pdf(document._signed_report, document.ids)[0]

    @http.route(f"/my/<any({KINDS}):kind>/<int:document_id>/sign", type="json", auth="public", website=True)
    def signed_document_sign(self, kind, document_id, access_token=None, name=None, signature=None):
        access_token = access_token or request.httprequest.args.get("access_token")
        document = self._signed_document(kind, document_id, access_token)
        if not document._signed_can_sign():
            return {"error": request.env._("This document cannot be signed: it is already signed or was withdrawn.")}
        if not request.env.user.share:
            return {
                "error": request.env._(
                    "You are signed in as one of our users: only the customer signs on this page. To have him "
                    "sign on your device, open the document in the back office and click Sign on Site."
                )
            }
        if not signature:
            return {"error": request.env._("Please draw your signature.")}
        try:
            document._sign(
                name,
                signature,
                ip=request.httprequest.remote_addr,
                user_agent=request.httprequest.user_agent.string,
                author=document.partner_id if request.env.user._is_public() else request.env.user.partner_id,
            )
        except (UserError, ValidationError) as error:
            request.env.cr.rollback()
            return {"error": error.args[0]}
        except (TypeError, ValueError):
            request.env.cr.rollback()
            return {"error": request.env._("The signature could not be read. Please sign again.")}
        return {"force_refresh": True, "redirect_url": document.get_portal_url(query_string="&message=sign_ok")}
