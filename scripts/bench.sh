#!/usr/bin/env bash
# make bench: the benchmarks of the issues, in a scratch database.
source "$(dirname "$0")/env.sh"
DB="${BENCH_DB:-crm_sales_process_bench}"

prepare

dropdb --if-exists "$DB"
"$PYTHON" "$ODOO_BIN" --addons-path="$ADDONS_PATH" -d "$DB" -i crm_sales_process \
    --stop-after-init --log-level=warn --without-demo=all \
    || die "installing crm_sales_process into $DB failed."
"$PYTHON" "$ROOT/scripts/bench.py" --database "$DB" --addons-path "$ADDONS_PATH" "$@"
