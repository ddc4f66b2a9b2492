"""Back-off for outbound deliveries."""

from datetime import datetime, timezone
from email.utils import parsedate_to_datetime

MAX_ATTEMPTS = 5
BASE_DELAY = 30  # seconds
MAX_DELAY = 3600


def backoff_delay(attempt, base=BASE_DELAY, cap=MAX_DELAY):
    """Seconds to wait after failed attempt number ``attempt`` (1-based)."""
    return min(cap, base * 2 ** max(attempt - 1, 0))


def parse_retry_after(value, now=None):
    """Seconds asked for by a Retry-After header, or None when unusable.

    The header is either a number of seconds or an HTTP date.
    """
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return int(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    now = now or datetime.now(timezone.utc)
    return max(0, int((when - now).total_seconds()))


def next_delay(attempt, retry_after=None, cap=MAX_DELAY):
    """Delay before the next attempt, honouring the server's Retry-After."""
    if retry_after is not None:
        return min(cap, max(retry_after, 1))
    return backoff_delay(attempt, cap=cap)
