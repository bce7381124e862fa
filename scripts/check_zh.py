"""make lint: no English left in the zh_CN user interface of the addon's screens.

Static (the .po/.pot files, the XML data and the Python sources; no database):

(a) every entry of i18n/zh_CN.po and i18n_extra/zh_CN.po is translated into Chinese:
    its msgstr has CJK characters, or no Latin word once placeholders, markup and
    QWeb/inline-template expressions are removed, except the tokens of ALLOWED and
    codes like M-HU-001;
(b) every msgid of the base_tier_validation and sale_tier_validation .pot files (and
    every _() string of their Python code, which their .pot misses when it sits in an
    f-string) has a Chinese translation in i18n_extra/zh_CN.po, which lists the .pot's
    model and model_terms occurrences (Odoo applies a record's translation by xmlid) and
    the odoo-javascript flag when the .pot has it (the web client gets it from us);
    a Python string is translated only by the .po of the module whose code calls _(),
    so each must also be said by our code (models/tier_validation.py overrides the
    methods) unless PYTHON_NOT_OURS says why not;
(c) every user-visible text of the records of data/ and security/ (DATA_FIELDS) has a
    .po entry with that record's occurrence and the same English source; a model not
    classified in DATA_FIELDS or NO_USER_TEXT is reported, so that new data is decided;
(d) a Python or web-client msgid translated in both files has the same translation
    (the i18n_extra one would silently win).

Prints what is missing and exits non-zero.
"""

import ast
import importlib.util
import re
import sys
from pathlib import Path

import polib
from lxml import etree

ROOT = Path(__file__).resolve().parent.parent
MODULE = "crm_sales_process"
PO_FILES = ("i18n/zh_CN.po", "i18n_extra/zh_CN.po")
EXTRA = "i18n_extra/zh_CN.po"
OCA_MODULES = ("base_tier_validation", "sale_tier_validation", "helpdesk_mgmt", "helpdesk_mgmt_sale")

# Latin tokens a Chinese UI keeps as they are.
ALLOWED = {"A", "B", "C", "SPIN", "PDF", "CNY", "IP", "ID", "SHA-256", "Odoo", "Wi-Fi"}
CODE = re.compile(r"^[A-Z0-9]+(?:[-/][A-Z0-9]+)+$")  # M-HU-001, TPJY/2026/0001
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef]")
NOT_WORDS = re.compile(
    r"%\(\w+\)[sd]|%[sd%]"  # placeholders
    r"|\{\{.*?\}\}|\{\w*\}|\$\{.*?\}"  # inline templates and format fields
    r"|<[^>]*>|&\w+;|&#\d+;",  # markup and entities
    re.S,
)
LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z0-9_.\-/]*")

# Python strings of the OCA modules our code does not say, and why.
PORTAL_TICKET_LIST = (
    "sort and search labels of helpdesk_mgmt's portal list of tickets (/my/tickets), a page our screens do not link to"
)
PYTHON_NOT_OURS = {
    "All": PORTAL_TICKET_LIST,
    "Category": PORTAL_TICKET_LIST,
    "Last Stage Update": PORTAL_TICKET_LIST,
    "Newest": PORTAL_TICKET_LIST,
    "None": PORTAL_TICKET_LIST,
    "Search in All": PORTAL_TICKET_LIST,
    "Search in Number": PORTAL_TICKET_LIST,
    "Search in Title": PORTAL_TICKET_LIST,
    "Title": PORTAL_TICKET_LIST,
    "Customer": "label of a ticket's suggested email recipient in helpdesk_mgmt's chatter",
    "Customer Email": "label of a ticket's suggested email recipient in helpdesk_mgmt's chatter",
    "No Subject": "title of a ticket helpdesk_mgmt creates from an incoming email without subject",
    "Open Tickets": "window title of helpdesk_mgmt's team dashboard buttons (the Helpdesk app)",
    "Open Tickets without team": "window title of helpdesk_mgmt's team dashboard buttons (the Helpdesk app)",
    "You need to set a valid duplicate!": "error of helpdesk_mgmt's duplicate-ticket wizard",
    "New Tier Validation": "default name of a new tier definition (administrators); "
    "base_tier_validation's own zh_CN.po translates it",
    "At least one of these fields must be checked! Write under Validation, Write after Validation": (
        "constraint of the tier validation exceptions (Settings, administrators)"
    ),
    "Validation reviewer field should be of the appropriate type": "configuration error of a tier "
    "definition using a reviewer field (administrators); our definitions use groups",
}

# Translatable fields of the records our data files create, by model. A plain text must
# be the source of the entry; for an HTML text (type="html"/"xml"), an entry must exist.
DATA_FIELDS = {
    "crm.grading.criterion": ("name", "description"),
    "crm.grading.criterion.option": ("name",),
    "crm.lost.reason": ("name",),
    "crm.sales.region": ("name",),
    "crm.stage": ("name",),
    "crm.stage.checklist.item": ("name", "guidance"),
    "ir.cron": ("name",),
    "ir.module.category": ("name", "description"),
    "mail.activity.plan": ("name",),
    "mail.activity.plan.template": ("summary", "note"),
    "mail.activity.type": ("name", "summary", "default_note"),
    "mail.template": ("name", "subject", "description", "body_html"),
    "res.groups": ("name", "comment"),
    "res.partner.industry": ("name", "full_name"),
    "sale.contract.clause.type": ("name", "default_text"),
    "survey.question": ("title",),
    "survey.question.answer": ("value",),
    "survey.survey": ("title", "description"),
    "tier.definition": ("name",),
}
NO_USER_TEXT = {"ir.rule", "ir.sequence", "res.users"}

problems = []


def problem(where, message):
    problems.append(f"{where}: {message}")


def is_chinese(msgid, msgstr):
    """A translation a Chinese user reads: CJK, or nothing English left in it."""
    if not msgstr:
        return False
    if CJK.search(msgstr) or not re.search(r"[A-Za-z]", msgid):
        return True
    words = LATIN_WORD.findall(NOT_WORDS.sub(" ", msgstr))
    return all(word.strip(".-/") in ALLOWED or CODE.match(word) for word in words)


def flags(entry):
    return {line for line in entry.comment.split("\n") if line.startswith("odoo-")}


def load(path):
    try:
        return [entry for entry in polib.pofile(str(ROOT / path)) if not entry.obsolete]
    except OSError:
        problem(path, "missing")
        return []


def check_translated(path, entries):
    """(a)"""
    for entry in entries:
        if "fuzzy" in entry.flags:
            problem(path, f"fuzzy translation: {entry.msgid[:70]!r}")
        elif not is_chinese(entry.msgid, entry.msgstr):
            what = "untranslated" if not entry.msgstr else f"not Chinese ({entry.msgstr[:40]!r})"
            problem(path, f"{what}: {entry.msgid[:70]!r}")


def python_strings(paths):
    """The literal first arguments of _(), _lt() and env._() calls in these files."""
    strings = set()
    for path in paths:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            name = getattr(node.func, "attr", None) or getattr(node.func, "id", None)
            first = node.args[0]
            if name in ("_", "_lt") and isinstance(first, ast.Constant) and isinstance(first.value, str):
                strings.add(first.value)
    return strings


def oca_module_dir(name):
    try:
        spec = importlib.util.find_spec(f"odoo.addons.{name}")
    except ModuleNotFoundError:  # no odoo at all
        spec = None
    if not spec or not spec.submodule_search_locations:
        print(f"check_zh: {name} is not installed (pip install --no-deps -r requirements-oca.txt)")
        sys.exit(2)
    return Path(next(iter(spec.submodule_search_locations)))


def check_oca(extra_entries):
    """(b)"""
    ours = {entry.msgid: entry for entry in extra_entries}
    listed = {occurrence for entry in extra_entries for occurrence, _line in entry.occurrences}
    our_code = python_strings(sorted(ROOT.glob("models/*.py")) + sorted(ROOT.glob("wizards/*.py")))
    total = translated = 0
    for name in OCA_MODULES:
        directory = oca_module_dir(name)
        pot = polib.pofile(str(directory / "i18n" / f"{name}.pot"))
        python = python_strings(sorted(directory.rglob("*.py")))
        python |= {entry.msgid for entry in pot if "odoo-python" in flags(entry)}
        expected = {entry.msgid: entry for entry in pot}
        for msgid in python - expected.keys():
            expected[msgid] = polib.POEntry(msgid=msgid, comment="odoo-python")
        for msgid, source in sorted(expected.items()):
            total += 1
            entry = ours.get(msgid)
            where = f"{EXTRA} ({name})"
            if entry is None or not is_chinese(msgid, entry.msgstr):
                problem(where, f"no Chinese for {msgid[:70]!r}")
                continue
            translated += 1
            for occurrence, _line in source.occurrences:
                # a term translates inside one record field: its entry must list that field;
                # a record field translated whole may be listed under its newer source
                # (the .pot of the OCA module is older than its code)
                if occurrence.startswith("model_terms:") and (occurrence, "") not in entry.occurrences:
                    problem(where, f"{msgid[:50]!r} does not list {occurrence}")
                elif occurrence.startswith("model:") and occurrence not in listed:
                    problem(where, f"no entry lists {occurrence} ({msgid[:50]!r})")
            if "odoo-javascript" in flags(source) and "odoo-javascript" not in flags(entry):
                problem(where, f"{msgid[:50]!r} lacks the odoo-javascript flag (web client string)")
            if msgid in python:
                if msgid in our_code:
                    if "odoo-python" not in flags(entry):
                        problem(where, f"{msgid[:50]!r} lacks the odoo-python flag")
                elif msgid not in PYTHON_NOT_OURS:
                    problem(
                        where,
                        f"Python string {msgid[:60]!r} is said by {name} only: its own .po translates it, "
                        "not ours; override the method in models/tier_validation.py (or say why not)",
                    )
    return translated, total


def data_texts():
    """(path, occurrence key, text, is HTML) of the user-visible texts of data/ and security/."""
    for folder in ("data", "security"):
        for path in sorted((ROOT / folder).glob("*.xml")):
            for record in etree.parse(str(path)).iter("record"):
                model, xmlid = record.get("model"), record.get("id")
                if model in NO_USER_TEXT:
                    continue
                if model not in DATA_FIELDS:
                    problem(path.relative_to(ROOT), f"model {model} is not classified (DATA_FIELDS or NO_USER_TEXT)")
                    continue
                xmlid = xmlid if "." in xmlid else f"{MODULE}.{xmlid}"
                for field in record.iter("field"):
                    name = field.get("name")
                    if name not in DATA_FIELDS[model] or any(field.get(key) for key in ("ref", "eval", "search")):
                        continue
                    text = (field.text or "") + "".join(etree.tostring(child, encoding="unicode") for child in field)
                    if text.strip():
                        # a cron's name lives on its server action
                        key = (
                            f"ir.actions.server,{name}:{xmlid}_ir_actions_server"
                            if model == "ir.cron"
                            else f"{model},{name}:{xmlid}"
                        )
                        yield path.relative_to(ROOT), key, text, field.get("type") in ("html", "xml")


def check_data(entries):
    """(c)"""
    by_occurrence = {}
    for entry in entries:
        for occurrence, _line in entry.occurrences:
            by_occurrence.setdefault(occurrence, []).append(entry)
    for path, key, text, is_html in data_texts():
        found = by_occurrence.get(f"model:{key}", []) + by_occurrence.get(f"model_terms:{key}", [])
        if is_html:
            if not found:
                problem(path, f"no .po entry for model:{key}")
        elif not any(" ".join(entry.msgid.split()) == " ".join(text.split()) for entry in found):
            state = "the .po entry has another text" if found else "no .po entry"
            problem(path, f"{state} for {text.strip()[:60]!r} (model:{key})")


def check_consistent(by_file):
    """(d)"""
    seen = {}
    for path, entries in by_file.items():
        for entry in entries:
            if not entry.msgstr:  # reported by (a)
                continue
            for flag in flags(entry) & {"odoo-python", "odoo-javascript"}:
                other = seen.setdefault((flag, entry.msgid), (path, entry.msgstr))
                if other[1] != entry.msgstr:
                    problem(
                        path,
                        f"{entry.msgid[:50]!r} ({flag}) is {entry.msgstr[:20]!r} here, {other[1][:20]!r} in {other[0]}",
                    )


def main():
    by_file = {path: load(path) for path in PO_FILES}
    for path, entries in by_file.items():
        check_translated(path, entries)
    translated, total = check_oca(by_file[EXTRA])
    check_data([entry for entries in by_file.values() for entry in entries])
    check_consistent(by_file)
    for line in problems:
        print(line)
    modules = " and ".join(OCA_MODULES)
    print(f"check_zh: {translated}/{total} strings of {modules} in Chinese; {len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
