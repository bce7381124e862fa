"""What the demo data files do that no user action can: age records, sign for the customer, decide reviews.

Only the XML files of demo/ call these methods; the production models carry none of them.
"""

import base64
import io
from datetime import timedelta

from PIL import Image, ImageDraw

from odoo import api, models
from odoo.tools import SQL

from ..models.crm_process_guard import PROCESS


class CrmSalesProcessDemo(models.AbstractModel):
    _name = "crm.sales.process.demo"
    _description = "Sales Process Demo Tools"

    @api.model
    def _backdate_leads(self, lead_ids, days, contact_after_days=False):
        """Age leads so the demo pipeline shows every first-contact state."""
        leads = self.env["crm.lead"].browse(lead_ids)
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "UPDATE crm_lead SET create_date = create_date - %(delta)s, date_open = create_date - %(delta)s "
                "WHERE id IN %(ids)s",
                delta=timedelta(days=days),
                ids=tuple(leads.ids),
            )
        )
        leads.invalidate_recordset(["create_date", "date_open"])
        self.env.add_to_compute(leads._fields["first_contact_deadline"], leads)
        if contact_after_days:
            for lead in leads:
                lead.with_context(crm_process=PROCESS).first_contact_date = lead.create_date + timedelta(
                    days=contact_after_days
                )
        leads.flush_recordset()

    @api.model
    def _advance_leads(self, lead_ids, stage_id):
        """Tick the manual outputs the leads need and move them, through the gate."""
        leads = self.env["crm.lead"].browse(lead_ids)
        target = self.env["crm.stage"].browse(stage_id)
        for lines in leads._gate_missing(target).values():
            self.env["crm.lead.checklist.line"].union(*lines).filtered(lambda line: line.evidence == "manual").write(
                {"manual_done": True}
            )
        leads.write({"stage_id": target.id})

    @api.model
    def _signature_png(self):
        """A handwritten-looking signature (base64 PNG)."""
        image = Image.new("RGB", (240, 80), "white")
        draw = ImageDraw.Draw(image)
        points = [(20 + 10 * step, 40 + (18 if step % 2 else -14) * (1 - step / 24)) for step in range(21)]
        draw.line(points, fill=(20, 40, 120), width=3)
        buffer = io.BytesIO()
        image.save(buffer, format="PNG")
        return base64.b64encode(buffer.getvalue())

    @api.model
    def _sign_documents(self, model, document_ids, name, user_id):
        """The customer signs the documents on the salesperson's tablet."""
        signature = self._signature_png()
        user = self.env["res.users"].browse(user_id)
        for document in self.env[model].browse(document_ids):
            document.with_user(user)._sign(name, signature, on_site_user=user)

    @api.model
    def _submit_reviews(self, review_ids):
        """Each solution review is submitted by its requester."""
        for review in self.env["crm.solution.review"].browse(review_ids):
            review.with_user(review.user_id).action_submit()

    @api.model
    def _decide_review(self, review_id, user_id, comment, approve=True):
        """A reviewer decides, through the same comment dialog as in the form."""
        self._decide("crm.solution.review", review_id, user_id, comment, approve=approve)

    @api.model
    def _decide(self, model, record_id, user_id, comment, approve=True):
        """A reviewer of a document under tier validation decides, through the comment dialog."""
        record = self.env[model].browse(record_id).with_user(user_id)
        action = record.validate_tier() if approve else record.reject_tier()
        wizard = self.env[action["res_model"]].with_user(user_id).with_context(**action["context"])
        wizard.create({"comment": comment}).add_comment()

    @api.model
    def _backdate_contract_signature(self, order_id, days):
        """A contract signed ``days`` ago (its signature, confirmation and archive deadline)."""
        order = self.env["sale.order"].browse(order_id)
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "UPDATE sale_order SET signed_on = signed_on - %(delta)s, date_order = date_order - %(delta)s "
                "WHERE id = %(id)s",
                delta=timedelta(days=days),
                id=order.id,
            )
        )
        order.invalidate_recordset(["signed_on", "date_order"])
        self.env.add_to_compute(order._fields["contract_archive_deadline"], order)
        order.flush_recordset()

    @api.model
    def _request_contract_approval(self, order_ids):
        """Each contract's salesperson requests its approval."""
        for order in self.env["sale.order"].browse(order_ids):
            order.with_user(order.user_id).request_validation()

    @api.model
    def _sign_contract(self, order_id, signer_id):
        """The customer's authorised signatory signs the contract on the salesperson's tablet."""
        order = self.env["sale.order"].browse(order_id)
        wizard = (
            self.env["sale.contract.sign"]
            .with_user(order.user_id)
            .with_context(lang=self._demo_lang())
            .create({"order_id": order.id, "signer_id": signer_id, "signature": self._signature_png()})
        )
        wizard.action_sign()

    @api.model
    def _demo_lang(self):
        """Chinese when the database has it (``make run``): what the process writes while the demo is
        loaded (milestones, activities) reads as the demo's users read it (the code's terms are read
        from the .po files)."""
        return "zh_CN" if self.env["res.lang"]._lang_get("zh_CN") else self.env.lang
