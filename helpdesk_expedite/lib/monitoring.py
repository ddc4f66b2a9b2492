"""Verdict of a post-fix monitoring window."""

import json
import math
import shlex
from dataclasses import dataclass
from datetime import datetime

MAX_NOTE_CHARS = 2000
MAX_TIMEOUT_ERRORS = 2**31 - 1  # the column is a PostgreSQL integer
CHECK_FIELDS = frozenset(
    {"success_rate", "timeout_errors", "manual_test_ok", "recurrence", "note"}
)
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
    manual_test_ok: bool = True


def latest(checks):
    return max(checks, key=lambda c: (c.check_date, c.sequence)) if checks else None


def verdict(window_end, now, checks, threshold=100.0):
    """Return running, passed or failed for a monitoring window.

    A recurrence fails the watch at once. It passes once the window has
    ended, with at least one check, the latest at or above ``threshold``,
    without timeout errors and with a successful manual test (the exam
    submitted by hand, in the scenario). Otherwise it keeps running: a
    window that ends on a bad check waits for a clean one.
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
        and last.manual_test_ok
    ):
        return PASSED
    return RUNNING


def parse_check(payload):
    """The values of a monitoring check from untrusted input (a JSON object
    or RPC arguments); raises ValueError saying what is wrong."""
    unknown = set(payload) - CHECK_FIELDS
    if unknown:
        raise ValueError(f"Unknown fields: {', '.join(sorted(unknown))}.")
    rate = payload.get("success_rate")
    if (
        isinstance(rate, bool)
        or not isinstance(rate, (int, float))
        or not math.isfinite(rate)
        or not 0 <= rate <= 100
    ):
        raise ValueError("success_rate must be a number from 0 to 100.")
    timeouts = payload.get("timeout_errors", 0)
    if (
        isinstance(timeouts, bool)
        or not isinstance(timeouts, int)
        or not 0 <= timeouts <= MAX_TIMEOUT_ERRORS
    ):
        raise ValueError("timeout_errors must be a whole number >= 0.")
    values = {"success_rate": float(rate), "timeout_errors": timeouts}
    for flag in ("manual_test_ok", "recurrence"):
        if flag in payload:
            if not isinstance(payload[flag], bool):
                raise ValueError(f"{flag} must be true or false.")
            values[flag] = payload[flag]
    if payload.get("note") is not None:
        values["note"] = _parse_note(payload["note"])
    return values


def _parse_note(note):
    if not isinstance(note, str):
        raise ValueError("note must be a string.")
    if len(note) > MAX_NOTE_CHARS:
        raise ValueError(f"note must be at most {MAX_NOTE_CHARS} characters.")
    # PostgreSQL text cannot hold NUL characters, nor UTF-8 lone
    # surrogates: a probe's NUL is dropped, broken text refused
    note = note.replace("\x00", "")
    try:
        note.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("note must be valid Unicode text.") from None
    return note


EXAMPLE_CHECK = {
    "success_rate": 100,
    "timeout_errors": 0,
    "manual_test_ok": True,
    "recurrence": False,
}


def feed_curl_example(url, token):
    """A one-line curl command that POSTs one passing check to ``url``,
    the token in its header; every argument quoted for a POSIX shell."""
    return " ".join(
        [
            "curl -X POST",
            shlex.quote(url),
            "-H 'Content-Type: application/json'",
            "-H",
            shlex.quote(f"X-Monitoring-Token: {token}"),
            "-d",
            shlex.quote(json.dumps(EXAMPLE_CHECK)),
        ]
    )
