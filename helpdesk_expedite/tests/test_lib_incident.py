"""The incident's phase and its missing items (lib/incident.py): no database."""

from datetime import datetime, timedelta

from odoo.addons.helpdesk_expedite.lib import incident

from .common import PureCase, table

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
