"""Plain-Python tests of the escalation logic: no database involved."""

import json
import operator
import re
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from odoo.addons.helpdesk_expedite.lib import (
    ack_token,
    escalation_summary,
    retry,
    teams_card,
    webhook_post,
)

from .common import PROPERTY, PureCase, table

NOW = datetime(2025, 6, 2, 8, 30, tzinfo=timezone.utc)
SCENARIO = escalation_summary.IncidentSnapshot(
    reference="HT00003",
    title="LMS exam submission failure",
    customer="Campus (test), Exam Coordinator",
    class_of_service="Expedite",
    affected_service="Exam submission service",
    groups=(
        escalation_summary.ImpactGroup("WEB102-HN", 20, "Hanoi"),
        escalation_summary.ImpactGroup("DATA101-SG", 18, "Saigon"),
        escalation_summary.ImpactGroup("MOBILE201-HN", 15, "Hanoi"),
    ),
    total_users=53,
    failure_rate=100.0,
    error_message="System error - please contact administrator",
    critical_activity_blocked=True,
    executives=("Campus Director",),
    business_impact="Final exams blocked",
    url="http://odoo.example.com/odoo/helpdesk.ticket/3",
)


def _card(payload):
    (attachment,) = payload["attachments"]
    return attachment["content"]


def _facts(payload):
    (fact_set,) = [b for b in _card(payload)["body"] if b["type"] == "FactSet"]
    return {fact["title"]: fact["value"] for fact in fact_set["facts"]}


ANY_TEXT = st.text(max_size=20_000)


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


class TestSplitTimeout(PureCase):
    """The delivery's timeout is a number to whoever compares it with one
    (Odoo's test guard on outgoing requests does ``timeout < 10``, which a
    (connect, read) tuple breaks) and a (connect, read) pair to urllib3."""

    def test_compares_as_its_read_seconds(self):
        timeout = webhook_post.SplitTimeout.of((5, 15))
        self.assertFalse(timeout < 10)
        self.assertEqual(float(timeout), 15.0)
        self.assertEqual(timeout.connect, 5.0)
        # the old form, which the guard's comparison refused
        self.assertRaises(TypeError, operator.lt, (5, 15), 10)

    def test_urllib3_gets_the_split(self):
        timeout = webhook_post.SplitTimeout.of((5, 15))
        self.assertEqual(webhook_post.split_pair(timeout), (5.0, 15.0))
        self.assertEqual(webhook_post.split_pair(10), 10)  # guard's stand-in
        single = webhook_post.SplitTimeout.of(7)
        self.assertEqual(webhook_post.split_pair(single), (7.0, 7.0))

    def test_the_poster_mounts_the_splitting_adapter(self):
        with webhook_post.WebhookPoster() as poster:
            for prefix in ("https://", "http://"):
                adapter = poster.session.get_adapter(prefix + "example.com/")
                self.assertIsInstance(adapter, webhook_post._SplitTimeoutAdapter)


class TestEscalationSummary(PureCase):
    def test_compose_summary_has_the_scenario_numbers(self):
        summary = escalation_summary.compose_summary(SCENARIO)
        for expected in (
            "ESCALATION - LMS exam submission failure",
            "Ticket: HT00003 - LMS exam submission failure",
            "Customer: Campus (test), Exam Coordinator",
            "Class of service: Expedite",
            "Affected users: 20 + 18 + 15 = 53",
            "Affected groups: 3",
            "Failure rate: 100%",
            "Error message: System error - please contact administrator",
            "Critical activity blocked: Yes",
            "Executive involvement: Yes: Campus Director",
            "Business impact: Final exams blocked",
            "Link: http://odoo.example.com/odoo/helpdesk.ticket/3",
            "- WEB102-HN (Hanoi): 20",
            "- DATA101-SG (Saigon): 18",
            "- MOBILE201-HN (Hanoi): 15",
        ):
            self.assertIn(expected, summary)

    def test_compose_summary_without_impact_scope(self):
        snapshot = escalation_summary.IncidentSnapshot(reference="HT1", title="Slow")
        summary = escalation_summary.compose_summary(snapshot)
        self.assertIn("Affected users: 0", summary)
        self.assertIn("Executive involvement: No", summary)
        self.assertIn("Error message: (not given)", summary)
        self.assertNotIn("Users per group", summary)

    def test_compose_summary_single_group_and_fraction(self):
        snapshot = escalation_summary.IncidentSnapshot(
            reference="HT2",
            title="One class",
            groups=(escalation_summary.ImpactGroup("WEB102-HN", 20),),
            total_users=20,
            failure_rate=12.5,
        )
        summary = escalation_summary.compose_summary(snapshot)
        self.assertIn("Affected users: 20\n", summary)
        self.assertIn("Failure rate: 12.5%", summary)
        self.assertIn("- WEB102-HN: 20", summary)

    def test_compose_summary_is_translated(self):
        def translate(source, *args, **kwargs):
            source = source.replace("Affected users", "Người dùng bị ảnh hưởng")
            return source % (args or kwargs) if args or kwargs else source

        summary = escalation_summary.compose_summary(SCENARIO, translate)
        self.assertIn("Người dùng bị ảnh hưởng: 20 + 18 + 15 = 53", summary)


class TestTeamsCard(PureCase):
    @table(
        ("<script>*x*</script>", r"\<script\>\*x\*\</script\>"),
        ("[click](http://evil)", r"\[click\](http://evil)"),
        ("a_b `c` ~d~ & e", r"a\_b \`c\` \~d\~ \& e"),
        ("back\\slash", r"back\\slash"),
        ("- item\n# title\n1. first", "\\- item\n\\# title\n1\\. first"),
        # a lone CR ends a line too (issue 19, finding 6)
        ("a\r- item\r# title\r\n1. first", "a\n\\- item\n\\# title\n1\\. first"),
        ("20 + 18 + 15 = 53", "20 + 18 + 15 = 53"),
        ("WEB102-HN: 100% (3.5)", "WEB102-HN: 100% (3.5)"),
        ("{{DATE(2025-01-01T00:00:00Z)}}", "{\u200b{DATE(2025-01-01T00:00:00Z)}}"),
        (None, ""),
    )
    def test_escape_text(self, text, expected):
        self.assertEqual(teams_card.escape_text(text), expected)

    def test_escape_text_truncates_before_escaping(self):
        self.assertEqual(teams_card.escape_text("abcdefghij", limit=5), "abcd…")
        self.assertEqual(teams_card.escape_text("**********", limit=3), r"\*\*…")

    def test_build_payload_shape(self):
        payload = teams_card.build_payload(SCENARIO)
        self.assertEqual(payload["type"], "message")
        self.assertEqual(len(payload["attachments"]), 1)
        attachment = payload["attachments"][0]
        self.assertEqual(
            attachment["contentType"], "application/vnd.microsoft.card.adaptive"
        )
        card = attachment["content"]
        self.assertEqual(card["type"], "AdaptiveCard")
        self.assertEqual(card["version"], "1.4")
        facts = _facts(payload)
        self.assertEqual(facts["Affected users"], "20 + 18 + 15 = 53")
        self.assertEqual(facts["Failure rate"], "100%")
        self.assertEqual(facts["Executive involvement"], "Yes: Campus Director")
        self.assertEqual(facts["Business impact"], "Final exams blocked")
        self.assertNotIn("Link", facts)
        (action,) = card["actions"]
        self.assertEqual(
            action,
            {"type": "Action.OpenUrl", "title": "Open ticket", "url": SCENARIO.url},
        )
        self.assertLess(teams_card.payload_size(payload), teams_card.MAX_PAYLOAD_BYTES)
        json.dumps(payload, allow_nan=False)  # what requests sends

    def test_build_payload_with_an_acknowledge_button(self):
        url = "https://odoo.example.com/helpdesk_expedite/escalation/7/acknowledge?token=1.ab"
        card = _card(teams_card.build_payload(SCENARIO, acknowledge_url=url))
        acknowledge, open_ticket = card["actions"]
        self.assertEqual(acknowledge["type"], "Action.OpenUrl")
        self.assertEqual(acknowledge["title"], "Acknowledge")
        self.assertEqual(acknowledge["url"], url)
        self.assertEqual(open_ticket["title"], "Open ticket")

    def test_build_payload_escapes_user_text(self):
        snapshot = escalation_summary.IncidentSnapshot(
            reference="HT4", title="**Bold**", error_message="<script>*x*</script>"
        )
        payload = teams_card.build_payload(snapshot)
        self.assertNotIn("<script>", json.dumps(payload))
        self.assertEqual(
            _facts(payload)["Error message"], r"\<script\>\*x\*\</script\>"
        )
        self.assertNotIn("actions", _card(payload))

    def test_build_payload_shrinks_huge_text(self):
        snapshot = escalation_summary.IncidentSnapshot(
            reference="HT5",
            title="Huge",
            business_impact="x" * 200_000,
            groups=tuple(
                escalation_summary.ImpactGroup(f"GROUP-{i}", i, "Somewhere")
                for i in range(5000)
            ),
            total_users=sum(range(5000)),
        )
        payload = teams_card.build_payload(snapshot)
        self.assertLess(teams_card.payload_size(payload), 28 * 1024)
        impact = _facts(payload)["Business impact"]
        self.assertTrue(impact.startswith("xxx"), impact[:20])
        self.assertTrue(impact.endswith("…"), impact[-20:])

    @settings(PROPERTY, max_examples=60)
    @given(
        title=ANY_TEXT,
        error=ANY_TEXT,
        impact=ANY_TEXT,
        customer=ANY_TEXT,
        executives=st.lists(ANY_TEXT, max_size=5),
        groups=st.lists(
            st.tuples(
                st.text(max_size=200), st.integers(0, 10**6), st.text(max_size=50)
            ),
            max_size=300,
        ),
    )
    def test_build_payload_always_fits(
        self, title, error, impact, customer, executives, groups
    ):
        snapshot = escalation_summary.IncidentSnapshot(
            reference="HT6",
            title=title,
            customer=customer,
            class_of_service="Expedite",
            groups=tuple(escalation_summary.ImpactGroup(*group) for group in groups),
            total_users=sum(group[1] for group in groups),
            error_message=error,
            executives=tuple(executives),
            business_impact=impact,
            url="http://odoo.example.com/odoo/helpdesk.ticket/6",
        )
        payload = teams_card.build_payload(snapshot)
        self.assertLess(teams_card.payload_size(payload), teams_card.MAX_PAYLOAD_BYTES)
        self.assertEqual(_card(payload)["type"], "AdaptiveCard")

    @PROPERTY
    @given(st.text(max_size=500))
    def test_escape_text_leaves_no_markup_unescaped(self, text):
        escaped = teams_card.escape_text(text)
        # Every special character is preceded by an escaping backslash.
        index = 0
        while index < len(escaped):
            char = escaped[index]
            if char == "\\":
                index += 2
                continue
            self.assertNotIn(char, "*_`~[]<>&")
            index += 1
        self.assertNotIn("{{", escaped)

    @PROPERTY
    @given(st.text(alphabet="-+#0123456789.) \r\na", max_size=60))
    def test_escape_text_leaves_no_line_marker_after_any_line_end(self, text):
        """Markdown starts a line after LF, CR LF and a lone CR alike."""
        for line in re.split(r"\r\n|\r|\n", teams_card.escape_text(text)):
            self.assertIsNone(re.match(r"[ \t]*([-+#]|[0-9]+[.)])", line), line)


def _sign(expiry):
    return f"{expiry:064x}"[-64:]


class TestAckToken(PureCase):
    """The acknowledgement link's token: shape, signature, then expiry."""

    def _check(self, token, now=100):
        return ack_token.check_token(token, now, _sign, lambda a, b: a == b)

    def test_genuine_token_is_valid_until_it_expires(self):
        token = ack_token.make_token(200, _sign(200))
        self.assertEqual(self._check(token, now=199), ack_token.VALID)
        self.assertEqual(self._check(token, now=200), ack_token.EXPIRED)

    def test_altered_expiry_is_invalid_not_expired(self):
        token = ack_token.make_token(50, _sign(200))
        self.assertEqual(self._check(token), ack_token.INVALID)
        token = ack_token.make_token(999, _sign(200))
        self.assertEqual(self._check(token), ack_token.INVALID)

    @table(
        None,
        "",
        12,
        "200",
        "200.",
        ".%s" % ("a" * 64),
        "200.%s" % ("A" * 64),
        "200.%s" % ("a" * 63),
        "200.%s" % ("a" * 65),
        "-200.%s" % ("a" * 64),
        "1" * 13 + ".%s" % ("a" * 64),
        "200.%s\n" % ("a" * 64),
        "x" * 100000,
    )
    def test_malformed_tokens(self, token):
        self.assertEqual(self._check(token), ack_token.MALFORMED)

    def test_timestamp(self):
        self.assertEqual(ack_token.timestamp(datetime(1970, 1, 2)), 86400)
