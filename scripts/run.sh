#!/usr/bin/env bash
# make run: a demo database (created once) served at http://localhost:8069.
source "$(dirname "$0")/env.sh"
DB="${DB:-crm_sales_process_demo}"
PORT="${PORT:-8069}"

prepare

# The addon's code as of this checkout: a database made by an older one is upgraded once.
STAMP="$(cd "$ROOT" && find __manifest__.py models views wizards reports data demo security controllers i18n static \
    -type f -print0 | sort -z | xargs -0 sha1sum | sha1sum | cut -c1-40)"
save_stamp() {
    psql -q -d "$DB" -c "insert into ir_config_parameter (key, value) values ('crm_sales_process.code_stamp', '$STAMP')
        on conflict (key) do update set value = excluded.value"
}

if [ "${RESET:-0}" = 1 ]; then
    echo "RESET=1: dropping $DB to rebuild it with the current demo data…"
    dropdb --if-exists "$DB"
fi
if ! psql -d postgres -Atc "select 1 from pg_database where datname = '$DB'" | grep -q 1; then
    echo "Creating the database $DB with demo data and zh_CN (first run only, a few minutes)…"
    "$PYTHON" "$ODOO_BIN" --addons-path="$ADDONS_PATH" -d "$DB" -i crm_sales_process \
        --load-language=zh_CN --stop-after-init --log-level=warn
    save_stamp
fi

DONE="$(psql -d "$DB" -Atc "select value from ir_config_parameter where key = 'crm_sales_process.code_stamp'")"
if [ "$STAMP" != "$DONE" ]; then
    echo "Upgrading crm_sales_process in $DB to this checkout (your data is kept; demo records of"
    echo "new features only come with a rebuilt database: RESET=1 make run)…"
    "$PYTHON" "$ODOO_BIN" --addons-path="$ADDONS_PATH" -d "$DB" -u crm_sales_process \
        --stop-after-init --log-level=warn
    save_stamp
fi
echo "Odoo is starting: http://localhost:$PORT (login admin / password admin, database $DB)"
exec "$PYTHON" "$ODOO_BIN" --addons-path="$ADDONS_PATH" -d "$DB" --db-filter="^$DB\$" \
    --http-port="$PORT" --log-level=info
