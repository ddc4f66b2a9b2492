"""The Adaptive Card payload (lib/teams_card.py): no database."""

import json
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from odoo.addons.helpdesk_expedite.lib import (
    escalation_summary,
    teams_card,
)

from .common import PROPERTY, PureCase, table
from .test_lib_escalation_summary import SCENARIO


def _card(payload):
    (attachment,) = payload["attachments"]
    return attachment["content"]


def _facts(payload):
    (fact_set,) = [b for b in _card(payload)["body"] if b["type"] == "FactSet"]
    return {fact["title"]: fact["value"] for fact in fact_set["facts"]}


ANY_TEXT = st.text(max_size=20_000)


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
