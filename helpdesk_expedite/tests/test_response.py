"""Response: the acknowledgement, the customer update cadence and the
watchdog of overdue updates."""

from datetime import datetime, timedelta

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import ExpediteCase

T0 = datetime(2026, 6, 15, 9, 0, 0)


@tagged("post_install", "-at_install")
class TestAcknowledgement(ExpediteCase):
    def _acknowledgements(self):
        return [m for m in self._mails if "We are on it" in m["subject"]]

    def test_becoming_expedite_acknowledges_once(self):
        with self.at(T0), self.mock_mail_gateway():
            ticket = self._create_scenario_ticket()
        mails = self._acknowledgements()
        recipients = {address for mail in mails for address in mail["email_to"]}
        self.assertTrue(any("coordinator@example.com" in r for r in recipients))
        self.assertTrue(any("director@example.com" in r for r in recipients))
        self.assertEqual(
            sum(1 for r in recipients if "coordinator@example.com" in r), 1
        )
        self.assertEqual(ticket.acknowledged_date, T0)
        self.assertEqual(ticket.next_update_deadline, T0 + timedelta(minutes=15))
        self.assertEqual(ticket.stage_id, self.stage_in_progress)
        self.assertEqual(ticket.time_to_acknowledge, 0.0)
        body = mails[0]["body"]
        self.assertIn("53", body)
        self.assertIn("WEB102-HN: 20", body)
        # the layout's button, to the ticket (the agent's, the customer's, an
        # executive's own link)
        self.assertRegex(body, rf"res_id={ticket.id}\b|/my/ticket/{ticket.id}\?")
        self.assertEqual(ticket.status_update_ids.kind, "acknowledgement")

        with self.mock_mail_gateway():
            ticket.action_acknowledge()
            ticket.action_classify()
            ticket.failure_rate = 99
        self.assertFalse(self._mails, "a second acknowledgement sends nothing")
        self.assertEqual(len(ticket.status_update_ids), 1)

    def test_manual_acknowledge_of_a_fixed_date_ticket(self):
        with self.at(T0):
            ticket = self._create_ticket(groups=[], deadline="2026-07-01 00:00:00")
        self.assertEqual(ticket.stage_id, self.stage_new)
        with self.at(T0 + timedelta(minutes=7)), self.mock_mail_gateway():
            ticket.action_acknowledge()
        to_customer = [
            m
            for m in self._acknowledgements()
            if "coordinator@example.com" in str(m["email_to"])
        ]
        self.assertEqual(len(to_customer), 1)
        self.assertEqual(ticket.time_to_acknowledge, 7.0)
        self.assertEqual(ticket.stage_id, self.stage_in_progress)
        self.assertEqual(ticket.next_update_deadline, T0 + timedelta(minutes=67))

    def test_ticket_already_in_progress_keeps_its_stage(self):
        awaiting = self.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_awaiting")
        ticket = self._create_ticket(groups=[("A", "", 1)], stage_id=awaiting.id)
        ticket.impact_line_ids.affected_users = 40
        self.assertTrue(ticket.acknowledged_date)
        self.assertEqual(ticket.stage_id, awaiting)

    def test_closed_ticket_is_not_acknowledged(self):
        ticket = self._create_ticket(groups=[("A", "", 1)])
        ticket.stage_id = self.stage_done
        ticket.impact_line_ids.affected_users = 40
        # a closed ticket keeps its class (the rules no longer apply to it)
        self.assertNotEqual(ticket.class_of_service, "expedite")
        self.assertFalse(ticket.acknowledged_date)
        with self.assertRaisesRegex(UserError, "closed"):
            ticket.action_acknowledge()

    def test_expedite_ticket_gets_the_default_checks(self):
        ticket = self._create_scenario_ticket()
        self.assertEqual(
            ticket.check_ids.mapped("name")[:2],
            ["Monitoring dashboard review", "Application error logs review"],
        )
        self.assertEqual(len(ticket.check_ids), 5)
        ticket.action_add_default_checks()
        self.assertEqual(len(ticket.check_ids), 5, "no duplicate checks")


@tagged("post_install", "-at_install")
class TestCadence(ExpediteCase):
    def test_each_update_moves_the_deadline(self):
        with self.at(T0):
            ticket = self._create_scenario_ticket()
        with self.at(T0 + timedelta(minutes=10)), self.mock_mail_gateway():
            ticket.action_post_status_update("Logs reviewed: DB connection timeouts.")
        self.assertEqual(ticket.last_status_update_date, T0 + timedelta(minutes=10))
        self.assertEqual(ticket.next_update_deadline, T0 + timedelta(minutes=25))
        update_mails = [m for m in self._mails if "Update:" in m["subject"]]
        self.assertTrue(update_mails)
        self.assertIn("DB connection timeouts", update_mails[0]["body"])
        self.assertEqual(
            ticket._get_latest_status_update().body,
            "Logs reviewed: DB connection timeouts.",
        )

    def test_overdue_at_the_right_minute(self):
        with self.at(T0):
            ticket = self._create_scenario_ticket()
        domain = [("update_overdue", "=", True), ("id", "=", ticket.id)]
        with self.at(T0 + timedelta(minutes=14, seconds=59)):
            ticket.invalidate_recordset(["update_overdue"])
            self.assertFalse(ticket.update_overdue)
            self.assertFalse(self.Ticket.search(domain))
            self.assertTrue(
                self.Ticket.search(
                    [("update_overdue", "=", False), ("id", "=", ticket.id)]
                )
            )
        with self.at(T0 + timedelta(minutes=15, seconds=1)):
            ticket.invalidate_recordset(["update_overdue"])
            self.assertTrue(ticket.update_overdue)
            self.assertEqual(self.Ticket.search(domain), ticket)
            self.assertFalse(
                self.Ticket.search(
                    [("update_overdue", "!=", True), ("id", "=", ticket.id)]
                )
            )

    def test_empty_update_is_refused(self):
        ticket = self._create_scenario_ticket()
        with self.assertRaisesRegex(UserError, "needs a message"):
            ticket.action_post_status_update("   ")

    def test_wizard_prefills_from_phase_and_sends(self):
        ticket = self._create_scenario_ticket()
        wizard = self.env["helpdesk.ticket.status.update.wizard"].create(
            {"ticket_id": ticket.id}
        )
        self.assertIn("still investigating", wizard.body)
        self.assertIn("53 users", wizard.body)
        self.assertEqual(wizard.recipient_ids, self.customer | self.executive)
        wizard.body = "Rollback in progress."
        wizard.action_send()
        self.assertEqual(
            ticket._get_latest_status_update().body, "Rollback in progress."
        )


@tagged("post_install", "-at_install")
class TestWatchdog(ExpediteCase):
    def _run_watchdog(self):
        self.Ticket._cron_update_watchdog()

    def _overdue_activities(self, ticket):
        return ticket.activity_ids.filtered(
            lambda a: (
                a.activity_type_id
                == self.env.ref("helpdesk_expedite.mail_activity_type_update_overdue")
            )
        )

    def test_one_activity_and_one_note_per_overdue_period(self):
        with self.at(T0):
            ticket = self._create_scenario_ticket()
        with self.at(T0 + timedelta(minutes=14)):
            self._run_watchdog()
        self.assertFalse(self._overdue_activities(ticket))
        for minute in (16, 17, 30, 45):
            with self.at(T0 + timedelta(minutes=minute)):
                self._run_watchdog()
        activities = self._overdue_activities(ticket)
        self.assertEqual(len(activities), 1)
        self.assertEqual(activities.user_id, self.agent)
        notes = self._notes(ticket, "Customer update overdue")
        self.assertEqual(len(notes), 1)
        self.assertIn(
            self.manager.partner_id, notes.partner_ids, "team leader notified"
        )

        # An update starts a new period; its lapse is reported once more.
        with self.at(T0 + timedelta(minutes=50)):
            ticket.action_post_status_update("Still on it.")
        for minute in (66, 70):
            with self.at(T0 + timedelta(minutes=minute)):
                self._run_watchdog()
        self.assertEqual(len(self._notes(ticket, "Customer update overdue")), 2)

    def test_one_digest_per_person_and_run(self):
        """Two tickets late at once: one activity and one note each, and one
        notification each for the leader and the assignee listing both,
        instead of a mail per activity and per note."""
        with self.at(T0):
            tickets = self._create_scenario_ticket() | self._create_scenario_ticket()
        Message = self.env["mail.message"]
        before = Message.search([]).ids
        with self.at(T0 + timedelta(minutes=20)):
            self._run_watchdog()
        for ticket in tickets:
            self.assertEqual(len(self._overdue_activities(ticket)), 1)
            self.assertEqual(len(self._notes(ticket, "Customer update overdue")), 1)
        new = Message.search([("id", "not in", before)])
        digests = new.filtered(lambda m: m.subject == "Customer updates overdue")
        self.assertEqual(len(digests), 2)
        self.assertEqual(
            digests.partner_ids, self.manager.partner_id | self.agent.partner_id
        )
        for digest in digests:
            self.assertEqual(len(digest.partner_ids), 1)
            for ticket in tickets:
                self.assertIn(ticket.number, digest.body)
            self.assertEqual(digest.notification_ids.res_partner_id, digest.partner_ids)
        self.assertFalse(
            new.filtered(lambda m: "assigned to you" in (m.subject or "")),
            "no assignment mail per activity",
        )

    def test_closed_and_standard_tickets_are_ignored(self):
        with self.at(T0):
            standard = self._create_ticket(groups=[("A", "", 2)])
            standard.next_update_deadline = T0
        with self.at(T0 + timedelta(hours=2)):
            self._run_watchdog()
        self.assertFalse(self._notes(standard, "Customer update overdue"))

    def test_batches_report_progress(self):
        with self.at(T0):
            tickets = self._create_scenario_ticket() | self._create_scenario_ticket()
        with self.at(T0 + timedelta(minutes=20)):
            found, remaining = self.Ticket._lock_newly_overdue(1)
            self.assertEqual(len(found), 1)
            self.assertGreaterEqual(remaining, 1)
            self.Ticket._cron_update_watchdog(batch_size=1)
            self.Ticket._cron_update_watchdog(batch_size=1)
        for ticket in tickets:
            self.assertEqual(len(self._notes(ticket, "Customer update overdue")), 1)

    def test_locked_ticket_is_skipped_not_waited_for(self):
        """Uses the demo ticket: committed, so another cursor can lock it."""
        demo = self.env.ref("helpdesk_expedite.helpdesk_ticket_exam_submission")
        self.assertTrue(demo.next_update_deadline)
        later = demo.next_update_deadline + timedelta(minutes=1)
        with self.env.registry.cursor() as other_cr:
            other_cr.execute(
                "SELECT id FROM helpdesk_ticket WHERE id = %s FOR UPDATE", [demo.id]
            )
            with self.at(later):
                self.env.cr.execute("SET LOCAL lock_timeout = '3s'")
                found, _remaining = self.Ticket._lock_newly_overdue(100)
            self.assertNotIn(demo, found)
            other_cr.rollback()
        with self.at(later):
            found, _remaining = self.Ticket._lock_newly_overdue(100)
        self.assertIn(demo, found)
