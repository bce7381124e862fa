"""The email composer opened on records with a template: the action the forms' "Send" buttons return."""


def mail_composer_action(records, template, layout, **context):
    """The composer (comment mode) on ``records`` with ``template`` (a mail.template or False) and the
    email ``layout`` (an xmlid); ``context`` adds keys, e.g. default recipients or a marker the post reads."""
    return {
        "type": "ir.actions.act_window",
        "res_model": "mail.compose.message",
        "view_mode": "form",
        "views": [(False, "form")],
        "target": "new",
        "context": {
            "default_model": records._name,
            "default_res_ids": records.ids,
            "default_template_id": template.id if template else False,
            "default_composition_mode": "comment",
            "default_email_layout_xmlid": layout,
            **context,
        },
    }
