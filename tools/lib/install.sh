# shellcheck shell=bash
# Step of tools/run-tests: install the add-on with demo data into a fresh
# database; its log must hold no WARNING, ERROR or CRITICAL record
# (checklog-odoo, configured in tools/checklog-odoo.cfg). Then copy the
# database for the system tests. Sourced; needs common.sh.

# odoo_config CONF DATA_DIR DB: write the Odoo configuration file.
odoo_config() {
    py_tool odoo_conf "$1" "$REPO_ROOT" "$2" "$3" ||
        die 2 "cannot write the Odoo configuration file $1"
}

# check_install_log LOG: show its records above INFO; fail if there is one
# (or no record at all).
check_install_log() {
    "$PY" -m checklog_odoo --config "$REPO_ROOT/tools/checklog-odoo.cfg" \
        --no-echo "$1" >&2
}

# install_addon CONF DB ADDON LOG [ODOO ARGS...]: odoo -i ADDON, then check LOG.
install_addon() {
    local conf=$1 db=$2 addon=$3 install_log=$4 rc=0
    shift 4
    "$PY" -c 'import checklog_odoo' 2>/dev/null ||
        die 2 "checklog-odoo is not installed for $PY: pip install -r requirements-test.txt (or run without SKIP_PIP=1)"
    log "installing $addon with demo data into database $db"
    SECONDS=0
    run_child "$PY" -m odoo -c "$conf" -d "$db" -i "$addon" --stop-after-init \
        --log-level=info "$@" >"$install_log" 2>&1 || rc=$?
    if [[ $rc != 0 ]]; then
        check_install_log "$install_log" || true
        tail -n 60 "$install_log" >&2
        die 1 "installing $addon failed (odoo exit code $rc)"
    fi
    check_install_log "$install_log" ||
        die 1 "installing $addon logged WARNING/ERROR/CRITICAL records (above); the install log must be clean"
    log "installed in ${SECONDS}s, clean log"
}

# copy_db CONF_DATA_DIR SOURCE TARGET: TARGET as a copy of SOURCE, with its
# filestore.
copy_db() {
    local data_dir=$1 source=$2 target=$3
    py_tool pg_admin copy "$source" "$target" ||
        die 1 "cannot copy database $source to $target"
    if [[ -d $data_dir/filestore/$source ]]; then
        rm -rf "$data_dir/filestore/$target"
        cp -a "$data_dir/filestore/$source" "$data_dir/filestore/$target"
    fi
}
