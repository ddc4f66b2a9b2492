"""The monitoring verdict and the feed's example command
(lib/monitoring.py): no database."""

import json
import shlex
from datetime import datetime, timedelta

from odoo.addons.helpdesk_expedite.lib import monitoring

from .common import PureCase, table

# ----------------------------------------------------------------------
# Monitoring verdict
# ----------------------------------------------------------------------
START = datetime(2026, 6, 15, 9, 0)

END = START + timedelta(minutes=15)


def _check(minute, rate=100.0, timeouts=0, recurrence=False, seq=0, manual=True):
    return monitoring.CheckPoint(
        START + timedelta(minutes=minute),
        rate,
        timeouts,
        recurrence,
        seq,
        manual_test_ok=manual,
    )


def parse_curl(command):
    """(url, headers, body) of the form's curl command."""
    words = shlex.split(command)
    if words[:3] != ["curl", "-X", "POST"]:
        raise ValueError(command)
    url, headers, body = words[3], {}, None
    rest = iter(words[4:])
    for word in rest:
        if word == "-H":
            name, value = next(rest).split(": ", 1)
            headers[name] = value
        elif word == "-d":
            body = next(rest)
    return url, headers, body


class TestMonitoringVerdict(PureCase):
    def test_window_not_over_keeps_running(self):
        verdict = monitoring.verdict(END, START + timedelta(minutes=14), [_check(5)])
        self.assertEqual(verdict, "running")

    def test_window_over_with_clean_latest_check_passes(self):
        checks = [_check(1, rate=90, timeouts=3), _check(15)]
        self.assertEqual(monitoring.verdict(END, END, checks), "passed")

    def test_window_over_without_checks_keeps_running(self):
        verdict = monitoring.verdict(END, END + timedelta(hours=1), [])
        self.assertEqual(verdict, "running")

    def test_recurrence_fails_at_once(self):
        verdict = monitoring.verdict(END, START, [_check(2, recurrence=True)])
        self.assertEqual(verdict, "failed")

    @table((99.9, 0), (100.0, 1))
    def test_dirty_latest_check_keeps_running(self, rate, timeouts):
        checks = [_check(1), _check(14, rate=rate, timeouts=timeouts)]
        verdict = monitoring.verdict(END, END + timedelta(minutes=5), checks)
        self.assertEqual(verdict, "running")

    def test_failed_manual_test_at_the_end_keeps_running(self):
        """The scenario's criteria: 100 % success, no timeouts AND the exam
        submitted by hand; a clean rate with a failed manual test is not a
        pass, and a later clean check with the manual test passes."""
        failed_by_hand = [_check(1), _check(15, manual=False)]
        self.assertEqual(monitoring.verdict(END, END, failed_by_hand), "running")
        then_ok = [*failed_by_hand, _check(16)]
        self.assertEqual(
            monitoring.verdict(END, END + timedelta(minutes=1), then_ok), "passed"
        )

    def test_threshold_setting_is_honoured(self):
        checks = [_check(15, rate=99.5)]
        self.assertEqual(monitoring.verdict(END, END, checks, threshold=99.0), "passed")
        self.assertEqual(
            monitoring.verdict(END, END, checks, threshold=100.0), "running"
        )

    def test_latest_is_by_date_then_sequence(self):
        same_time = [_check(10, rate=50, seq=2), _check(10, rate=100, seq=1)]
        self.assertEqual(monitoring.latest(same_time).success_rate, 50)


class TestFeedCurlExample(PureCase):
    @table(
        ("https://odoo.example.com/helpdesk_expedite/monitoring/7", "aB-_9"),
        ("http://host/x y/1", "it's; rm -rf /"),
    )
    def test_the_shell_reads_back_what_was_given(self, url, token):
        got_url, headers, body = parse_curl(monitoring.feed_curl_example(url, token))
        self.assertEqual(got_url, url)
        self.assertEqual(headers["X-Monitoring-Token"], token)
        self.assertEqual(headers["Content-Type"], "application/json")
        self.assertEqual(json.loads(body), monitoring.EXAMPLE_CHECK)
        self.assertEqual(monitoring.parse_check(json.loads(body))["success_rate"], 100)
