#!/usr/bin/env bash
# make test: a fresh database, the addon with demo data, the whole suite with pytest-odoo.
source "$(dirname "$0")/env.sh"
DB="${TEST_DB:-crm_sales_process_test}"

prepare
# Odoo's browser tests skip themselves without Chromium; here a skip is a failure.
require_runtime test

echo "Creating a fresh test database $DB (addon + demo data)…"
dropdb --if-exists "$DB"
odoo_init "$DB-install" "installing crm_sales_process with demo data into $DB" \
    -d "$DB" -i crm_sales_process --max-cron-threads=0

# pytest must see the addon under its own name, not the checkout folder.
cd "${TMPDIR:-/tmp}"
export PYTHONPATH="$ROOT/scripts${PYTHONPATH:+:$PYTHONPATH}"
exec "$PYTHON" -m pytest "$ADDONS_DIR/crm_sales_process/tests" -p no:cacheprovider -p pytest_no_skip -rfEs \
    --odoo-database="$DB" --odoo-addons-path="$ADDONS_PATH" --odoo-http --odoo-log-level=warn "$@"
