"""Quarterly relationship contact (客户关系维护): each quarter, the decision makers of every active
customer (a confirmed order in the last 12 months) are due a contact. A daily cron gives the
customer's after-sales owner (else its salesperson) one activity per customer and quarter, naming
the decision makers; marking it done is the contact. Customers whose activity is past due are
*Relationship contact overdue* (filter) for the sales team."""

import logging
from datetime import date

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models

_logger = logging.getLogger(__name__)

ACTIVE_MONTHS = 12
DUE_DAYS = 30


def quarter_of(day):
    """(label, first day) of the quarter of ``day``: ("2026-Q4", 2026-10-01)."""
    index = (day.month - 1) // 3
    return f"{day.year}-Q{index + 1}", date(day.year, 3 * index + 1, 1)


class ResPartner(models.Model):
    _inherit = "res.partner"

    _process_fields = ("relationship_quarter",)

    relationship_quarter = fields.Char(
        string="Relationship contact planned for",
        readonly=True,
        copy=False,
        help="The last quarter whose contact with the decision makers was planned.",
    )
    success_case = fields.Boolean(
        string="Success case", tracking=True, help="The customer shares the results of our work (成功案例)."
    )
    success_case_note = fields.Text(
        string="Success case note", help="What the customer achieved with us, for references."
    )
    relationship_contact_overdue = fields.Boolean(
        string="Relationship contact overdue",
        compute="_compute_relationship_contact_overdue",
        search="_search_relationship_contact_overdue",
        help="The quarterly contact with the customer's decision makers is past due.",
    )

    def _relationship_overdue_domain(self):
        activity_type = self.env.ref("crm_sales_process.mail_activity_type_relationship_contact")
        return [
            (
                "activity_ids",
                "any",
                [
                    ("activity_type_id", "=", activity_type.id),
                    ("date_deadline", "<", fields.Date.context_today(self)),
                ],
            )
        ]

    def _compute_relationship_contact_overdue(self):
        overdue = self.search([("id", "in", self.ids), *self._relationship_overdue_domain()]) if self.ids else self
        for partner in self:
            partner.relationship_contact_overdue = partner in overdue

    def _search_relationship_contact_overdue(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise NotImplementedError(operator)
        domain = self._relationship_overdue_domain()
        return domain if (operator == "=") == value else ["!", *domain]

    @api.model
    def _active_customers(self):
        """{customer: owner} of the customers with a confirmed order in the last 12 months; the owner is
        the customer's after-sales owner, else its salesperson, else the salesperson of an order."""
        since = fields.Datetime.now() - relativedelta(months=ACTIVE_MONTHS)
        rows = (
            self.env["sale.order"]
            .sudo()
            ._read_group([("state", "=", "sale"), ("date_order", ">=", since)], ["partner_id"], ["user_id:array_agg"])
        )
        salespeople = {}
        for partner, user_ids in rows:
            salespeople.setdefault(partner.commercial_partner_id, []).extend(uid for uid in user_ids if uid)
        Users = self.env["res.users"].sudo()
        owners = {}
        for customer, user_ids in salespeople.items():
            owner = customer.aftersales_user_id or customer.user_id or Users.browse(user_ids[:1])
            if owner:
                owners[customer] = owner
        return owners

    @api.model
    def _cron_plan_relationship_contacts(self):
        """Plan this quarter's contact of every active customer not planned yet. Returns the number planned."""
        today = fields.Date.context_today(self)
        label, start = quarter_of(today)
        owners = {
            customer: owner
            for customer, owner in self._active_customers().items()
            if customer.relationship_quarter != label
        }
        activity_type = self.env.ref("crm_sales_process.mail_activity_type_relationship_contact")
        reminders = []
        for customer, owner in owners.items():
            env = customer.with_context(lang=owner.lang).env
            makers = customer.child_ids.filtered(lambda contact: contact.decision_role == "decision_maker")
            reminders.append(
                (
                    customer,
                    owner,
                    env._(
                        "%(quarter)s: contact the decision makers of %(customer)s",
                        quarter=label,
                        customer=customer.name,
                    ),
                    env._(
                        "Talk with %(people)s about how their business goes, what they plan and how we can help.",
                        people=", ".join(makers.mapped("name")) or customer.name,
                    ),
                )
            )
        activities = self.env["mail.activity"]._create_reminders(activity_type, reminders)
        # due a month into the quarter, whatever the day the cron plans it
        activities.write({"date_deadline": max(start + relativedelta(days=DUE_DAYS), today)})
        self.browse([customer.id for customer in owners])._process().sudo().write({"relationship_quarter": label})
        _logger.info("Relationship contacts: %s customer(s) planned for %s", len(reminders), label)
        return len(reminders)
