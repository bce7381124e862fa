"""Demo delivery: progress updates dated over the past weeks, exceptions detected and told in the
past, acceptances signed by the customer (see demo/sale_delivery_demo.xml)."""

from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL


class CrmSalesProcessDemo(models.AbstractModel):
    _inherit = "crm.sales.process.demo"

    @api.model
    def _hand_over(self, order_id, delivery_user_id, contact_id):
        """The delivery owner and the customer's delivery contact of a signed order (and its project)."""
        order = self.env["sale.order"].browse(order_id)
        order.write({"delivery_user_id": delivery_user_id, "delivery_contact_id": contact_id})
        order.delivery_project_id.user_id = delivery_user_id

    @api.model
    def _post_updates(self, order_id, updates):
        """Progress updates of the order's delivery project by its delivery owner: (days ago, status,
        progress, what was done, next steps)."""
        order = self.env["sale.order"].browse(order_id)
        owner = order.delivery_user_id
        today = fields.Date.context_today(self.with_context(tz=owner.tz))
        Update = self.env["project.update"].with_user(owner).with_context(lang=self._demo_lang())
        for days_ago, status, progress, done, next_steps in updates:
            Update.create(
                {
                    "project_id": order.delivery_project_id.id,
                    "name": f"交付周报 {fields.Date.to_string(today - timedelta(days=days_ago))}",
                    "date": today - timedelta(days=days_ago),
                    "status": status,
                    "progress": progress,
                    "description": f"<p>{done}</p>",
                    "next_steps": f"<p>{next_steps}</p>",
                }
            )

    @api.model
    def _record_exception(self, order_id, values, hours_ago, notified_after_hours=None, resolve=False):
        """A delivery exception detected ``hours_ago`` by the delivery owner; told to the customer's delivery
        contact by phone ``notified_after_hours`` after its detection (then resolved) or not at all."""
        order = self.env["sale.order"].browse(order_id)
        owner = order.delivery_user_id
        exception = (
            self.env["sale.delivery.exception"]
            .with_user(owner)
            .with_context(lang=self._demo_lang())
            .create(
                {
                    "order_id": order.id,
                    "detected_at": fields.Datetime.now() - timedelta(hours=hours_ago),
                    **values,
                }
            )
        )
        if notified_after_hours is None:
            return exception
        exception._mark_notified("phone", order.delivery_contact_id, note="客户表示理解，同意按新日期安排。")
        notified_at = exception.detected_at + timedelta(hours=notified_after_hours)
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "UPDATE sale_delivery_exception SET notified_at = %(at)s WHERE id = %(id)s",
                at=notified_at,
                id=exception.id,
            )
        )
        exception.invalidate_recordset(["notified_at"])
        self.env.add_to_compute(exception._fields["notified_in_time"], exception)
        exception.flush_recordset()
        if resolve:
            exception.action_resolve()
        return exception

    @api.model
    def _accept(self, order_id, received_days_ago, signer_id, outcome=None):
        """An acceptance of the goods received ``received_days_ago``, or the next version of the last one:
        lines accepted, or failed with a remark (``outcome``: ``failures`` {line index: remark}, ``reason``,
        ``plan``); confirmed, and signed on site unless ``outcome`` says ``sign: False``."""
        outcome = outcome or {}
        failures, reason, plan = outcome.get("failures", {}), outcome.get("reason"), outcome.get("plan")
        sign = outcome.get("sign", True)
        order = self.env["sale.order"].browse(order_id)
        owner = order.delivery_user_id
        Acceptance = self.env["sale.acceptance"].with_user(owner).with_context(lang=self._demo_lang())
        previous = Acceptance.search([("order_id", "=", order.id), ("next_ids", "=", False)], limit=1)
        if previous:
            acceptance = Acceptance.browse(previous.action_new_version()["res_id"])
        else:
            acceptance = Acceptance.create(
                {
                    "order_id": order.id,
                    "received_date": fields.Date.context_today(self.with_context(tz=owner.tz))
                    - timedelta(days=received_days_ago),
                    "customer_signer_id": signer_id,
                }
            )
        for index, line in enumerate(acceptance.line_ids):
            if index in failures:
                line.write({"line_result": "fail", "accepted_qty": 0, "remark": failures[index]})
            else:
                line.write({"line_result": "pass"})
        acceptance.write({"failure_reason": reason or False, "rectification_plan": plan or False})
        acceptance.action_confirm()
        if sign:
            acceptance._sign(acceptance.customer_signer_id.name, self._signature_png(), on_site_user=owner)
        return acceptance

    @api.model
    def _service_record(self, values, hours_ago, outcome=None):
        """A service record reported ``hours_ago``; ``outcome``: answered ``respond_after_minutes`` and resolved
        ``resolve_after_hours`` later (or not), with its follow-up ``visit`` (score, remark) when given."""
        outcome = outcome or {}
        respond_after_minutes = outcome.get("respond_after_minutes")
        resolve_after_hours = outcome.get("resolve_after_hours")
        visit = outcome.get("visit")
        now = fields.Datetime.now()
        reported = now - timedelta(hours=hours_ago)
        Ticket = self.env["helpdesk.ticket"].with_context(lang=self._demo_lang(), mail_create_nolog=True)
        ticket = Ticket.create(values)
        self.env.flush_all()
        self.env.cr.execute(
            SQL("UPDATE helpdesk_ticket SET create_date = %(at)s WHERE id = %(id)s", at=reported, id=ticket.id)
        )
        ticket.invalidate_recordset(["create_date"])
        self.env.add_to_compute(ticket._fields["response_deadline"], ticket)
        self.env.add_to_compute(ticket._fields["resolution_deadline"], ticket)
        ticket.flush_recordset()
        updates = {}
        if respond_after_minutes is not None:
            updates["responded_at"] = reported + timedelta(minutes=respond_after_minutes)
        if resolve_after_hours is not None:
            ticket.with_user(ticket.user_id).write(
                {"stage_id": self.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_done").id}
            )
            updates["resolved_at"] = reported + timedelta(hours=resolve_after_hours)
        if updates:
            ticket._process().write(updates)
        if visit:
            ticket.with_user(ticket.user_id)._record_followup_visit(*visit)
        return ticket

    @api.model
    def _answer_satisfaction(self, order_id, months, score, remark):
        """The customer answered the ``months`` survey of an order, sent ``months`` months after an acceptance
        dated back so far (the demo's acceptance happened days ago)."""
        followup = self.env["sale.satisfaction.followup"].search([("order_id", "=", order_id), ("months", "=", months)])
        followup.action_send_now()
        answer = followup.user_input_id.sudo()
        question = self.env.ref("crm_sales_process.survey_customer_satisfaction_overall")
        answer._save_lines(question, self.env.ref(f"crm_sales_process.survey_customer_satisfaction_overall_{score}").id)
        if remark:
            answer._save_lines(self.env.ref("crm_sales_process.survey_customer_satisfaction_improve"), remark)
        answer._mark_done()
        return followup

    @api.model
    def _relationship_overdue(self, partner_id):
        """The customer's quarterly contact planned and now past due (planned weeks ago)."""
        self.env["res.partner"]._cron_plan_relationship_contacts()
        activity_type = self.env.ref("crm_sales_process.mail_activity_type_relationship_contact")
        activities = self.env["mail.activity"].search(
            [
                ("res_model", "=", "res.partner"),
                ("res_id", "=", partner_id),
                ("activity_type_id", "=", activity_type.id),
            ]
        )
        activities.write({"date_deadline": fields.Date.context_today(self) - timedelta(days=5)})
