"""Teams delivery against a real local HTTP server: no mocked ``requests``."""

import json
import socket
import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from odoo import fields
from odoo.tests import common as odoo_test_common
from odoo.tests import tagged

from ..lib import teams_card, webhook_post, webhook_safety
from .common import ExpediteCase

SECRET = "sig-S3cr3tW3bh00k"
WEBHOOK_PATH = f"/workflows/abc/triggers/manual/paths/invoke?sig={SECRET}"
READ_TIMEOUT = 0.3


class FakeTeams:
    """A webhook server on 127.0.0.1 replying as scripted.

    Each reply is (status, headers, delay in seconds); the last one repeats.
    """

    def __init__(self, protocol="HTTP/1.0"):
        self.received = []
        self.broken_replies = 0
        self.replies = [(200, {}, 0)]
        self.in_flight = self.max_in_flight = 0
        self.client_ports = set()
        self._lock = threading.Lock()
        self.server = ThreadingHTTPServer(
            ("127.0.0.1", 0), self._handler_class(protocol)
        )
        self.server.daemon_threads = True
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}
        )
        self.thread.daemon = True

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server.server_address[1]}{WEBHOOK_PATH}"

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)

    def wait_for_requests(self, count, timeout=5.0):
        """Wait until ``count`` requests have been read: a client that gave up
        waiting for the reply may return before this server's thread, on a
        busy machine, has read its request."""
        deadline = time.monotonic() + timeout
        while len(self.received) < count and time.monotonic() < deadline:
            time.sleep(0.02)

    def script(self, *replies):
        self.replies = list(replies)

    def _next_reply(self, request):
        with self._lock:
            self.received.append(request)
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
            if len(self.replies) > 1:
                return self.replies.pop(0)
            return self.replies[0]

    def _handler_class(self, protocol):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = protocol

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                status, headers, delay = fake._next_reply(
                    {"path": self.path, "headers": dict(self.headers), "body": body}
                )
                with fake._lock:
                    fake.client_ports.add(self.client_address[1])
                if delay:
                    time.sleep(delay)
                with fake._lock:
                    fake.in_flight -= 1
                try:
                    self.send_response(status)
                    for name, value in headers.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", "2")
                    self.end_headers()
                    self.wfile.write(b"ok")
                except OSError:
                    fake.broken_replies += 1  # the client gave up waiting

            def log_message(self, *args):
                pass

        return Handler


@tagged("post_install", "-at_install")
class TestTeamsDelivery(ExpediteCase):
    # Newer Odoo builds stretch every outgoing timeout under 10 s in tests.
    # The posts of these tests pass through that guard (it compares the
    # timeout with a number); only the test of the timeout itself keeps its
    # short read timeout, by sending to the stand-in without the guard.
    keep_short_timeouts = False

    @classmethod
    def _request_handler(cls, s, r, /, **kw):
        if cls.keep_short_timeouts and r.url.startswith("http://127.0.0.1:"):
            return odoo_test_common._super_send(s, r, **kw)
        return super()._request_handler(s, r, **kw)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Escalation = cls.env["helpdesk.ticket.escalation"]
        cls.cron = cls.env.ref("helpdesk_expedite.ir_cron_escalation_delivery")
        cls.ticket = cls._create_scenario_ticket()
        cls.env["ir.config_parameter"].set_param(
            "helpdesk_expedite.teams_timeout", f"2,{READ_TIMEOUT}"
        )

    def setUp(self):
        super().setUp()
        self.teams = FakeTeams().start()
        self.addCleanup(self.teams.stop)
        self.target = self.env["helpdesk.escalation.target"].create(
            {
                "name": "Dev Team channel (test)",
                "channel": "teams",
                "teams_webhook_url": self.teams.url,
            }
        )
        self.now = fields.Datetime.now()

    def _escalate(self, ticket=None, user=None):
        ticket = (ticket or self.ticket).with_user(user or self.env.user)
        with self.at(self.now):
            ticket.action_escalate(target_id=self.target.id)
        return ticket.sudo().escalation_ids.filtered(
            lambda e: e.target_id == self.target
        )

    def _deliver(self, after=timedelta(0)):
        with self.at(self.now + after):
            self.Escalation._cron_deliver_escalations()

    def _deliver_failing(self, after=timedelta(0)):
        """A delivery run whose attempt fails: the failure must be logged as a
        warning (captured here, so it stays out of the test log)."""
        with self.assertLogs("odoo.addons.helpdesk_expedite", "WARNING") as logs:
            self._deliver(after)
        return " ".join(logs.output)

    def _card(self, request_index=0):
        payload = json.loads(self.teams.received[request_index]["body"])
        (attachment,) = payload["attachments"]
        return payload, attachment["content"]

    def _facts(self, card):
        (fact_set,) = [b for b in card["body"] if b["type"] == "FactSet"]
        return {fact["title"]: fact["value"] for fact in fact_set["facts"]}

    # ------------------------------------------------------------------
    # Outbox: nothing is posted from the user's transaction
    # ------------------------------------------------------------------

    def test_escalate_posts_nothing_and_triggers_the_cron(self):
        triggers = self.env["ir.cron.trigger"].search([("cron_id", "=", self.cron.id)])
        escalation = self._escalate(user=self.agent)
        self.assertEqual(escalation.state, "queued")
        self.assertEqual(escalation.next_attempt_date, self.now)
        self.assertEqual(self.teams.received, [])
        new_triggers = (
            self.env["ir.cron.trigger"].search([("cron_id", "=", self.cron.id)])
            - triggers
        )
        self.assertEqual(len(new_triggers), 1)
        self.assertEqual(new_triggers.call_at, self.now)
        self._deliver()
        self.assertEqual(len(self.teams.received), 1)

    def test_rolled_back_escalation_is_never_posted(self):
        with self.assertRaises(RuntimeError), self.env.cr.savepoint():
            self._escalate()
            raise RuntimeError("the user's transaction fails after escalating")
        self.assertFalse(self.ticket.escalation_ids)
        self.assertFalse(self.ticket.escalated_date)
        self._deliver(timedelta(minutes=5))
        self.assertEqual(self.teams.received, [])

    # ------------------------------------------------------------------
    # Success
    # ------------------------------------------------------------------

    def test_success_posts_one_adaptive_card(self):
        escalation = self._escalate()
        self._deliver(timedelta(seconds=5))
        self.assertEqual(escalation.state, "sent")
        self.assertEqual(escalation.sent_date, self.now + timedelta(seconds=5))
        self.assertEqual(escalation.attempt_count, 1)
        self.assertFalse(escalation.last_error)
        self.assertFalse(escalation.next_attempt_date)
        self.assertEqual(len(self.teams.received), 1)
        request = self.teams.received[0]
        self.assertEqual(request["path"], WEBHOOK_PATH)
        self.assertIn("application/json", request["headers"]["Content-Type"])
        self.assertLess(len(request["body"]), 28 * 1024)
        payload, card = self._card()
        self.assertEqual(payload["type"], "message")
        self.assertEqual(len(payload["attachments"]), 1)
        self.assertEqual(
            payload["attachments"][0]["contentType"],
            "application/vnd.microsoft.card.adaptive",
        )
        self.assertEqual(card["type"], "AdaptiveCard")
        facts = self._facts(card)
        self.assertEqual(facts["Affected users"], "20 + 18 + 15 = 53")
        self.assertEqual(facts["Affected groups"], "3")
        self.assertEqual(facts["Failure rate"], "100%")
        self.assertEqual(facts["Class of service"], "Expedite")
        self.assertIn("Campus Director", facts["Executive involvement"])
        self.assertEqual(facts["Business impact"], "Final exams blocked")
        actions = {action["title"]: action["url"] for action in card["actions"]}
        self.assertEqual(actions["Open ticket"], self.ticket._get_backend_url())
        self.assertIn(
            f"/helpdesk_expedite/escalation/{escalation.id}/acknowledge?token=",
            actions["Acknowledge"],
        )
        # a second run does not post again
        self._deliver(timedelta(minutes=10))
        self.assertEqual(len(self.teams.received), 1)

    def test_one_run_delivers_every_due_escalation(self):
        other = self._create_ticket(
            groups=[("WEB201-DN", "Da Nang", 30)], name="Grades page down"
        )
        with self.at(self.now):
            (self.ticket | other).action_escalate(target_id=self.target.id)
        escalations = (self.ticket | other).escalation_ids
        self.assertEqual(len(escalations), 2)
        self._deliver()
        self.assertEqual(set(escalations.mapped("state")), {"sent"})
        self.assertEqual(len(self.teams.received), 2)

    def test_the_scheduled_action_delivers(self):
        escalation = self._escalate()
        with self.at(self.now):
            self.cron.method_direct_trigger()
        self.assertEqual(escalation.state, "sent")
        self.assertEqual(len(self.teams.received), 1)

    def test_acknowledged_before_delivery_is_not_posted(self):
        escalation = self._escalate()
        escalation.action_mark_acknowledged()
        self._deliver()
        self.assertEqual(self.teams.received, [])
        self.assertEqual(escalation.state, "acknowledged")

    # ------------------------------------------------------------------
    # Failures and retries
    # ------------------------------------------------------------------

    def test_timeout_keeps_the_escalation_queued(self):
        self.patch(type(self), "keep_short_timeouts", True)
        self.teams.script((200, {}, READ_TIMEOUT + 1.0))
        escalation = self._escalate()
        started = time.monotonic()
        with self.assertLogs("odoo.addons.helpdesk_expedite", "WARNING"):
            self.Escalation._cron_deliver_escalations()
        self.assertLess(time.monotonic() - started, READ_TIMEOUT + 0.9)
        self.teams.wait_for_requests(1)
        self.assertEqual(len(self.teams.received), 1)
        self.assertEqual(escalation.state, "queued")
        self.assertEqual(escalation.attempt_count, 1)
        self.assertIn("timeout", escalation.last_error.lower())
        self.assertGreater(escalation.next_attempt_date, fields.Datetime.now())
        self.assertNotIn(SECRET, escalation.last_error)

    def test_server_error_then_success_on_the_retry(self):
        self.teams.script((500, {}, 0), (200, {}, 0))
        escalation = self._escalate()
        self._deliver_failing()
        self.assertEqual(escalation.state, "queued")
        self.assertEqual(escalation.attempt_count, 1)
        self.assertIn("HTTP 500", escalation.last_error)
        self.assertEqual(escalation.next_attempt_date, self.now + timedelta(seconds=30))
        # not due yet: nothing posted
        self._deliver(timedelta(seconds=20))
        self.assertEqual(len(self.teams.received), 1)
        self._deliver(timedelta(seconds=31))
        self.assertEqual(len(self.teams.received), 2)
        self.assertEqual(escalation.state, "sent")
        self.assertEqual(escalation.attempt_count, 2)
        self.assertEqual(escalation.sent_date, self.now + timedelta(seconds=31))
        self.assertFalse(escalation.last_error)

    def test_rate_limited_waits_for_retry_after(self):
        self.teams.script((429, {"Retry-After": "120"}, 0), (200, {}, 0))
        escalation = self._escalate()
        self._deliver_failing()
        self.assertEqual(escalation.state, "queued")
        self.assertIn("HTTP 429", escalation.last_error)
        self.assertEqual(
            escalation.next_attempt_date, self.now + timedelta(seconds=120)
        )
        self._deliver(timedelta(seconds=119))
        self.assertEqual(len(self.teams.received), 1)
        self._deliver(timedelta(seconds=120))
        self.assertEqual(escalation.state, "sent")

    def test_fails_after_five_attempts_and_alerts_the_assignee(self):
        self.teams.script((500, {}, 0))
        escalation = self._escalate()
        for attempt in range(1, 6):
            self._deliver_failing(timedelta(hours=attempt))
            self.assertEqual(escalation.attempt_count, attempt)
        self.assertEqual(len(self.teams.received), 5)
        self.assertEqual(escalation.state, "failed")
        self.assertFalse(escalation.next_attempt_date)
        self.assertIn("HTTP 500", escalation.last_error)
        activity = self.ticket.activity_ids.filtered(
            lambda a: "Escalation to Dev Team channel (test) failed" in a.summary
        )
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.agent)
        self.assertIn("5 attempts", str(activity.note))
        # a failed escalation is not retried by the cron...
        self._deliver(timedelta(days=1))
        self.assertEqual(len(self.teams.received), 5)
        # ...only by a person
        self.teams.script((200, {}, 0))
        with self.at(self.now + timedelta(days=1)):
            escalation.with_user(self.agent).action_retry()
        self._deliver(timedelta(days=1))
        self.assertEqual(escalation.state, "sent")
        self.assertEqual(escalation.attempt_count, 1)

    def test_unreachable_webhook_does_not_leak_its_secret(self):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            closed_port = probe.getsockname()[1]
        self.target.teams_webhook_url = f"http://127.0.0.1:{closed_port}{WEBHOOK_PATH}"
        escalation = self._escalate(user=self.agent)
        logged = self._deliver_failing()
        self.assertNotIn(SECRET, logged)
        self.assertEqual(escalation.state, "queued")
        self.assertIn("ConnectionError", escalation.last_error)
        self.assertNotIn(SECRET, escalation.last_error)
        self.assertNotIn("/workflows/abc", escalation.last_error)
        self.assertEqual(
            escalation.with_user(self.agent).last_error, escalation.last_error
        )

    def test_url_checked_again_before_each_post(self):
        """Allowed when saved, internal when delivered (an allowance
        withdrawn, or DNS now answering a private address): not posted."""
        self.target.teams_webhook_url = self.teams.url.replace("http:", "https:")
        escalation = self._escalate()
        self.env["ir.config_parameter"].set_param(
            "helpdesk_expedite.webhook_allowed_hosts", "teams.example.com"
        )
        self._deliver_failing()
        self.assertEqual(self.teams.received, [])
        self.assertEqual(escalation.state, "queued")
        self.assertEqual(escalation.attempt_count, 1)
        self.assertIn("not a public address", escalation.last_error)

    # ------------------------------------------------------------------
    # Throughput
    # ------------------------------------------------------------------

    def test_one_card_in_flight_over_one_connection(self):
        """A run posts every due escalation one at a time (a crash can then
        post again only the card in flight) over one kept-alive connection,
        without a chatter message per delivery."""
        keep_alive = FakeTeams(protocol="HTTP/1.1").start()
        self.addCleanup(keep_alive.stop)
        self.target.teams_webhook_url = keep_alive.url
        tickets = self.ticket | self.Ticket.union(
            *(self._create_ticket(name=f"Outage {i}") for i in range(3))
        )
        with self.at(self.now):
            tickets.action_escalate(target_id=self.target.id)
        escalations = tickets.escalation_ids.filtered(
            lambda e: e.target_id == self.target
        )
        self.assertEqual(len(escalations), 4)
        messages = escalations.message_ids
        keep_alive.script((202, {}, 0.05))
        self._deliver()
        self.assertEqual(set(escalations.mapped("state")), {"sent"})
        self.assertEqual(len(keep_alive.received), 4)
        self.assertEqual(keep_alive.max_in_flight, 1)
        self.assertEqual(len(keep_alive.client_ports), 1, "a connection per post")
        self.assertEqual(
            escalations.message_ids, messages, "no chatter message per delivery"
        )

    def test_poster_checks_the_url_before_each_post(self):
        allowed = frozenset({"127.0.0.1"})
        with webhook_post.WebhookPoster(allowed) as poster:
            posted = poster.post(self.teams.url, {"n": 1}, (2, 2))
            poster.allowed_hosts = frozenset()
            internal = poster.post(
                self.teams.url.replace("http:", "https:"), {}, (2, 2)
            )
            not_https = poster.post(self.teams.url, {}, (2, 2))
        self.assertEqual(posted.status_code, 200)
        self.assertIsNone(posted.problem)
        self.assertEqual(internal.problem, webhook_safety.NOT_PUBLIC)
        self.assertEqual(not_https.problem, webhook_safety.NOT_HTTPS)
        self.assertEqual(len(self.teams.received), 1)

    # ------------------------------------------------------------------
    # Card content
    # ------------------------------------------------------------------

    def test_user_text_is_escaped_in_the_card(self):
        self.ticket.error_message = "<script>*x*</script> [pwn](http://evil)"
        self._escalate()
        self._deliver()
        body = self.teams.received[0]["body"].decode()
        self.assertNotIn("<script>", body)
        _payload, card = self._card()
        self.assertEqual(
            self._facts(card)["Error message"],
            r"\<script\>\*x\*\</script\> \[pwn\](http://evil)",
        )

    def test_card_that_cannot_fit_fails_at_once(self):
        self.env["ir.config_parameter"].set_param(
            "web.base.url", "http://odoo.example.com/" + "x" * 40_000
        )
        escalation = self._escalate()
        self._deliver_failing()
        self.assertEqual(self.teams.received, [])
        self.assertEqual(escalation.state, "failed")
        self.assertEqual(escalation.attempt_count, 1)  # the attempts made
        self.assertIn("cannot fit", escalation.last_error)
        self.assertTrue(
            self.ticket.activity_ids.filtered(lambda a: "failed" in a.summary)
        )

    def test_huge_business_impact_still_fits(self):
        self.ticket.business_impact = "Final exams blocked. " * 10_000  # 210 KB
        escalation = self._escalate()
        self._deliver()
        self.assertEqual(escalation.state, "sent")
        body = self.teams.received[0]["body"]
        self.assertLess(len(body), teams_card.MAX_PAYLOAD_BYTES)
        _payload, card = self._card()
        self.assertEqual(self._facts(card)["Affected users"], "20 + 18 + 15 = 53")
        self.assertTrue(self._facts(card)["Business impact"].endswith("…"))
