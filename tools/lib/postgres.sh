# shellcheck shell=bash
# Step of tools/run-tests: a PostgreSQL server. Either the one in the PG*
# variables, or a throwaway cluster in RUN_DIR (socket only, no TCP port,
# no fsync), stopped on exit: harness.py's Cluster, the one the other
# tools start too. Sourced; needs common.sh.

PG_DIR=
PG_STARTED=0

pg_stop() {
    [[ $PG_STARTED == 1 ]] || return 0
    PG_STARTED=0
    py_tool harness cluster-stop "$PG_DIR" >/dev/null 2>&1 || true
}

# pg_throwaway DIR: start a private cluster in DIR; export PG* for it.
pg_throwaway() {
    PG_DIR=$1
    local env_lines name value
    log "postgres: throwaway cluster in $PG_DIR (socket only)"
    PG_STARTED=1
    at_exit pg_stop
    env_lines=$(py_tool harness cluster-start "$PG_DIR") ||
        die 2 "no throwaway PostgreSQL (above); install the server binaries (initdb, pg_ctl) or set PGHOST/PGPORT/PGUSER/PGPASSWORD"
    while IFS='=' read -r name value; do
        [[ $name == PG* ]] && export "$name=$value"
    done <<<"$env_lines"
    unset PGPASSWORD PGDATABASE
}

# pg_server RUN_DIR: the PG* server if PGHOST is set, else a throwaway one.
pg_server() {
    if [[ -n ${PGHOST:-} ]]; then
        log "postgres: using PGHOST=$PGHOST PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-<default>}"
    else
        pg_throwaway "$1/pg"
    fi
}
