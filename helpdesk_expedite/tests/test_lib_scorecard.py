"""The handling scorecard (lib/scorecard.py): no database."""

from datetime import datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from odoo.addons.helpdesk_expedite.lib import scorecard

from .common import PROPERTY, PureCase

REPORTED = datetime(2026, 6, 15, 9, 27, 55)


def _at(minutes):
    return REPORTED + timedelta(minutes=minutes)


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
