"""An email escalation follows the real outcome of its mail, and the
watchdog queues again only the ticket mails worth sending again.

The mails go to a real SMTP server on 127.0.0.1 (``smtp_sink``) through
Odoo's own mail queue: accepted, refused for a while (451), refused for good
(550), or not reachable at all (the port closed). A header with a line break
fails in Odoo before any SMTP exchange.
"""

from datetime import timedelta

from odoo import fields
from odoo.tests import tagged
from odoo.tools import mute_logger

from ..lib import retry
from .common import ExpediteCase
from .smtp_sink import ACCEPT, DEFER, REJECT, SmtpSink, real_smtp

BAD_SUBJECT = "Exam down\r\nBcc: x@example.com"


class SmtpCase(ExpediteCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sink = SmtpSink().__enter__()
        cls.addClassCleanup(cls.sink.down)
        cls.env["ir.mail_server"].search([]).write({"active": False})
        cls.env["ir.mail_server"].create(
            {
                "name": "Test sink",
                "smtp_host": "127.0.0.1",
                "smtp_port": cls.sink.port,
                "smtp_encryption": "none",
            }
        )
        cls.Escalation = cls.env["helpdesk.ticket.escalation"]

    def setUp(self):
        super().setUp()
        self.sink.up()
        self.sink.rcpt_reply = ACCEPT
        self.sink.received.clear()
        self.sink.recipients.clear()

    # Odoo logs each mail that fails (an ERROR with its traceback), and the
    # add-on each failed attempt (a WARNING): these tests make them fail
    @mute_logger(
        "odoo.addons.mail.models.mail_mail",
        "odoo.addons.helpdesk_expedite.models.helpdesk_ticket_escalation.delivery",
    )
    def _run_mail_queue(self, mails):
        """The mail queue's cron, on these mails only."""
        with real_smtp():
            self.env["mail.mail"].sudo().process_email_queue(ids=mails.ids)
        self.env.invalidate_all()

    def _run_delivery(self):
        self.Escalation._cron_deliver_escalations()
        self.env.invalidate_all()

    def _received_by(self, address):
        """Messages the sink accepted for ``address`` (other mails of the
        tests go out too where the test mode is not set, under pytest)."""
        return [rcpts for rcpts in self.sink.recipients if address in rcpts]


@tagged("post_install", "-at_install")
class TestEscalationMailOutcome(SmtpCase):
    def _escalate(self):
        ticket = self._create_scenario_ticket()
        ticket.with_user(self.agent).action_escalate()
        escalation = ticket.escalation_ids
        self.assertEqual(
            (escalation.state, escalation.attempt_count),
            ("queued", 0),
            "queued until the mail queue has tried its mail",
        )
        return escalation, escalation.sudo().mail_id

    def _failure_alerts(self, escalation):
        return escalation.ticket_id.activity_ids.filtered(
            lambda a: a.summary == "Escalation to Dev Team (test) failed"
        )

    def test_mail_accepted_marks_the_escalation_sent(self):
        escalation, mail = self._escalate()
        self.assertEqual(mail.state, "outgoing")
        self._run_mail_queue(mail)
        self.assertEqual(mail.state, "sent")
        self.assertEqual(self._received_by("dev@example.com"), [["dev@example.com"]])
        self.assertEqual((escalation.state, escalation.attempt_count), ("sent", 1))
        self.assertTrue(escalation.sent_date)
        self.assertFalse(escalation.last_error)

    def test_bad_header_fails_at_once_alerts_and_is_not_retried(self):
        """Finding 19.3: the mail failed ("Header values may not contain
        linefeed") and the escalation still showed sent."""
        escalation, mail = self._escalate()
        mail.subject = BAD_SUBJECT  # as a title with a line break renders
        self._run_mail_queue(mail)
        self.assertEqual(mail.state, "exception")
        self.assertEqual((escalation.state, escalation.attempt_count), ("failed", 1))
        self.assertIn("linefeed", escalation.last_error)
        (alert,) = self._failure_alerts(escalation)
        self.assertEqual(alert.user_id, self.agent)
        self.assertIn("would fail the same way", alert.note)
        # nothing queues it again: neither the delivery cron nor the watchdog
        with self.at(fields.Datetime.now() + timedelta(hours=2)):
            self._run_delivery()
            self.env["helpdesk.ticket"]._cron_update_watchdog()
        self.assertEqual((mail.state, escalation.state), ("exception", "failed"))
        self.assertEqual(self._received_by("dev@example.com"), [])
        self.assertEqual(self._received_by("x@example.com"), [])

    def test_refused_recipient_fails_at_once(self):
        self.sink.rcpt_reply = REJECT
        escalation, mail = self._escalate()
        self._run_mail_queue(mail)
        self.assertEqual((escalation.state, escalation.attempt_count), ("failed", 1))
        self.assertIn("550", escalation.last_error)
        self.assertEqual(len(self._failure_alerts(escalation)), 1)

    def test_server_down_is_retried_after_the_back_off_then_sent(self):
        self.sink.down()
        escalation, mail = self._escalate()
        started = fields.Datetime.now()
        self._run_mail_queue(mail)
        self.assertEqual((escalation.state, escalation.attempt_count), ("queued", 1))
        self.assertIn("Connection", escalation.last_error)
        self.assertGreater(escalation.next_attempt_date, started)
        self.assertFalse(self._failure_alerts(escalation))
        self._run_delivery()  # not due yet
        self.assertEqual(mail.state, "exception")
        self.sink.up()
        with self.at(escalation.next_attempt_date + timedelta(seconds=1)):
            self._run_delivery()
            self.assertEqual(mail.state, "outgoing")
            self.assertFalse(escalation.next_attempt_date)
            self._run_mail_queue(mail)
        self.assertEqual((escalation.state, escalation.attempt_count), ("sent", 2))
        self.assertEqual(self._received_by("dev@example.com"), [["dev@example.com"]])

    def test_temporary_refusal_is_retried(self):
        self.sink.rcpt_reply = DEFER
        escalation, mail = self._escalate()
        self._run_mail_queue(mail)
        self.assertEqual((escalation.state, escalation.attempt_count), ("queued", 1))
        self.assertIn("451", escalation.last_error)

    def test_transient_failures_fail_after_the_attempts_and_alert(self):
        self.sink.down()
        escalation, mail = self._escalate()
        now = fields.Datetime.now()
        for attempt in range(1, retry.MAX_ATTEMPTS + 1):
            with self.at(now):
                self._run_delivery()  # queues the mail again when due
                self._run_mail_queue(mail)
            self.assertEqual(escalation.attempt_count, attempt)
            now = (escalation.next_attempt_date or now) + timedelta(seconds=1)
        self.assertEqual(escalation.state, "failed")
        (alert,) = self._failure_alerts(escalation)
        self.assertIn(f"after {retry.MAX_ATTEMPTS} attempts", alert.note)

    def test_an_outcome_the_mail_queue_could_not_record_is_caught_up(self):
        escalation, mail = self._escalate()
        mail.state = "sent"  # sent, the escalation locked at that moment
        self._run_delivery()
        self.assertEqual((escalation.state, escalation.attempt_count), ("sent", 1))

    def test_sending_again_cancels_the_mail_not_sent_yet(self):
        escalation, first = self._escalate()
        escalation.with_user(self.agent).action_send()
        second = escalation.sudo().mail_id
        self.assertNotEqual(second, first)
        self.assertEqual((first.state, second.state), ("cancel", "outgoing"))
        self._run_mail_queue(first | second)
        self.assertEqual(len(self._received_by("dev@example.com")), 1)
        self.assertEqual(escalation.state, "sent")

    def test_retry_of_a_failed_mail_escalation_sends_a_new_mail(self):
        self.sink.rcpt_reply = REJECT
        escalation, first = self._escalate()
        self._run_mail_queue(first)
        self.assertEqual(escalation.state, "failed")
        self.sink.rcpt_reply = ACCEPT
        escalation.with_user(self.agent).action_retry()
        second = escalation.sudo().mail_id
        self.assertEqual((escalation.state, escalation.attempt_count), ("queued", 0))
        self._run_mail_queue(second)
        self.assertEqual((escalation.state, escalation.attempt_count), ("sent", 1))


@tagged("post_install", "-at_install")
class TestWatchdogRequeuesTicketMails(SmtpCase):
    """Ticket mails (customer updates) that failed: queued again by the
    watchdog when the failure was transient, left failed when not."""

    def _failed_update_mail(self, subject=None):
        ticket = self._create_scenario_ticket()
        ticket.with_context(mail_notify_force_send=False).action_post_status_update(
            "Rollback started."
        )
        mail = (
            self.env["mail.mail"]
            .sudo()
            .search(
                [("model", "=", "helpdesk.ticket"), ("res_id", "=", ticket.id)],
                order="id desc",
                limit=1,
            )
        )
        if subject:
            mail.subject = subject
        self._run_mail_queue(mail)
        self.assertEqual(mail.state, "exception")
        return mail

    def _watchdog(self, when=None):
        with self.at(when or fields.Datetime.now()):
            self.env["helpdesk.ticket"]._cron_update_watchdog()
        self.env.invalidate_all()

    def test_server_down_is_queued_again(self):
        self.sink.down()
        mail = self._failed_update_mail()
        self._watchdog()
        self.assertEqual(mail.state, "outgoing")

    def test_temporary_refusal_is_queued_again(self):
        self.sink.rcpt_reply = DEFER
        mail = self._failed_update_mail()
        self._watchdog()
        self.assertEqual(mail.state, "outgoing")

    def test_bad_header_and_refused_recipient_stay_failed(self):
        bad_header = self._failed_update_mail(subject=BAD_SUBJECT)
        self.sink.rcpt_reply = REJECT
        refused = self._failed_update_mail()
        self._watchdog()
        self.assertEqual((bad_header.state, refused.state), ("exception", "exception"))

    def test_an_old_failure_is_left_to_a_person(self):
        self.sink.down()
        mail = self._failed_update_mail()
        self._watchdog(fields.Datetime.now() + timedelta(hours=25))
        self.assertEqual(mail.state, "exception")
