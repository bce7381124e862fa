"""Stage history (18.0.1.5.0): rows no longer carry the ORM's create/write columns (who moved the
lead and when are ``user_id`` and ``date``). The upgrade forgets the fields; their columns and the
foreign keys they check on every inserted row go too."""

from odoo.tools import SQL


def migrate(cr, version):
    cr.execute(
        SQL(
            "ALTER TABLE crm_lead_stage_history %s",
            SQL(", ").join(
                SQL("DROP COLUMN IF EXISTS %s", SQL.identifier(column))
                for column in ("create_uid", "create_date", "write_uid", "write_date")
            ),
        )
    )
