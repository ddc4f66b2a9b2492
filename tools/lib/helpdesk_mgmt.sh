# shellcheck shell=bash
# Step of tools/run-tests: helpdesk_mgmt's own tests, post-install, in a
# database where helpdesk_expedite is installed (a copy of the test
# database): the add-on must keep helpdesk_mgmt's behaviour wherever its
# hardening does not need to change it. Sourced; needs common.sh and
# odoo_runner.sh.
#
# Two runs, because neither runner alone runs them all post-install:
#  - pytest-odoo runs every Python test of helpdesk_mgmt with the complete
#    registry. Most of them are at_install tests: Odoo's runner, on an
#    installed database, runs those while loading helpdesk_mgmt, before
#    helpdesk_expedite is in the registry, and they cannot create a ticket
#    there (the add-on's required columns are in the database, its defaults
#    are not in the registry yet). test_js.py is left out: it imports Odoo's
#    WebSuite, whose whole web client suite pytest would collect and run too
#    (Odoo's loader only runs the test methods a module's own classes define).
#  - Odoo's runner runs its post_install tests (portal, and the JavaScript
#    test in Chromium): --test-tags post_install/helpdesk_mgmt. The
#    JavaScript test asks Odoo's WebSuite for helpdesk_mgmt's unit tests
#    only; an Odoo whose WebSuite cannot filter them (nightly 2024-10-02)
#    would run the whole web client suite instead (thousands of tests, up to
#    30 minutes, not helpdesk_mgmt's): there it is left out, with a notice.

# helpdesk_mgmt_tests_dir CONF: the tests directory of the helpdesk_mgmt the
# configuration's add-ons path loads.
helpdesk_mgmt_tests_dir() {
    "$PY" - "$1" <<'EOF'
import os
import sys

from odoo.modules.module import get_module_path
from odoo.tools import config

config.parse_config(["-c", sys.argv[1]])
path = get_module_path("helpdesk_mgmt", display_warning=False)
if not path or not os.path.isdir(os.path.join(path, "tests")):
    sys.exit("helpdesk_mgmt or its tests not found in the add-ons path")
print(os.path.join(path, "tests"))
EOF
}

# web_suite_filters_modules: whether Odoo's WebSuite runs the unit tests of
# one module only (what helpdesk_mgmt's test_js.py asks it).
web_suite_filters_modules() {
    "$PY" -c 'import sys
from odoo.addons.web.tests.test_js import WebSuite
sys.exit(not hasattr(WebSuite, "get_hoot_filters"))' 2>/dev/null
}

# run_helpdesk_mgmt_tests CONF DB LOG_DIR: both runs on DB (CONF must name
# it: its dbfilter serves the HTTP tests); returns non-zero when one failed.
run_helpdesk_mgmt_tests() {
    local conf=$1 db=$2 log_dir=$3 tests rc=0 step_rc=0
    local tags=post_install/helpdesk_mgmt
    tests=$(helpdesk_mgmt_tests_dir "$conf") || return 1
    log "helpdesk_mgmt's tests with the add-on installed, in $db ($tests)"
    if ! web_suite_filters_modules; then
        tags+=",-/helpdesk_mgmt:TestHelpdesMgmtJs"
        log "NOTICE: helpdesk_mgmt's JavaScript test left out: this Odoo's WebSuite cannot run one module's unit tests, it would run the whole web client suite"
    fi
    SECONDS=0
    # Odoo's runner first: it builds the asset bundles into this database
    # once, for the later runs of Odoo's runner in it.
    odoo_runner "$conf" "$db" "$tags" "$log_dir/helpdesk_mgmt-odoo.log" || step_rc=$?
    log "helpdesk_mgmt post_install tests (Odoo's runner): $([[ $step_rc == 0 ]] && echo passed || echo FAILED) in ${SECONDS}s"
    rc=$step_rc
    step_rc=0
    SECONDS=0
    run_child "$PY" -m pytest -c "$REPO_ROOT/pyproject.toml" --rootdir "$REPO_ROOT" \
        --odoo-config="$conf" --odoo-database="$db" --odoo-http -q \
        --ignore="$tests/test_js.py" "$tests" || step_rc=$?
    log "helpdesk_mgmt Python tests (pytest): $([[ $step_rc == 0 ]] && echo passed || echo FAILED) in ${SECONDS}s"
    [[ $rc == 0 ]] || return "$rc"
    return "$step_rc"
}
