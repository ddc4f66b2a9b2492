"""Back-off, Retry-After and timeouts for outbound deliveries."""

import math
import re
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime

MAX_ATTEMPTS = 5
BASE_DELAY = 30  # seconds
MAX_DELAY = 3600
DEFAULT_TIMEOUT = (5.0, 15.0)  # connect, read seconds
MAX_TIMEOUT = 120.0
_SECONDS = re.compile(r"[0-9]+")


def backoff_delay(attempt, base=BASE_DELAY, cap=MAX_DELAY):
    """Seconds to wait after failed attempt number ``attempt`` (1-based):
    ``base`` doubled on each attempt, never more than ``cap``."""
    exponent = min(max(attempt - 1, 0), 32)  # 2**32 * base exceeds any cap
    return min(cap, base * 2**exponent)


def parse_retry_after(value, now=None):
    """Seconds asked for by a Retry-After header, or None when unusable.

    The header is either a number of seconds or an HTTP date; a date in
    the past means "now" (0).
    """
    if not value or not isinstance(value, str):
        return None
    value = value.strip()
    if _SECONDS.fullmatch(value):
        return int(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    now = now or datetime.now(timezone.utc)
    if now.tzinfo is None:
        now = now.replace(tzinfo=timezone.utc)
    return max(0, math.ceil((when - now).total_seconds()))


def next_delay(attempt, retry_after=None, cap=MAX_DELAY):
    """Delay before the next attempt, honouring the server's Retry-After."""
    if retry_after is not None:
        return min(cap, max(retry_after, 1))
    return backoff_delay(attempt, cap=cap)


def parse_timeout(value, default=DEFAULT_TIMEOUT):
    """(connect, read) seconds from a setting such as "5,15", "(5, 15)" or
    "10" (both); ``default`` when the value is missing or unusable."""
    parts = re.split(r"[\s,;]+", str(value or "").strip().strip("()[]").strip())
    try:
        seconds = [float(part) for part in parts if part]
    except ValueError:
        return default
    if len(seconds) not in (1, 2):
        return default
    if not all(0 < second <= MAX_TIMEOUT for second in seconds):  # also NaN
        return default
    return (seconds[0], seconds[-1])
