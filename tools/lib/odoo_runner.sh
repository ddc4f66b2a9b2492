# shellcheck shell=bash
# Step of tools/run-tests: the add-on's suite under Odoo's own test runner
# (odoo --test-tags, as OCA's CI runs it), in a copy of the test database;
# pytest-odoo runs the same tests in the pytest step. Also odoo_runner, which
# helpdesk_mgmt.sh uses. Sourced; needs common.sh.
#
# On a database where the modules are installed and no -i/-u is given,
# Odoo's runner runs the post_install tests that match the tags once the
# registry is complete, and the at_install ones while loading the matching
# module (with only the modules loaded before it in the registry). All the
# add-on's tests are post_install.

# odoo_runner CONF DB TAGS LOG: run Odoo's runner with TAGS on DB, its log
# in LOG, and judge the run from the log (tools/lib/odoo_test_log.py: Odoo's
# exit code is 0 when no test ran or when an ERROR was logged outside a
# test's assertions).
odoo_runner() {
    local conf=$1 db=$2 tags=$3 log_file=$4 rc=0
    run_child "$PY" -m odoo -c "$conf" -d "$db" --test-tags "$tags" \
        --stop-after-init --log-level=info >"$log_file" 2>&1 || rc=$?
    py_tool odoo_test_log "$log_file" "$rc"
}

# odoo_runner_tags ADDON MODE: the tags of MODE (full: the whole suite;
# fast: without the generated security matrix, which pytest runs anyway;
# parity: the classes tagged ADDON_parity, where the two runners have
# differed: query counts, tours and HTTP, the incident end to end, demo).
odoo_runner_tags() {
    case $2 in
    full) echo "/$1" ;;
    fast) echo "/$1,-${1}_security" ;;
    parity) echo "${1}_parity/$1" ;;
    *) return 1 ;;
    esac
}

# run_odoo_runner_pass CONF DB ADDON MODE LOG: the add-on's tests under
# Odoo's runner; returns non-zero when the run failed.
run_odoo_runner_pass() {
    local conf=$1 db=$2 addon=$3 mode=$4 log_file=$5 tags rc=0
    tags=$(odoo_runner_tags "$addon" "$mode") ||
        die 2 "ODOO_RUNNER=$mode: use full, fast, parity or 0"
    log "Odoo's runner ($mode): --test-tags $tags in $db"
    SECONDS=0
    odoo_runner "$conf" "$db" "$tags" "$log_file" || rc=$?
    log "Odoo's runner ($mode): $([[ $rc == 0 ]] && echo passed || echo FAILED) in ${SECONDS}s"
    return "$rc"
}
