from odoo.tools.translate import TranslationImporter, get_po_paths

from . import controllers, demo, models, reports, wizards


def post_init_hook(env):
    """Give the leads that existed before the install their grading and checklist lines;
    make the Chinese this addon brings for other modules win."""
    leads = env["crm.lead"].with_context(active_test=False).search([])
    leads._ensure_grading_lines()
    leads._ensure_checklist_lines()
    env["crm.lead"]._refresh_next_step(leads.ids)
    _load_extra_translations(env)


def _load_extra_translations(env):
    """Load i18n_extra/ over the translations the modules installed before us brought.

    Odoo keeps a record's existing translation when a later module's .po names it, and
    base_tier_validation's zh_CN.po (loaded at its own install) has wrong or stale terms
    that i18n_extra/zh_CN.po corrects. ("Load a language" later reads the modules in
    dependency order, ours last: ours win there by themselves.)
    """
    langs = [code for code, _name in env["res.lang"].get_installed() if code != "en_US"]
    importer = TranslationImporter(env.cr, verbose=False)
    for lang in langs:
        for path in get_po_paths("crm_sales_process", lang):
            if "/i18n_extra/" in path:
                importer.load_file(path, lang)
    importer.save(overwrite=True, force_overwrite=True)
