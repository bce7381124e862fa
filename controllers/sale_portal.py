from odoo import http
from odoo.addons.sale.controllers.portal import CustomerPortal
from odoo.exceptions import AccessError, MissingError, ValidationError
from odoo.http import request


class ContractPortal(CustomerPortal):
    """The customer sees, prints and signs a contract only once the whole chain approved it."""

    def _contract_order(self, order_id, access_token):
        try:
            return self._document_check_access("sale.order", order_id, access_token=access_token)
        except (AccessError, MissingError):
            return None

    @http.route()
    def portal_order_page(self, order_id, report_type=None, access_token=None, message=False, download=False, **kw):
        order_sudo = self._contract_order(order_id, access_token)
        if order_sudo and request.env.user.share and order_sudo._contract_unapproved():
            return request.render(
                "crm_sales_process.portal_contract_under_review",
                {"order": order_sudo, "page_name": "order"},
            )
        return super().portal_order_page(
            order_id, report_type=report_type, access_token=access_token, message=message, download=download, **kw
        )

    @http.route()
    def portal_quote_accept(self, order_id, access_token=None, name=None, signature=None):
        access_token = access_token or request.httprequest.args.get("access_token")
        order_sudo = self._contract_order(order_id, access_token)
        if order_sudo:
            try:
                order_sudo._contract_check_portal_signer(request.env.user)
            except ValidationError as error:
                return {"error": error.args[0]}
        return super().portal_quote_accept(order_id, access_token=access_token, name=name, signature=signature)
