"""The signature request of negotiation minutes dates the meeting in the customer's time zone (18.0.1.3.0).

Its template is ``noupdate``: the body of databases installed before is changed here, in every
language, only where it still has the original expression (a template edited by hand is left alone).
"""

from odoo.tools import SQL

OLD = "format_datetime(object.meeting_date, dt_format='short')"
NEW = "object._local_datetime_str(object.meeting_date, tz=object.partner_id.tz)"


def migrate(cr, version):
    cr.execute(
        SQL(
            """
            UPDATE mail_template
               SET body_html = replace(body_html::text, %(old)s, %(new)s)::jsonb
              FROM ir_model_data data
             WHERE data.model = 'mail.template'
               AND data.res_id = mail_template.id
               AND data.module = 'crm_sales_process'
               AND data.name = 'mail_template_negotiation_minutes_sign'
               AND strpos(body_html::text, %(old)s) > 0
            """,
            old=OLD,
            new=NEW,
        )
    )
