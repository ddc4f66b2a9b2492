"""Bounded lock waits: on exam day the database may hold a lock for long
(the scenario's own outage was a table lock). Requests and crons of the
add-on wait a few seconds at most, then answer "try again" or skip a run,
instead of hanging a worker.

Crons also meet rows another runner (a second cron worker, another server)
took meanwhile. Odoo's transactions are REPEATABLE READ: a row changed and
committed by another transaction after this one began cannot be locked or
written any more, PostgreSQL refuses with "could not serialize access due to
concurrent update". The other runner did that row's work; a cron skips the
row and goes on with the others (``lock_rows``, ``skip_when_locked``).
"""

import logging
import threading
from contextlib import contextmanager

from psycopg2.errors import LockNotAvailable
from psycopg2.extensions import TransactionRollbackError

from odoo.tools import SQL

_logger = logging.getLogger(__name__)

LOCK_TIMEOUT = "5s"
# Another transaction has the rows: it holds a lock past the bounded wait;
# it changed them since this transaction's snapshot (serialization failure);
# or the two wait for each other (deadlock, one of them is refused).
CONFLICTS = (LockNotAvailable, TransactionRollbackError)


def describe_conflict(error):
    """PostgreSQL's message, for the log."""
    diag = getattr(error, "diag", None)
    message = getattr(diag, "message_primary", None) or str(error) or repr(error)
    return message.strip().splitlines()[0]


@contextmanager
def bounded_lock_wait(cr, timeout=LOCK_TIMEOUT):
    """Run the block in a savepoint whose lock waits end after ``timeout``
    with ``LockNotAvailable`` (the savepoint is then rolled back). The
    previous limit is restored after the block: what follows (recording an
    outside effect, say) must not be undone by a timeout."""
    cr.execute("SELECT current_setting('lock_timeout')")
    previous = cr.fetchone()[0]
    try:
        with cr.savepoint():
            cr.execute("SELECT set_config('lock_timeout', %s, true)", [timeout])
            yield
    finally:
        cr.execute("SELECT set_config('lock_timeout', %s, true)", [previous])


@contextmanager
def skip_when_locked(cr, what):
    """For crons: leave ``what`` for the next run when a lock is held, or
    when another transaction changed its rows since this one began (the
    block's savepoint is rolled back; the transaction goes on)."""
    try:
        with bounded_lock_wait(cr):
            yield
    except CONFLICTS as error:
        _logger.info(
            "%s skipped (%s): another transaction has the rows, the next run "
            "catches up",
            what,
            describe_conflict(error),
        )


def lock_rows(cr, table, query, limit):
    """Lock up to ``limit`` rows of ``table`` among those ``query`` selects
    (an SQL selecting ``<table>.id``, in the order to process them); return
    their ids in that order. Rows another transaction holds are skipped
    (SKIP LOCKED), and so are rows it changed since this transaction began:
    one statement while nothing conflicts, then one row at a time. A lock
    wait past ``lock_timeout`` raises LockNotAvailable (``skip_when_locked``
    takes it), without an error in the log."""
    try:
        with cr.savepoint(flush=False):
            cr.execute(
                SQL(
                    "%s LIMIT %s FOR UPDATE OF %s SKIP LOCKED",
                    query,
                    limit,
                    SQL.identifier(table),
                ),
                log_exceptions=False,
            )
            return [row[0] for row in cr.fetchall()]
    except TransactionRollbackError as error:
        _logger.info(
            "Rows of %s changed by another transaction (%s): locking them one "
            "by one, skipping those",
            table,
            describe_conflict(error),
        )
    # the candidates as this transaction sees them, some taken meanwhile
    cr.execute(SQL("%s LIMIT %s", query, 3 * limit))
    locked = []
    for (row_id,) in cr.fetchall():
        if len(locked) >= limit:
            break
        if lock_row(cr, table, row_id):
            locked.append(row_id)
    return locked


def lock_ids(cr, table, ids):
    """``lock_rows`` of ``table`` among these ids, in the order of their ids."""
    query = SQL(
        "SELECT id FROM %s WHERE id = ANY(%s) ORDER BY id",
        SQL.identifier(table),
        list(ids),
    )
    return lock_rows(cr, table, query, len(ids))


def lock_row(cr, table, row_id):
    """Whether this transaction now holds the row ``row_id`` of ``table``:
    False when another transaction holds it or changed it since this one
    began (nothing is logged as an error; the transaction goes on)."""
    try:
        with cr.savepoint(flush=False):
            cr.execute(
                SQL(
                    "SELECT id FROM %s WHERE id = %s FOR UPDATE SKIP LOCKED",
                    SQL.identifier(table),
                    row_id,
                ),
                log_exceptions=False,
            )
            return bool(cr.fetchall())
    except TransactionRollbackError:
        return False


def commit_progress(env):
    """Commit a cron's batch done, so that a later failure cannot undo (and
    repeat) it; not while tests run, each in one transaction."""
    if not getattr(threading.current_thread(), "testing", False):
        env.cr.commit()  # pylint: disable=invalid-commit
