# shellcheck shell=bash
# Steps of tools/run-tests before any database: find the Odoo 18.0 python,
# pip-install the requirements, lint. Sourced; needs common.sh.

# check_odoo: PY must import Odoo 18.0; PY becomes its absolute path, and
# its console scripts (ruff, pylint for pre-commit) come first in PATH.
check_odoo() {
    local check serie
    if ! command -v "$PY" >/dev/null 2>&1; then
        die 2 "python '$PY' not found; set ODOO_PYTHON to a python that has Odoo 18.0"
    fi
    if ! check=$("$PY" -c 'import sys, odoo.release as r
print(r.serie, r.version, sys.executable)' 2>&1); then
        die 2 "'$PY' cannot import odoo ($(tail -n 1 <<<"$check")): install Odoo 18.0 for it, or set ODOO_PYTHON to a python that has Odoo 18.0"
    fi
    read -r serie _ _ <<<"$check"
    if [[ $serie != 18.0 ]]; then
        die 2 "'$PY' has Odoo $serie; this project needs Odoo 18.0 (set ODOO_PYTHON)"
    fi
    read -r _ ODOO_VERSION PY <<<"$check"
    export ODOO_PYTHON="$PY"
    PATH="$("$PY" -c 'import sysconfig; print(sysconfig.get_path("scripts"))'):$PATH"
    export PATH
    log "python: $PY (Odoo $ODOO_VERSION)"
}

# pip_requirements WITH_LINT: install requirements*.txt (lint tools too
# when WITH_LINT is 1).
pip_requirements() {
    local reqs=(-r requirements.txt -r requirements-test.txt)
    if [[ $1 == 1 ]]; then
        reqs+=(-r requirements-lint.txt)
    fi
    log "pip install ${reqs[*]}"
    SECONDS=0
    "$PY" -m pip install --quiet --disable-pip-version-check \
        --root-user-action=ignore "${reqs[@]}" ||
        die 1 "pip install failed"
    log "pip done (${SECONDS}s)"
}

lint() {
    log "lint: pre-commit run --all-files"
    SECONDS=0
    if ! "$PY" -m pre_commit run --all-files --show-diff-on-failure --color=never; then
        die 1 "lint failed (fix it, or SKIP_LINT=1 to run the tests anyway)"
    fi
    log "lint passed (${SECONDS}s)"
}
