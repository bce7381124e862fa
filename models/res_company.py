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

    _sql_constraints = [
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
