#!/usr/bin/env bash
# make run: a demo database (created once) served at http://localhost:8069, with the mail catcher
# on 127.0.0.1:1025 keeping the mails Odoo sends in .mail/ (read them with make mail).
source "$(dirname "$0")/env.sh"
DB="${DB:-crm_sales_process_demo}"
PORT="${PORT:-8069}"
MAIL_HOST=127.0.0.1
MAIL_PORT=1025   # the demo's mail server (demo/ir_mail_server_demo.xml) sends here
# Odoo's SMTP server when a database has no mail server record: the mails the other modules' demo data
# send while the database is built (before this addon's demo adds its record), and databases built
# before that record existed, go to the mail catcher too.
SMTP_ARGS=(--smtp="$MAIL_HOST" --smtp-port="$MAIL_PORT")

prepare
require_runtime run

# The mail catcher lives as long as this script: started before anything else, stopped on any exit.
ODOO_PID=""
MAIL_PID=""
stop_children() {
    [ -z "$ODOO_PID" ] || kill "$ODOO_PID" 2>/dev/null || true
    [ -z "$MAIL_PID" ] || kill "$MAIL_PID" 2>/dev/null || true
    wait 2>/dev/null || true
}
trap stop_children EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
MAILCATCHER=("$PYTHON" "$ROOT/scripts/mailcatcher.py")
mail_catcher_answers() { "${MAILCATCHER[@]}" ping --host "$MAIL_HOST" --port "$MAIL_PORT"; }
if mail_catcher_answers; then
    MAIL_NOTE="Mails sent by Odoo go to the mail catcher already listening on $MAIL_HOST:$MAIL_PORT (another make run)."
else
    "${MAILCATCHER[@]}" serve --host "$MAIL_HOST" --port "$MAIL_PORT" &
    MAIL_PID=$!
    for _ in $(seq 50); do
        mail_catcher_answers && break
        kill -0 "$MAIL_PID" 2>/dev/null || break
        sleep 0.2
    done
    if mail_catcher_answers; then
        MAIL_NOTE="Mails sent by Odoo are caught, not delivered: they go to ${MAILCATCHER_DIR:-$ROOT/.mail}/ (make mail shows them)."
    else
        MAIL_NOTE="WARNING: the mail catcher did not start (see above): mails sent by Odoo go to whatever listens on $MAIL_HOST:$MAIL_PORT, or fail."
    fi
fi

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
# A database whose creation did not finish (failed, interrupted, killed) is dropped and made again:
# served as it is, it would lack demo data or worse.
CREATING="$LOG_DIR/$DB.creating"
if [ -e "$CREATING" ]; then
    echo "The creation of $DB did not finish last time: dropping it to create it again…"
    dropdb --if-exists "$DB"
    rm -f "$CREATING"
fi
if ! psql -d postgres -Atc "select 1 from pg_database where datname = '$DB'" | grep -q 1; then
    echo "Creating the database $DB with demo data and zh_CN (first run only, a few minutes)…"
    mkdir -p "$LOG_DIR"
    touch "$CREATING"
    ( odoo_init "$DB-install" "creating $DB (crm_sales_process, demo data, zh_CN)" \
        -d "$DB" -i crm_sales_process --load-language=zh_CN "${SMTP_ARGS[@]}" ) \
        || { dropdb --if-exists "$DB"; rm -f "$CREATING"; die "$DB was not created (dropped again: the next make run retries)."; }
    save_stamp
    rm -f "$CREATING"
fi

DONE="$(psql -d "$DB" -Atc "select value from ir_config_parameter where key = 'crm_sales_process.code_stamp'")"
if [ "$STAMP" != "$DONE" ]; then
    echo "Upgrading crm_sales_process in $DB to this checkout (your data is kept; demo records of"
    echo "new features only come with a rebuilt database: RESET=1 make run)…"
    # On failure the stamp stays old: the next run tries the upgrade again.
    odoo_init "$DB-upgrade" "upgrading crm_sales_process in $DB" -d "$DB" -u crm_sales_process "${SMTP_ARGS[@]}"
    save_stamp
fi
echo "Odoo is starting: http://localhost:$PORT (login admin / password admin, database $DB)"
echo "$MAIL_NOTE"
"$PYTHON" "$ODOO_BIN" --addons-path="$ADDONS_PATH" -d "$DB" --db-filter="^$DB\$" \
    --http-port="$PORT" --log-level=info "${SMTP_ARGS[@]}" </dev/null &
ODOO_PID=$!
wait "$ODOO_PID"
