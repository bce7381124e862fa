#!/usr/bin/env bash
# make run: a demo database (created once) served at http://localhost:8069.
source "$(dirname "$0")/env.sh"
DB="${DB:-crm_sales_process_demo}"
PORT="${PORT:-8069}"

prepare

if ! psql -d postgres -Atc "select 1 from pg_database where datname = '$DB'" | grep -q 1; then
    echo "Creating the database $DB with demo data and zh_CN (first run only, a few minutes)…"
    "$PYTHON" "$ODOO_BIN" --addons-path="$ADDONS_PATH" -d "$DB" -i crm_sales_process \
        --load-language=zh_CN --stop-after-init --log-level=warn
fi
echo "Odoo is starting: http://localhost:$PORT (login admin / password admin, database $DB)"
exec "$PYTHON" "$ODOO_BIN" --addons-path="$ADDONS_PATH" -d "$DB" --db-filter="^$DB\$" \
    --http-port="$PORT" --log-level=info
