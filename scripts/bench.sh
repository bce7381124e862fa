#!/usr/bin/env bash
# make bench: the figures of issue 11, core Odoo against core Odoo + this addon, in one run.
#
# Builds (once, cached) scratch databases without demo data:
#   csp_bench_base        crm, sale_crm, sale_project, survey and the tier validation modules (the template)
#   csp_bench_core        csp_bench_base + the bench fixture (a salesman, the "Bench" team, 400 opportunities)
#   csp_bench_addon       csp_bench_base + crm_sales_process + the same fixture
#   csp_bench_*_100k      copies of the two above + 100,000 leads seeded in SQL, 10 % won and 20 % lost (and, in
#                         the addon one, their grades, ≈ 300,000 follow-ups, 1,000,000 stage-history rows and
#                         100,000 customer needs)
# then measures the same work on core and addon in alternating worker processes (scripts/bench_measure.py),
# and finally the re-grade vs predictive lead scoring figure (scripts/bench.py) on a throw-away copy.
# Each database keeps its cache key in ir.config_parameter (crm_sales_process.bench_key): the core ones are
# rebuilt when Odoo's version or the module list changes, the addon ones when the addon's source changes.
# Options (after make bench ARGS=... or bash scripts/bench.sh ...): --rounds N, --reps N, --quick, --rebuild,
# --no-scale, --no-regrade.
source "$(dirname "$0")/env.sh"

PREFIX=csp_bench
CORE_MODULES="crm,sale_crm,sale_project,survey,base_tier_validation,sale_tier_validation"
KEY_PARAM="crm_sales_process.bench_key"
SCRIPTS="$ROOT/scripts"

REBUILD=0
SCALE=1
REGRADE=1
MEASURE_ARGS=()
while [ $# -gt 0 ]; do
    case "$1" in
        --rebuild) REBUILD=1 ;;
        --no-scale) SCALE=0; MEASURE_ARGS+=("$1") ;;
        --no-regrade) REGRADE=0 ;;
        *) MEASURE_ARGS+=("$1") ;;
    esac
    shift
done

prepare
export PGOPTIONS="--client-min-messages=warning"
BENCH_START=$SECONDS

db_exists() { [ "$(psql -d postgres -Atc "SELECT 1 FROM pg_database WHERE datname = '$1'")" = 1 ]; }
db_key() {
    db_exists "$1" || return 0
    psql -d "$1" -Atc "SELECT value FROM ir_config_parameter WHERE key = '$KEY_PARAM'" 2>/dev/null || true
}
set_key() {
    psql -d "$1" -qAtc "INSERT INTO ir_config_parameter (key, value, create_date, write_date, create_uid, write_uid)
        VALUES ('$KEY_PARAM', '$2', now() at time zone 'UTC', now() at time zone 'UTC', 1, 1)
        ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value" >/dev/null
}
sha() { sha1sum | cut -c1-16; }
FILESTORE_ROOT="$("$PYTHON" -c 'import odoo; odoo.tools.config.parse_config([]); print(odoo.tools.config.filestore(""))')"
drop_db() {
    dropdb --if-exists "$1"
    rm -rf "${FILESTORE_ROOT:?}/$1"
}
# createdb -T copies the tables, not the attachments' files: copy them too.
copy_db() {
    drop_db "$2"
    createdb -T "$1" "$2"
    if [ -d "$FILESTORE_ROOT/$1" ]; then
        mkdir -p "$FILESTORE_ROOT"
        cp -a "$FILESTORE_ROOT/$1" "$FILESTORE_ROOT/$2"
    fi
}
fixture() { "$PYTHON" "$SCRIPTS/bench_fixture.py" --addons-path "$ADDONS_PATH" "$@"; }

# --- cache keys -----------------------------------------------------------------------------------------
ODOO_ID="$("$PYTHON" - "$CORE_MODULES" "$ADDONS_PATH" <<'EOF'
import sys
import odoo.release
from odoo.modules.module import get_manifest
odoo.tools.config.parse_config([f"--addons-path={sys.argv[2]}"])
print(odoo.release.version, sys.argv[1], *(f"{m}={get_manifest(m).get('version')}" for m in sys.argv[1].split(",")))
EOF
)" || die "cannot read Odoo's version"
# The addon as installed: every file Odoo loads (committed or not), not its scripts, tests or docs.
ADDON_ID="$(cd "$ROOT" && find . \( -path ./.git -o -path ./scripts -o -path ./tests -o -path ./.logs \) -prune -o \
    -type f \( -name '*.py' -o -name '*.xml' -o -name '*.csv' -o -name '*.js' -o -name '*.scss' \) -print0 \
    | sort -z | xargs -0 sha1sum | sha)"
FIXTURE_ID="$(sha <"$SCRIPTS/bench_fixture.py")"
BASE_KEY="base-$(echo "$ODOO_ID" | sha)"
CORE_KEY="core-$(echo "$BASE_KEY $FIXTURE_ID" | sha)"
ADDON_KEY="addon-$(echo "$BASE_KEY $FIXTURE_ID $ADDON_ID" | sha)"
CORE_100K_KEY="core100k-$(echo "$CORE_KEY" | sha)"
ADDON_100K_KEY="addon100k-$(echo "$ADDON_KEY" | sha)"
if [ "$REBUILD" = 1 ]; then
    echo "--rebuild: every bench database is built again."
    for db in base core addon core_100k addon_100k; do drop_db "${PREFIX}_$db"; done
fi

# --- the databases ---------------------------------------------------------------------------------------
BASE="${PREFIX}_base"
if [ "$(db_key "$BASE")" != "$BASE_KEY" ]; then
    echo "== Building $BASE: $CORE_MODULES without demo data (Odoo $ODOO_ID)…"
    drop_db "$BASE"
    odoo_init "bench-$BASE" "installing the core modules into $BASE" -d "$BASE" -i "$CORE_MODULES" \
        --without-demo=all --max-cron-threads=0
    set_key "$BASE" "$BASE_KEY"
else
    echo "== $BASE is up to date (key $BASE_KEY)."
fi

CORE="${PREFIX}_core"
if [ "$(db_key "$CORE")" != "$CORE_KEY" ]; then
    echo "== Building $CORE: copy of $BASE + the bench fixture…"
    copy_db "$BASE" "$CORE"
    fixture --database "$CORE" fixture
    set_key "$CORE" "$CORE_KEY"
else
    echo "== $CORE is up to date (key $CORE_KEY)."
fi

ADDON="${PREFIX}_addon"
if [ "$(db_key "$ADDON")" != "$ADDON_KEY" ]; then
    echo "== Building $ADDON: copy of $BASE + crm_sales_process + the bench fixture (the addon's source changed)…"
    copy_db "$BASE" "$ADDON"
    odoo_init "bench-$ADDON" "installing crm_sales_process into $ADDON" -d "$ADDON" -i crm_sales_process \
        --without-demo=all --max-cron-threads=0
    fixture --database "$ADDON" fixture
    set_key "$ADDON" "$ADDON_KEY"
else
    echo "== $ADDON is up to date (key $ADDON_KEY)."
fi

if [ "$SCALE" = 1 ]; then
    for pair in "$CORE:$CORE_100K_KEY" "$ADDON:$ADDON_100K_KEY"; do
        small="${pair%%:*}"
        key="${pair#*:}"
        big="${small}_100k"
        if [ "$(db_key "$big")" != "$key" ]; then
            echo "== Building $big: copy of $small + 100,000 leads seeded in SQL (a few minutes)…"
            copy_db "$small" "$big"
            fixture --database "$big" scale
            set_key "$big" "$key"
        else
            echo "== $big is up to date (key $key)."
        fi
    done
fi
echo "== Databases ready after $((SECONDS - BENCH_START)) s."

# --- the measures ----------------------------------------------------------------------------------------
"$PYTHON" "$SCRIPTS/bench_measure.py" --addons-path "$ADDONS_PATH" --prefix "$PREFIX" \
    ${MEASURE_ARGS[@]+"${MEASURE_ARGS[@]}"}

if [ "$REGRADE" = 1 ]; then
    REGRADE_DB="${PREFIX}_regrade"
    echo
    echo "== Re-grade vs predictive lead scoring (scripts/bench.py, on $REGRADE_DB, a throw-away copy of $ADDON)"
    copy_db "$ADDON" "$REGRADE_DB"
    set +e
    "$PYTHON" "$SCRIPTS/bench.py" --database "$REGRADE_DB" --addons-path "$ADDONS_PATH"
    rc=$?
    set -e
    drop_db "$REGRADE_DB"
    [ "$rc" = 0 ] || die "the re-grade benchmark failed (status $rc)."
fi
echo
echo "make bench done in $((SECONDS - BENCH_START)) s."
