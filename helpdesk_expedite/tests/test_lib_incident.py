"""The incident's phase, its missing items, the handling scorecard and the
match keys, as plain functions: no database."""

from datetime import datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from odoo.addons.helpdesk_expedite.lib import incident, matching, scorecard

from .common import PROPERTY, PureCase, table

REPORTED = datetime(2026, 6, 15, 9, 27, 55)


def _at(minutes):
    return REPORTED + timedelta(minutes=minutes)


class TestPhase(PureCase):
    @table(
        ({}, incident.INVESTIGATING),
        ({"root_cause": "   "}, incident.INVESTIGATING),
        ({"root_cause": "A deployment"}, incident.IDENTIFIED),
        ({"root_cause_category": True}, incident.IDENTIFIED),
        ({"root_cause": "x", "monitoring_state": "running"}, incident.MONITORING),
        ({"monitoring_state": "failed", "root_cause": "x"}, incident.IDENTIFIED),
        ({"monitoring_state": "passed"}, incident.RESOLVED),
        ({"closed": True}, incident.RESOLVED),
    )
    def test_phase(self, facts, expected):
        self.assertEqual(incident.phase(incident.IncidentState(**facts)), expected)

    def test_missing_items_to_close_in_the_gate_order(self):
        state = incident.IncidentState(root_cause="Deployment")
        self.assertEqual(
            incident.missing_items(state, incident.TO_CLOSE),
            [
                incident.RESOLUTION_SUMMARY,
                incident.MONITORING_PASSED,
                incident.CUSTOMER_CONFIRMED,
            ],
        )

    def test_nothing_missing_once_everything_is_there(self):
        state = incident.IncidentState(
            root_cause="Deployment",
            resolution_summary="Rolled back",
            monitoring_state="passed",
            customer_confirmed=True,
        )
        self.assertEqual(incident.missing_items(state, incident.TO_CLOSE), [])
        self.assertEqual(incident.missing_items(state, incident.TO_RESOLVE), [])

    def test_a_closed_ticket_cannot_be_resolved_again(self):
        state = incident.IncidentState(
            closed=True, root_cause="x", resolution_summary="y"
        )
        self.assertEqual(
            incident.missing_items(state, incident.TO_RESOLVE), [incident.OPEN]
        )

    @table(
        (None, _at(5), 0.0),
        (_at(0), None, 0.0),
        (_at(0), _at(62), 62.0),
        (_at(10), _at(0), 0.0),  # a clock step backwards is not negative time
    )
    def test_minutes_between(self, start, end, expected):
        self.assertEqual(incident.minutes_between(start, end), expected)


class TestScorecard(PureCase):
    SCENARIO = scorecard.HandlingFacts(
        reported=REPORTED,
        acknowledged=_at(2),
        updates=((_at(17), _at(15)), (_at(32), _at(30)), (_at(47), _at(45))),
        escalation_sent=_at(6),
        escalation_acknowledged=_at(9),
        root_cause="A deployment caused DB connection timeouts and a table lock.",
        monitoring_passed=True,
        customer_confirmed=True,
        closed=True,
    )

    def test_the_scenario_kept_every_commitment(self):
        card = scorecard.compute(self.SCENARIO)
        self.assertTrue(card.acknowledged_in_time)
        self.assertEqual((card.updates_due, card.updates_late), (3, 0))
        self.assertEqual(card.update_compliance, 100.0)
        self.assertEqual(card.escalation_ack_minutes, 3.0)
        self.assertTrue(card.monitoring_passed_before_closure)
        self.assertTrue(card.confirmed_before_closure)
        self.assertEqual(card.score, 100.0)

    def test_a_late_and_a_missed_update(self):
        facts = scorecard.HandlingFacts(
            reported=REPORTED,
            acknowledged=_at(20),
            updates=((_at(15), _at(16)), (_at(30), None), (None, _at(40))),
        )
        card = scorecard.compute(facts)
        self.assertFalse(card.acknowledged_in_time)
        self.assertEqual((card.updates_due, card.updates_late), (2, 2))
        self.assertEqual(card.update_compliance, 0.0)
        # still open: monitoring, confirmation and no override count as kept
        self.assertEqual(card.score, round(100.0 * 3 / 7, 1))

    def test_closing_with_the_override_costs_its_commitments(self):
        facts = scorecard.HandlingFacts(
            reported=REPORTED, acknowledged=_at(1), closed=True, override_used=True
        )
        card = scorecard.compute(facts)
        self.assertFalse(card.monitoring_passed_before_closure)
        self.assertFalse(card.confirmed_before_closure)
        self.assertTrue(card.override_used)
        self.assertEqual(card.score, round(100.0 * 2 / 7, 1))

    @PROPERTY
    @given(
        st.integers(0, 120), st.lists(st.tuples(st.integers(0, 90), st.integers(0, 90)))
    )
    def test_score_and_compliance_are_percentages(self, ack, updates):
        facts = scorecard.HandlingFacts(
            reported=REPORTED,
            acknowledged=_at(ack),
            updates=tuple((_at(d), _at(s)) for d, s in updates),
        )
        card = scorecard.compute(facts)
        self.assertTrue(0 <= card.score <= 100)
        self.assertTrue(0 <= card.update_compliance <= 100)
        self.assertEqual(card.acknowledged_in_time, ack <= 15)


class TestMatchKey(PureCase):
    @table(
        ("Exam-Submission  service", "exam submission service"),
        ("exam submission Service!", "exam submission service"),
        ("Lỗi nộp bài thi", "loi nop bai thi"),
        ("Đăng nhập", "dang nhap"),
        ("---", ""),
        ("", ""),
        (None, ""),
    )
    def test_match_key(self, text, expected):
        self.assertEqual(matching.match_key(text), expected)

    def test_match_key_is_bounded(self):
        self.assertEqual(
            len(matching.match_key("word " * 1000)), matching.MAX_KEY_LENGTH
        )

    @PROPERTY
    @given(st.text())
    def test_match_key_is_stable(self, text):
        key = matching.match_key(text)
        self.assertLessEqual(len(key), matching.MAX_KEY_LENGTH)
        if len(key) < matching.MAX_KEY_LENGTH:  # a cut key may end in a space
            self.assertEqual(matching.match_key(key), key)
