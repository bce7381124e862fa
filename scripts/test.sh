#!/usr/bin/env bash
# make test: a fresh database, the addon with demo data, the whole suite with pytest-odoo.
source "$(dirname "$0")/env.sh"
DB="${TEST_DB:-crm_sales_process_test}"

prepare

if ! "$PYTHON" -c 'import pytest_odoo, websocket, freezegun' >/dev/null 2>&1; then
    echo "Installing the test requirements (requirements-test.txt)…"
    "$PYTHON" -m pip install --quiet -r "$ROOT/requirements-test.txt" || die "could not install requirements-test.txt."
fi
# Odoo's browser tests skip themselves without Chromium; here a skip is a failure.
if ! command -v chromium >/dev/null 2>&1 && ! command -v chromium-browser >/dev/null 2>&1 \
        && ! command -v google-chrome >/dev/null 2>&1; then
    command -v apt-get >/dev/null 2>&1 || die "Chromium is missing: install a headless Chromium for the browser tours."
    echo "Installing Chromium for the browser tours…"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk) >/dev/null \
        || die "could not install Chromium: run 'apt-get install chromium' and retry."
fi

echo "Creating a fresh test database $DB (addon + demo data)…"
dropdb --if-exists "$DB"
"$PYTHON" "$ODOO_BIN" --addons-path="$ADDONS_PATH" -d "$DB" -i crm_sales_process \
    --stop-after-init --log-level=warn --max-cron-threads=0 \
    || die "installing crm_sales_process into $DB failed (see the log above)."

# pytest must see the addon under its own name, not the checkout folder.
cd "${TMPDIR:-/tmp}"
export PYTHONPATH="$ROOT/scripts${PYTHONPATH:+:$PYTHONPATH}"
exec "$PYTHON" -m pytest "$ADDONS_DIR/crm_sales_process/tests" -p no:cacheprovider -p pytest_no_skip -rfEs \
    --odoo-database="$DB" --odoo-addons-path="$ADDONS_PATH" --odoo-http --odoo-log-level=warn "$@"
