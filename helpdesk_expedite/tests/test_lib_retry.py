"""Back-off, Retry-After and timeouts (lib/retry.py): no database."""

from datetime import datetime, timedelta, timezone
from email.utils import format_datetime

from hypothesis import given
from hypothesis import strategies as st

from odoo.addons.helpdesk_expedite.lib import retry

from .common import PROPERTY, PureCase, table

NOW = datetime(2025, 6, 2, 8, 30, tzinfo=timezone.utc)


class TestRetry(PureCase):
    @table(
        (0, 30), (1, 30), (2, 60), (3, 120), (4, 240), (7, 1920), (8, 3600), (99, 3600)
    )
    def test_backoff_delay_doubles_up_to_the_cap(self, attempt, expected):
        self.assertEqual(retry.backoff_delay(attempt), expected)

    def test_backoff_delay_huge_attempt_is_capped_quickly(self):
        self.assertEqual(retry.backoff_delay(10**9), retry.MAX_DELAY)

    @PROPERTY
    @given(st.integers(min_value=-10, max_value=10**6))
    def test_backoff_delay_is_bounded_and_monotonic(self, attempt):
        delay = retry.backoff_delay(attempt)
        self.assertGreaterEqual(delay, retry.BASE_DELAY)
        self.assertLessEqual(delay, retry.MAX_DELAY)
        self.assertGreaterEqual(retry.backoff_delay(attempt + 1), delay)

    def test_next_delay_prefers_retry_after_within_bounds(self):
        self.assertEqual(retry.next_delay(1, 120), 120)
        self.assertEqual(retry.next_delay(1, 0), 1)  # never hammer the server
        self.assertEqual(retry.next_delay(1, 10**7), retry.MAX_DELAY)
        self.assertEqual(retry.next_delay(3), 120)
        self.assertEqual(retry.next_delay(3, None), retry.backoff_delay(3))

    @table(
        ("120", 120),
        (" 7 ", 7),
        ("0", 0),
        (None, None),
        ("", None),
        ("soon", None),
        ("-5", None),
        ("1.5", None),
        ("²", None),
        ("١٢", None),
        (b"12", None),
        ("Wed, 21 Oct 99999 07:28:00 GMT", None),
    )
    def test_parse_retry_after_seconds_and_garbage(self, value, expected):
        self.assertEqual(retry.parse_retry_after(value, now=NOW), expected)

    def test_parse_retry_after_http_date(self):
        in_two_minutes = format_datetime(NOW + timedelta(seconds=120), usegmt=True)
        self.assertEqual(retry.parse_retry_after(in_two_minutes, now=NOW), 120)
        an_hour_ago = format_datetime(NOW - timedelta(hours=1), usegmt=True)
        self.assertEqual(retry.parse_retry_after(an_hour_ago, now=NOW), 0)
        naive_now = NOW.replace(tzinfo=None)
        self.assertEqual(retry.parse_retry_after(in_two_minutes, now=naive_now), 120)

    @PROPERTY
    @given(st.text())
    def test_parse_retry_after_never_raises(self, value):
        result = retry.parse_retry_after(value, now=NOW)
        if result is not None:
            self.assertIsInstance(result, int)
            self.assertGreaterEqual(result, 0)

    @table(
        (None, (5, 15)),
        ("", (5, 15)),
        ("3,20", (3, 20)),
        ("(0.5, 2)", (0.5, 2)),
        ("10", (10, 10)),
        ("0", (5, 15)),
        ("-1,5", (5, 15)),
        ("nan", (5, 15)),
        ("inf", (5, 15)),
        ("1,2,3", (5, 15)),
        ("fast", (5, 15)),
        ("500", (5, 15)),
    )
    def test_parse_timeout(self, value, expected):
        self.assertEqual(retry.parse_timeout(value, (5, 15)), expected)
