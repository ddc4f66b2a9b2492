"""Verdict of a post-fix monitoring window."""

from dataclasses import dataclass
from datetime import datetime

RUNNING = "running"
PASSED = "passed"
FAILED = "failed"


@dataclass(frozen=True)
class CheckPoint:
    check_date: datetime
    success_rate: float
    timeout_errors: int = 0
    recurrence: bool = False
    sequence: int = 0  # tie-breaker for checks logged at the same instant


def latest(checks):
    return max(checks, key=lambda c: (c.check_date, c.sequence)) if checks else None


def verdict(window_end, now, checks, threshold=100.0):
    """Return running, passed or failed for a monitoring window.

    A recurrence fails the watch at once. It passes once the window has
    ended, with at least one check, the latest at or above ``threshold``
    and without timeout errors. Otherwise it keeps running: a window that
    ends on a bad check waits for a clean one.
    """
    if any(check.recurrence for check in checks):
        return FAILED
    last = latest(checks)
    if (
        last is not None
        and window_end is not None
        and now >= window_end
        and last.success_rate >= threshold
        and last.timeout_errors == 0
    ):
        return PASSED
    return RUNNING
