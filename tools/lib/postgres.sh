# shellcheck shell=bash
# Step of tools/run-tests: a PostgreSQL server. Either the one in the PG*
# variables, or a throwaway cluster in RUN_DIR (socket only, no TCP port,
# no fsync), stopped and removed on exit. Sourced; needs common.sh.

find_pg_bin() {
    local d
    if command -v pg_config >/dev/null 2>&1; then
        d=$(pg_config --bindir 2>/dev/null || true)
        if [[ -x $d/initdb && -x $d/pg_ctl ]]; then
            echo "$d"
            return
        fi
    fi
    for d in $(printf '%s\n' /usr/lib/postgresql/*/bin | sort -t/ -k5,5 -rn); do
        if [[ -x $d/initdb && -x $d/pg_ctl ]]; then
            echo "$d"
            return
        fi
    done
    if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
        dirname "$(command -v initdb)"
        return
    fi
    return 1
}

PG_BIN=
PG_DIR=
PG_STARTED=0

as_pg() { "$@"; }

pg_stop() {
    [[ $PG_STARTED == 1 ]] || return 0
    PG_STARTED=0
    local data=$PG_DIR/data pid
    if ! as_pg "$PG_BIN/pg_ctl" -D "$data" -m fast -w -t 60 stop >/dev/null 2>&1; then
        as_pg "$PG_BIN/pg_ctl" -D "$data" -m immediate -w -t 30 stop >/dev/null 2>&1 || true
    fi
    if [[ -f $data/postmaster.pid ]]; then
        pid=$(head -n1 "$data/postmaster.pid" 2>/dev/null || true)
        [[ $pid =~ ^[0-9]+$ ]] && kill -KILL "$pid" 2>/dev/null || true
    fi
}

# pg_os_user: initdb and postgres refuse to run as root; pick (or create)
# an unprivileged user for them.
pg_os_user() {
    local user=postgres
    if ! id -u "$user" >/dev/null 2>&1; then
        user=odoo-pgtest
        if ! id -u "$user" >/dev/null 2>&1; then
            useradd --system --no-create-home --shell /usr/sbin/nologin "$user" ||
                die 2 "cannot create user $user to run PostgreSQL"
        fi
    fi
    echo "$user"
}

# pg_throwaway DIR: start a private cluster in DIR; export PG* for it.
pg_throwaway() {
    PG_DIR=$1
    PG_BIN=$(find_pg_bin) ||
        die 2 "no PostgreSQL server binaries (initdb, pg_ctl) found; install them or set PGHOST/PGPORT/PGUSER/PGPASSWORD"
    mkdir -p "$PG_DIR"
    if [[ $(id -u) == 0 ]]; then
        PG_OS_USER=$(pg_os_user)
        chown "$PG_OS_USER" "$PG_DIR"
        chmod 700 "$PG_DIR"
        as_pg() { (cd "$PG_DIR" && runuser -u "$PG_OS_USER" -- "$@"); }
    fi
    # No TCP: the port only names the socket file in this private directory.
    local port=5432
    log "postgres: throwaway cluster in $PG_DIR (socket only, $PG_BIN)"
    as_pg "$PG_BIN/initdb" -D "$PG_DIR/data" -A trust -U odoo -E UTF8 --no-locale \
        --no-sync >"$PG_DIR/initdb.log" 2>&1 || {
        cat "$PG_DIR/initdb.log" >&2
        die 2 "initdb failed"
    }
    PG_STARTED=1
    at_exit pg_stop
    as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 \
        -o "-c listen_addresses='' -k $PG_DIR -p $port -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
        start >/dev/null || {
        cat "$PG_DIR/server.log" >&2 || true
        die 2 "PostgreSQL did not start"
    }
    export PGHOST="$PG_DIR" PGPORT="$port" PGUSER=odoo
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
