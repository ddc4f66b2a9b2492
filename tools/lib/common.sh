# shellcheck shell=bash
# Shared by the steps of tools/run-tests: messages, child processes, cleanup.
# Sourced, not run; needs REPO_ROOT.

log() { printf 'run-tests: %s\n' "$*"; }
die() {
    local rc=$1
    shift
    printf 'run-tests: ERROR: %s\n' "$*" >&2
    exit "$rc"
}

CHILD_PID=
CLEANUPS=()

# at_exit CMD...: run CMD (a function name and its words) on exit, last
# registered first.
at_exit() { CLEANUPS=("$*" "${CLEANUPS[@]}"); }

stop_child() {
    local pid=$CHILD_PID sig n
    [[ -n $pid ]] || return 0
    CHILD_PID=
    # The child leads its own process group (setsid): signal the group so
    # its own children (browsers, servers) go too.
    for sig in INT TERM KILL; do
        kill -s "$sig" -- "-$pid" 2>/dev/null || return 0
        for ((n = 0; n < 50; n++)); do
            kill -0 -- "-$pid" 2>/dev/null || return 0
            sleep 0.2
        done
    done
}

_cleanup() {
    local rc=$? cmd
    trap - EXIT INT TERM
    stop_child
    for cmd in "${CLEANUPS[@]}"; do
        $cmd || true
    done
    exit "$rc"
}

# install_traps: whatever happens, stop what we started (see at_exit).
install_traps() {
    trap _cleanup EXIT
    exec 3>&2 # the traps report here even while a step's output is redirected
    trap 'printf "\nrun-tests: interrupted\n" >&3; exit 130' INT
    trap 'printf "\nrun-tests: terminated\n" >&3; exit 143' TERM
}

# run_child CMD...: run CMD in its own process group and wait for it, so
# that a signal to this script reaches it and all it started (stop_child).
run_child() {
    local rc=0
    setsid "$@" &
    CHILD_PID=$!
    wait "$CHILD_PID" || rc=$?
    CHILD_PID=
    return "$rc"
}

# py_tool NAME ARGS...: run tools/lib/NAME.py with the Odoo python.
py_tool() {
    local name=$1
    shift
    "$PY" "$REPO_ROOT/tools/lib/$name.py" "$@"
}
