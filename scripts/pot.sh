#!/usr/bin/env bash
# make pot: regenerate i18n/crm_sales_process.pot from the code (an Odoo export),
# then merge it into i18n/zh_CN.po, keeping the translations that still apply.
source "$(dirname "$0")/env.sh"
DB="${POT_DB:-crm_sales_process_pot}"

prepare

dropdb --if-exists "$DB"
odoo_init "$DB-install" "installing crm_sales_process into $DB" -d "$DB" -i crm_sales_process --without-demo=all
odoo_init "$DB-export" "exporting the terms of crm_sales_process" -d "$DB" --modules=crm_sales_process \
    --i18n-export="$ROOT/i18n/crm_sales_process.pot"
dropdb --if-exists "$DB"
"$PYTHON" "$ROOT/scripts/po_merge.py" "$ROOT/i18n/crm_sales_process.pot" "$ROOT/i18n/zh_CN.po"
