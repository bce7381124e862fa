#!/usr/bin/env bash
# make bench: the benchmarks of the issues, in a scratch database.
source "$(dirname "$0")/env.sh"
DB="${BENCH_DB:-crm_sales_process_bench}"

prepare

dropdb --if-exists "$DB"
odoo_init "$DB-install" "installing crm_sales_process into $DB" -d "$DB" -i crm_sales_process --without-demo=all
"$PYTHON" "$ROOT/scripts/bench.py" --database "$DB" --addons-path "$ADDONS_PATH" "$@"
