"""Bounded lock waits: on exam day the database may hold a lock for long
(the scenario's own outage was a table lock). Requests and crons of the
add-on wait a few seconds at most, then answer "try again" or skip a run,
instead of hanging a worker."""

import logging
from contextlib import contextmanager

from psycopg2.errors import LockNotAvailable

_logger = logging.getLogger(__name__)

LOCK_TIMEOUT = "5s"


@contextmanager
def bounded_lock_wait(cr, timeout=LOCK_TIMEOUT):
    """Run the block in a savepoint whose lock waits end after ``timeout``
    with ``LockNotAvailable`` (the savepoint is then rolled back)."""
    with cr.savepoint():
        cr.execute("SELECT set_config('lock_timeout', %s, true)", [timeout])
        yield


@contextmanager
def skip_when_locked(cr, what):
    """For crons: leave ``what`` for the next run when a lock is held."""
    try:
        with bounded_lock_wait(cr):
            yield
    except LockNotAvailable:
        _logger.info("%s skipped: a lock is held, the next run catches up", what)
