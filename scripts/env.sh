#!/usr/bin/env bash
# Shared by the make targets: find Odoo and PostgreSQL, fail loudly with the
# way out when one is missing, and expose this checkout to Odoo as the addon
# `crm_sales_process`. It installs no Odoo source, ever.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
PYTHON="${PYTHON:-python3}"

die() { echo "ERROR: $*" >&2; exit 1; }

require_odoo() {
    local version
    version="$("$PYTHON" -c 'import odoo.release as r; print(r.version)' 2>/dev/null)" \
        || die "Odoo is missing: '$PYTHON' cannot import odoo. Install Odoo 18.0 from source (README, section 'Install') and retry."
    case "$version" in
        18.0*) ;;
        *) die "Odoo $version found, but this addon needs Odoo 18.0 (README, section 'Install')." ;;
    esac
    ODOO_BIN="$("$PYTHON" -c 'import odoo, os; print(os.path.join(os.path.dirname(os.path.dirname(odoo.__file__)), "odoo-bin"))')"
    [ -f "$ODOO_BIN" ] || die "odoo-bin not found next to the odoo package ($ODOO_BIN): install Odoo 18.0 from source (README)."
}

require_postgres() {
    if command -v pg_lsclusters >/dev/null 2>&1; then
        local cluster
        cluster="$(pg_lsclusters --no-header 2>/dev/null | head -n1)"
        [ -n "$cluster" ] || die "PostgreSQL has no cluster: run 'pg_createcluster 15 main' (Debian) and retry."
        set -- $cluster
        if [ "$4" != "online" ]; then
            echo "Starting PostgreSQL cluster $1/$2…"
            pg_ctlcluster "$1" "$2" start || die "PostgreSQL $1/$2 did not start: see /var/log/postgresql/."
        fi
    elif ! command -v pg_isready >/dev/null 2>&1; then
        die "PostgreSQL is missing: install it (Debian: apt-get install postgresql) and retry."
    fi
    pg_isready -q || die "PostgreSQL does not answer on its default socket: start it and retry."
    local me
    me="$(id -un)"
    if ! psql -d postgres -Atc 'select 1' >/dev/null 2>&1; then
        if [ "$(id -u)" = 0 ] && id postgres >/dev/null 2>&1; then
            su postgres -c "createuser -s '$me'" >/dev/null 2>&1 || true
        fi
        psql -d postgres -Atc 'select 1' >/dev/null 2>&1 \
            || die "PostgreSQL role '$me' is missing: run 'sudo -u postgres createuser -s $me' and retry."
    fi
}

require_oca() {
    if ! "$PYTHON" -c 'import odoo.addons.base_tier_validation, odoo.addons.sale_tier_validation' >/dev/null 2>&1; then
        echo "Installing the OCA dependencies (requirements-oca.txt)…"
        # --no-deps: the OCA wheels name the odoo distribution, which a source install does not register.
        "$PYTHON" -m pip install --quiet --no-deps -r "$ROOT/requirements-oca.txt" \
            || die "could not pip install the OCA modules of requirements-oca.txt."
    fi
}

# The checkout may have any folder name; Odoo needs a folder named after the addon.
link_addon() {
    ADDONS_DIR="${TMPDIR:-/tmp}/crm_sales_process_addons"
    mkdir -p "$ADDONS_DIR"
    ln -sfn "$ROOT" "$ADDONS_DIR/crm_sales_process"
    ADDONS_PATH="$("$PYTHON" -c 'import odoo, os; print(os.path.join(os.path.dirname(odoo.__file__), "addons"))'),$ADDONS_DIR"
}

# Everything a target needs before it talks to Odoo.
prepare() {
    require_odoo
    require_postgres
    require_oca
    link_addon
}
