"""18.0.1.7.1: leads store their number of follow-ups next to the date of the last one (the sales
analysis reads the column instead of counting every lead's follow-ups on each read)."""


def migrate(cr, version):
    cr.execute(
        """
        UPDATE crm_lead l SET followup_count = f.total
          FROM (SELECT lead_id, count(*) AS total FROM crm_lead_followup GROUP BY lead_id) f
         WHERE l.id = f.lead_id
        """
    )
