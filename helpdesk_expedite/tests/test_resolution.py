"""Resolution and monitoring: the fix needs its root cause and summary, the
monitoring window passes or fails (recurrence, watchdog, threshold), each
ticket its own feed token."""

from datetime import datetime, timedelta

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import ExpediteCase

T0 = datetime(2026, 6, 15, 9, 0, 0)


def minutes(n):
    return T0 + timedelta(minutes=n)


@tagged("post_install", "-at_install")
class TestResolutionAndMonitoring(ExpediteCase):
    def test_recurrence_sends_ticket_back_and_new_window_starts(self):
        with self.at(minutes(0)):
            ticket = self._create_scenario_ticket()
        self._resolve(ticket, minutes(20))
        with self.at(minutes(24)):
            ticket.action_log_monitoring(40.0, timeout_errors=12, recurrence=True)
        self.assertEqual(ticket.monitoring_state, "failed")
        self.assertEqual(ticket.stage_id, self.stage_in_progress)
        alert = ticket.activity_ids.filtered(lambda a: a.summary == "Incident recurred")
        self.assertEqual(alert.user_id, self.agent)
        with self.assertRaisesRegex(UserError, "not resolved yet"):
            ticket.action_confirm_resolution()
        with self.assertRaisesRegex(UserError, "not being monitored"):
            ticket.action_log_monitoring(100.0)

        self._resolve(ticket, minutes(60))
        self.assertEqual(ticket.monitoring_state, "running")
        self.assertEqual(ticket.monitoring_end_date, minutes(75))
        with self.at(minutes(76)):
            ticket.action_log_monitoring(100.0)
        self.assertEqual(ticket.monitoring_state, "passed", "old recurrence is history")

    def test_watchdog_completes_a_window_without_new_checks(self):
        with self.at(minutes(0)):
            ticket = self._create_scenario_ticket()
        self._resolve(ticket, minutes(20))
        with self.at(minutes(30)):
            ticket.action_log_monitoring(100.0)
        with self.at(minutes(34)):
            self.Ticket._cron_update_watchdog()
        self.assertEqual(ticket.monitoring_state, "running")
        with self.at(minutes(36)):
            self.Ticket._cron_update_watchdog()
        self.assertEqual(ticket.monitoring_state, "passed")

    def test_success_threshold_setting(self):
        self.env["res.config.settings"].create(
            {"helpdesk_expedite_success_threshold": 95.0}
        ).execute()
        with self.at(minutes(0)):
            ticket = self._create_scenario_ticket()
        self._resolve(ticket, minutes(10))
        with self.at(minutes(26)):
            ticket.action_log_monitoring(96.0)
        self.assertEqual(ticket.monitoring_state, "passed")

    def test_resolution_needs_root_cause_and_summary(self):
        ticket = self._create_scenario_ticket()
        with self.assertRaisesRegex(UserError, "root cause, resolution summary"):
            ticket.action_mark_resolved()
        ticket.root_cause = "Deployment"
        with self.assertRaisesRegex(UserError, "Missing: resolution summary"):
            ticket.action_mark_resolved()


@tagged("post_install", "-at_install")
class TestMonitoringToken(ExpediteCase):
    def test_existing_tickets_never_share_a_token(self):
        """Adding the column to a table with rows must not copy one secret
        onto all of them: each existing ticket gets its own."""
        first, second = self._create_scenario_ticket(), self._create_scenario_ticket()
        self.assertNotEqual(first.monitoring_token, second.monitoring_token)
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE helpdesk_ticket SET monitoring_token = NULL WHERE id IN %s",
            [(first.id, second.id)],
        )
        self.env.invalidate_all()
        self.Ticket._init_column("monitoring_token")
        self.env.invalidate_all()
        self.assertTrue(first.monitoring_token and second.monitoring_token)
        self.assertNotEqual(first.monitoring_token, second.monitoring_token)
