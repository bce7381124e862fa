from odoo import api, fields, models
from odoo.tools import SQL


class CrmCustomerCodeSequence(models.Model):
    """The last number given to customer codes of one prefix (e.g. M-HU) in one company.

    Numbers are taken with a row lock held until the transaction ends: two
    transactions coding customers of the same prefix wait for each other, so
    numbers are never shared, and a rolled-back transaction gives its number back.
    """

    _name = "crm.customer.code.sequence"
    _description = "Customer Code Counter"

    prefix = fields.Char(required=True, readonly=True)
    company_id = fields.Many2one("res.company", required=True, readonly=True, ondelete="cascade")
    last_number = fields.Integer(readonly=True)

    _sql_constraints = [
        ("prefix_company_uniq", "unique(prefix, company_id)", "One counter per prefix and company."),
    ]

    @api.model
    def _next_number(self, prefix, company):
        cr = self.env.cr
        now = fields.Datetime.now()
        cr.execute(
            SQL(
                "INSERT INTO crm_customer_code_sequence "
                "(prefix, company_id, last_number, create_uid, create_date, write_uid, write_date) "
                "VALUES (%(prefix)s, %(company)s, 0, %(uid)s, %(now)s, %(uid)s, %(now)s) "
                "ON CONFLICT (prefix, company_id) DO NOTHING",
                prefix=prefix,
                company=company.id,
                uid=self.env.uid,
                now=now,
            )
        )
        cr.execute(
            SQL(
                "UPDATE crm_customer_code_sequence SET last_number = last_number + 1 "
                "WHERE prefix = %s AND company_id = %s RETURNING last_number",
                prefix,
                company.id,
            )
        )
        self.invalidate_model(["last_number"])
        return cr.fetchone()[0]
