# shellcheck shell=bash
# Step of tools/run-tests: pytest (pytest-odoo) on the add-on's tests and on
# the system tests, or only on the paths given. Sourced; needs common.sh.

# run_pytest CONF DB ADDON ARGS...: returns pytest's exit code.
run_pytest() {
    local conf=$1 db=$2 addon=$3 arg rc=0 user_paths=0
    shift 3
    local paths=()
    for arg in "$@"; do
        if [[ $arg != -* && -e ${arg%%::*} ]]; then
            user_paths=1
        fi
    done
    if [[ $user_paths == 0 ]]; then
        [[ -d $addon/tests ]] && paths+=("$addon/tests")
        [[ -d tests ]] && paths+=(tests)
        if [[ ${#paths[@]} == 0 ]]; then
            die 5 "no test directories ($addon/tests, tests)"
        fi
    fi
    SECONDS=0
    run_child "$PY" -m pytest --odoo-config="$conf" --odoo-database="$db" --odoo-http \
        "${paths[@]}" "$@" || rc=$?
    if [[ $rc == 5 ]]; then
        printf "run-tests: ERROR: pytest ran no tests (exit code 5)\n" >&2
    fi
    log "pytest: exit code $rc in ${SECONDS}s"
    return "$rc"
}
