from datetime import datetime, time, timedelta

import pytz

from odoo import api, fields, models
from odoo.tools import format_datetime

# Company settings the grade or the first-contact deadline of a lead depends on.
REGRADE_FIELDS = {
    "grade_a_min",
    "grade_b_min",
    "first_contact_hours_a",
    "first_contact_hours_b",
    "first_contact_hours_c",
}


# How times a person reads are printed: with their zone, so that a frozen document is unambiguous.
LOCAL_DATETIME_FORMAT = "yyyy-MM-dd HH:mm"
LOCAL_DATE_FORMAT = "yyyy-MM-dd"


class ResCompany(models.Model):
    _inherit = "res.company"

    grade_a_min = fields.Integer(
        string="Grade A from",
        default=80,
        help="A lead whose grading score reaches this value is an A lead.",
    )
    grade_b_min = fields.Integer(
        string="Grade B from",
        default=60,
        help="A lead whose grading score reaches this value (and not the A threshold) is a B lead; below it, a C lead.",
    )
    first_contact_hours_a = fields.Integer(string="First contact of A leads (hours)", default=24)
    first_contact_hours_b = fields.Integer(string="First contact of B leads (hours)", default=48)
    first_contact_hours_c = fields.Integer(string="First contact of C leads (hours)", default=168)
    customer_stale_days = fields.Integer(
        string="Demote A customers after (days)",
        default=90,
        help="A customers without progress for this many days become B (monthly check).",
    )

    # Contract stage (合同审批与签署)
    gm_approval_amount = fields.Monetary(
        string="General manager approval from",
        currency_field="currency_id",
        default=10000.0,
        help="Contracts whose total, in the company's currency, reaches this amount also need the general "
        "manager's approval (after the sales manager and legal).",
    )
    contract_archive_days = fields.Integer(
        string="Archive signed contracts within (working days)",
        default=3,
        help="Working days of the company's calendar after the signature within which the scanned signed "
        "contract is attached and its paper copy filed.",
    )
    contract_signatory_ids = fields.Many2many(
        "res.users",
        "res_company_contract_signatory_rel",
        "company_id",
        "user_id",
        string="Authorised signatories",
        help="The legal representative and the people authorised to sign contracts for the company.",
    )

    delivery_project_template_id = fields.Many2one(
        "project.project",
        string="Delivery project template",
        help="Copied as the delivery project of a confirmed order without a service product (which gets the "
        "project of its product).",
    )

    _sql_constraints = [
        (
            "gm_approval_amount_check",
            "CHECK(gm_approval_amount >= 0)",
            "The general manager's approval threshold cannot be negative.",
        ),
        (
            "contract_archive_days_check",
            "CHECK(contract_archive_days > 0)",
            "Signed contracts are archived within at least one working day.",
        ),
        (
            "grade_thresholds_check",
            "CHECK(grade_b_min >= 0 AND grade_a_min > grade_b_min AND grade_a_min <= 100)",
            "Grade thresholds must satisfy 0 ≤ B threshold < A threshold ≤ 100.",
        ),
        (
            "first_contact_hours_check",
            "CHECK(first_contact_hours_a > 0 AND first_contact_hours_b > 0 AND first_contact_hours_c > 0)",
            "First-contact deadlines must be a positive number of hours.",
        ),
    ]

    def write(self, vals):
        res = super().write(vals)
        if REGRADE_FIELDS & set(vals):
            self.env["crm.lead"]._regrade(companies=self)
        return res

    @api.model
    def _grade_for_score(self, score, grade_a_min, grade_b_min):
        """Map a 0-100 score to a grade key with the given thresholds."""
        if score >= grade_a_min:
            return "a"
        if score >= grade_b_min:
            return "b"
        return "c"

    def _local_tz(self):
        """The company's time zone: the zone of its working hours (Odoo has no other), else its address's."""
        self.ensure_one()
        return self.resource_calendar_id.tz or self.partner_id.tz or "UTC"

    def _local_datetime_str(self, value, tz=None, date_only=False):
        """``value`` (a datetime as stored, in UTC) as read in ``tz``, by default the company's zone:
        ``2026-11-23 16:02 (Asia/Shanghai)``, or ``2026-11-23`` with ``date_only``.

        Every time a person reads in a document, an email or a note written by the system goes
        through here; pass the reader's zone when there is one reader.
        """
        if not value:
            return ""
        tz = tz or self._local_tz()
        if date_only:
            return format_datetime(self.env, value, tz=tz, dt_format=LOCAL_DATE_FORMAT)
        return f"{format_datetime(self.env, value, tz=tz, dt_format=LOCAL_DATETIME_FORMAT)} ({tz})"

    def _working_day_after(self, moment, days):
        """The date of the ``days``-th working day after the day of ``moment`` (UTC), in the company's
        working calendar and zone; its time off (public holidays) is not worked."""
        self.ensure_one()
        tz = pytz.timezone(self._local_tz())
        return self._working_day_after_day(pytz.utc.localize(moment).astimezone(tz).date(), days)

    def _working_day_after_day(self, local_day, days):
        """The date of the ``days``-th working day after the (local) date ``local_day``, in the company's
        working calendar; its time off (public holidays) is not worked."""
        self.ensure_one()
        calendar = self.resource_calendar_id
        tz = pytz.timezone(self._local_tz())
        if not calendar:
            return local_day + timedelta(days=days)
        start = tz.localize(datetime.combine(local_day + timedelta(days=1), time.min))
        end = calendar.plan_days(days, start, compute_leaves=True)
        return end and end.astimezone(tz).date()
