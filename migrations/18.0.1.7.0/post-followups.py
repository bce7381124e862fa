"""18.0.1.7.0: leads store whether a next step is planned (an open activity); calls, meetings
and emails done on a lead log a follow-up (their types belong to mail, whose data is not updated)."""


def migrate(cr, version):
    cr.execute(
        """
        UPDATE crm_lead l SET has_next_step = EXISTS(
            SELECT 1 FROM mail_activity a WHERE a.res_model = 'crm.lead' AND a.res_id = l.id AND a.active)
        """
    )
    cr.execute(
        """
        UPDATE mail_activity_type t SET followup_channel = v.channel
          FROM (VALUES ('mail_activity_data_call', 'call'), ('mail_activity_data_meeting', 'visit'),
                       ('mail_activity_data_email', 'email')) AS v(xmlid, channel)
          JOIN ir_model_data d ON d.module = 'mail' AND d.name = v.xmlid AND d.model = 'mail.activity.type'
         WHERE t.id = d.res_id AND t.followup_channel IS NULL
        """
    )
