#!/usr/bin/env bash
# make lint: ruff, pylint-odoo mandatory checks, XML parse, .po syntax, no English in zh_CN.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
PYTHON="${PYTHON:-python3}"
cd "$ROOT"

if ! "$PYTHON" -c 'import pylint_odoo, polib' >/dev/null 2>&1 || ! command -v ruff >/dev/null 2>&1; then
    echo "Installing the lint tools (requirements-test.txt)…"
    "$PYTHON" -m pip install --quiet -r requirements-test.txt
fi

echo "== ruff"
ruff check .
ruff format --check --diff . >/dev/null || { ruff format --check .; exit 1; }

echo "== pylint-odoo (mandatory checks)"
# pylint-odoo reads the addon under its own name.
ADDONS_DIR="${TMPDIR:-/tmp}/crm_sales_process_lint"
mkdir -p "$ADDONS_DIR"
ln -sfn "$ROOT" "$ADDONS_DIR/crm_sales_process"
(cd "$ADDONS_DIR" && "$PYTHON" -m pylint --rcfile="$ROOT/.pylintrc-mandatory" crm_sales_process)

echo "== XML"
"$PYTHON" - <<'PY'
import glob, sys
from lxml import etree
bad = 0
for path in sorted(glob.glob("**/*.xml", recursive=True)):
    try:
        etree.parse(path)
    except etree.XMLSyntaxError as exc:
        print(f"{path}: {exc}")
        bad += 1
sys.exit(bad)
PY

echo "== .po"
"$PYTHON" - <<'PY'
import glob, re, sys
import polib
bad = 0
for path in sorted(glob.glob("i18n*/*.po*")):
    try:
        po = polib.pofile(path)
    except (OSError, ValueError) as exc:
        print(f"{path}: {exc}")
        bad += 1
        continue
    if path.endswith(".po"):
        for entry in po:
            if entry.obsolete:
                continue
            if not entry.msgstr:
                print(f"{path}: untranslated: {entry.msgid[:60]!r}")
                bad += 1
            elif sorted(re.findall(r"%\(\w+\)s|%s|%d", entry.msgid)) != sorted(re.findall(r"%\(\w+\)s|%s|%d", entry.msgstr)):
                print(f"{path}: placeholders differ: {entry.msgid[:60]!r}")
                bad += 1
sys.exit(bad)
PY
if command -v msgfmt >/dev/null 2>&1; then
    for po in i18n/*.po i18n_extra/*.po; do msgfmt --check-format -o /dev/null "$po"; done
fi

echo "== zh_CN (scripts/check_zh.py)"
"$PYTHON" scripts/check_zh.py
echo "lint: all checks passed"
