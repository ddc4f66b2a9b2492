"""Maintenance statements for tools/run-tests on the PostgreSQL server named
by the usual PG* variables (libpq reads them).

    pg_admin.py drop DB [DB...]     drop these databases if they exist
    pg_admin.py copy SOURCE TARGET  (re)create TARGET as a copy of SOURCE

Waits up to a minute for the server first: a docker-compose database may
still be starting. Exits non-zero with one line on stderr when it fails.
"""

import sys
import time

import psycopg2
from harness import copy_db, drop_db

WAIT_SECONDS = 60
# Errors worth a retry: the server (or its host name) may not be up yet.
TRANSIENT = (
    "could not connect",
    "connection refused",
    "starting up",
    "could not translate host name",
    "no such file or directory",
    "timeout expired",
)


def connect():
    for attempt in range(WAIT_SECONDS):
        try:
            return psycopg2.connect(dbname="postgres")
        except psycopg2.OperationalError as exc:
            message = str(exc).strip()
            transient = any(t in message.lower() for t in TRANSIENT)
            if not transient or attempt == WAIT_SECONDS - 1:
                sys.exit(f"PostgreSQL not reachable: {message}")
            time.sleep(1)
    raise AssertionError("unreachable")


def main(argv):
    if len(argv) < 2 or argv[0] not in ("drop", "copy"):
        sys.exit(__doc__)
    action, names = argv[0], argv[1:]
    if action == "copy" and len(names) != 2:
        sys.exit("pg_admin.py copy takes SOURCE and TARGET")
    conn = connect()
    conn.autocommit = True
    try:
        with conn.cursor() as cr:
            if action == "drop":
                for name in names:
                    drop_db(cr, name)
            else:
                copy_db(cr, *names)
    except psycopg2.Error as exc:
        sys.exit(f"pg_admin.py {action} {' '.join(names)}: {str(exc).strip()}")
    finally:
        conn.close()


if __name__ == "__main__":
    main(sys.argv[1:])
