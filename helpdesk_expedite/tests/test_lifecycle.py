"""The exam-day incident end to end, through every phase (the phases' own
tests are in test_<phase>*.py)."""

from datetime import datetime, timedelta

from odoo import Command
from odoo.tests import tagged

from .common import RESOLUTION, ROOT_CAUSE, ExpediteCase

T0 = datetime(2026, 6, 15, 9, 0, 0)


def minutes(n):
    return T0 + timedelta(minutes=n)


@tagged("post_install", "-at_install", "helpdesk_expedite_parity")
class TestIncidentLifecycle(ExpediteCase):
    def test_exam_day_scenario_end_to_end(self):
        # 09:00 the report comes in: 53 students, 3 classes, 100% failure.
        with self.at(minutes(0)), self.mock_mail_gateway():
            ticket = self._create_scenario_ticket()
        self.assertEqual(ticket.class_of_service, "expedite")
        self.assertEqual(ticket.stage_id, self.stage_in_progress)
        self.assertTrue(any("We are on it" in m["subject"] for m in self._mails))

        # 09:04 escalation to the Dev Team with the structured note.
        with self.at(minutes(4)), self.mock_mail_gateway():
            ticket.action_escalate()
            self._send_escalation_mails(ticket.escalation_ids)
        escalation = ticket.escalation_ids
        self.assertEqual(escalation.state, "sent")
        self.assertIn("20 + 18 + 15 = 53", escalation.summary)
        self.assertIn("100%", escalation.summary)
        self.assertEqual(ticket.time_to_escalate, 4.0)
        with self.at(minutes(6)):
            escalation.action_mark_acknowledged()
        self.assertEqual(escalation.response_time, 2.0)

        # 09:05-09:12 investigation with the five default checks.
        with self.at(minutes(12)):
            for check in ticket.check_ids:
                check.write({"state": "ok", "result": "Done"})
            ticket.check_ids[1].state = "issue_found"
            ticket.write(
                {
                    "findings": "<p>Database connection pool showing timeouts</p>",
                    "preliminary_assessment": "Recent deployment or DB connection issue.",
                }
            )
        self.assertEqual(ticket.check_ids[1].checked_by_id, self.env.user)
        self.assertEqual(ticket.incident_phase, "investigating")
        with self.at(minutes(13)), self.mock_mail_gateway():
            ticket.action_post_status_update("Cause found, rollback under way.")

        # 09:25 fixed; the 15-minute watch begins.
        ticket.corrective_action_ids = [
            Command.create({"name": name, "done": True})
            for name in (
                "Rolled back latest deployment",
                "Restarted application service",
                "Cleared database connection locks",
            )
        ]
        self._resolve(ticket, minutes(25))
        self.assertEqual(ticket.stage_id, self.stage_monitoring)
        self.assertEqual(ticket.monitoring_state, "running")
        self.assertEqual(ticket.monitoring_end_date, minutes(40))
        self.assertEqual(ticket.incident_phase, "monitoring")
        self.assertEqual(ticket.time_to_resolve, 25.0)

        # Three checks over 15 minutes; the window is not over before 09:40.
        for minute in (30, 35):
            with self.at(minutes(minute)):
                ticket.action_log_monitoring(100.0, manual_test_ok=True)
        self.assertEqual(ticket.monitoring_state, "running")
        with self.at(minutes(40)), self.mock_mail_gateway():
            ticket.action_log_monitoring(100.0, note="Manual test submissions OK")
        self.assertEqual(ticket.monitoring_state, "passed")
        self.assertEqual(ticket.incident_phase, "resolved")
        self.assertIn("Please confirm", ticket._get_latest_status_update().body)
        self.assertFalse(ticket.next_update_deadline, "no more updates promised")
        self.assertFalse(ticket.update_overdue)
        asked = [m for m in self._mails if "Please confirm" in m["body"]]
        self.assertIn(
            "coordinator@example.com", " ".join(str(m["email_to"]) for m in asked)
        )

        # 09:45 the customer confirms; the ticket closes with a summary.
        with self.at(minutes(45)), self.mock_mail_gateway():
            ticket.action_confirm_resolution(channel="email")
        self.assertTrue(ticket.customer_confirmed)
        self.assertEqual(ticket.customer_confirmation_channel, "email")
        self.assertTrue(ticket.closed)
        self.assertEqual(ticket.stage_id, self.stage_done)
        self.assertEqual(ticket.time_to_close, 45.0)
        summaries = [m for m in self._mails if "Resolved and closed" in m["subject"]]
        recipients = " ".join(str(m["email_to"]) for m in summaries)
        self.assertIn("coordinator@example.com", recipients)
        self.assertIn("director@example.com", recipients)
        body = summaries[0]["body"]
        for expected in (
            ROOT_CAUSE,
            RESOLUTION,
            "Rolled back latest deployment",
            "Checks: 3",
            "Latest success rate: 100%",
            "+25 min",  # resolved
            "+45 min",  # confirmed and closed
        ):
            self.assertIn(expected, body)
        timeline = [label for label, _date, _minutes in ticket._get_incident_timeline()]
        self.assertEqual(timeline[0], "Reported")
        self.assertEqual(timeline[-1], "Closed")
