"""The monitoring webhook: POST /helpdesk_expedite/monitoring/<ticket id>."""

import json

from odoo import fields
from odoo.tests import tagged

from odoo.addons.helpdesk_expedite.controllers import monitoring_feed
from odoo.addons.helpdesk_expedite.lib import monitoring

from .common import ExpediteHttpCase

ROUTE = "/helpdesk_expedite/monitoring/%s"
GOOD_CHECK = {
    "success_rate": 100,
    "timeout_errors": 0,
    "manual_test_ok": True,
    "recurrence": False,
    "note": "Submission probe OK",
}


@tagged("post_install", "-at_install")
class TestMonitoringFeed(ExpediteHttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ticket = cls._resolve(cls._create_ticket())
        cls.token = cls.ticket.sudo().monitoring_token

    def setUp(self):
        super().setUp()
        # A session bound to the test database (no user): the route is
        # auth="none", it needs to know the database only.
        self.authenticate(None, None)

    # ------------------------------------------------------------------
    # helpers
    # ------------------------------------------------------------------
    def _post(self, ticket_id=None, body=None, token=None, raw=None, headers=None):
        """POST ``body`` (JSON-encoded) or ``raw`` bytes; token in the header."""
        ticket_id = self.ticket.id if ticket_id is None else ticket_id
        all_headers = {"Content-Type": "application/json"}
        if token is not None:
            all_headers["X-Monitoring-Token"] = token
        all_headers.update(headers or {})
        data = raw if raw is not None else json.dumps(body).encode()
        return self.opener.post(
            self.base_url() + ROUTE % ticket_id,
            data=data,
            headers=all_headers,
            timeout=30,
        )

    def _snapshot(self, ticket=None):
        """What a refused request must leave untouched."""
        ticket = ticket or self.ticket
        # Run the pending tracking (precommit) first, then read from the database.
        self.env.cr.flush()
        self.env.invalidate_all()
        return {
            "logs": self.env["helpdesk.ticket.monitoring.log"].search_count([]),
            "ticket_logs": len(ticket.monitoring_log_ids),
            "messages": self.env["mail.message"].search_count(
                [("model", "=", "helpdesk.ticket"), ("res_id", "=", ticket.id)]
            ),
            "state": ticket.monitoring_state,
            "stage": ticket.stage_id.id,
            "write_date": ticket.write_date,
        }

    def _assert_refused(self, response, status, error_part=None, before=None):
        self.assertEqual(response.status_code, status, response.text)
        self.assertTrue(
            response.headers.get("Content-Type", "").startswith("application/json"),
            response.headers.get("Content-Type"),
        )
        payload = response.json()
        self.assertIs(payload["ok"], False)
        self.assertTrue(payload["error"])
        if error_part:
            self.assertIn(error_part, payload["error"])
        if before is not None:
            self.assertEqual(self._snapshot(), before, "a refused request wrote data")

    def _assert_values_refused(self, field, *values):
        """Each value of ``field`` in an otherwise good check is refused
        (400, the field named), and nothing is written; returns the
        snapshot taken before."""
        before = self._snapshot()
        for value in values:
            with self.subTest(**{field: value}):
                response = self._post(
                    body=dict(GOOD_CHECK, **{field: value}), token=self.token
                )
                self._assert_refused(response, 400, field, before=before)
        return before

    # ------------------------------------------------------------------
    # accepted
    # ------------------------------------------------------------------
    def test_valid_post_logs_webhook_line(self):
        before = self._snapshot()
        response = self._post(body=GOOD_CHECK, token=self.token)
        self.assertEqual(response.status_code, 201, response.text)
        self.assertEqual(response.json(), {"ok": True, "monitoring_state": "running"})
        self.env.invalidate_all()
        self.assertEqual(len(self.ticket.monitoring_log_ids), before["ticket_logs"] + 1)
        log = self.ticket.monitoring_log_ids[:1]
        self.assertEqual(log.source, "webhook")
        self.assertEqual(log.success_rate, 100.0)
        self.assertEqual(log.timeout_errors, 0)
        self.assertTrue(log.manual_test_ok)
        self.assertFalse(log.recurrence)
        self.assertEqual(log.note, "Submission probe OK")
        # The window (15 minutes) has not ended: still running.
        self.assertEqual(self.ticket.monitoring_state, "running")

    def test_token_in_body(self):
        response = self._post(body=dict(GOOD_CHECK, token=self.token))
        self.assertEqual(response.status_code, 201, response.text)
        self.env.invalidate_all()
        self.assertEqual(self.ticket.monitoring_log_ids[:1].source, "webhook")

    def test_token_in_header_and_body(self):
        """A "token" key next to the header is not an unknown field."""
        response = self._post(body=dict(GOOD_CHECK, token=self.token), token=self.token)
        self.assertEqual(response.status_code, 201, response.text)

    def test_minimal_body_uses_defaults(self):
        response = self._post(body={"success_rate": 99.5}, token=self.token)
        self.assertEqual(response.status_code, 201, response.text)
        self.env.invalidate_all()
        log = self.ticket.monitoring_log_ids[:1]
        self.assertEqual(log.success_rate, 99.5)
        self.assertEqual(log.timeout_errors, 0)
        self.assertTrue(log.manual_test_ok)
        self.assertFalse(log.recurrence)
        self.assertFalse(log.note)

    def test_recurrence_fails_the_watch(self):
        response = self._post(
            body={"success_rate": 0, "timeout_errors": 12, "recurrence": True},
            token=self.token,
        )
        self.assertEqual(response.status_code, 201, response.text)
        self.assertEqual(response.json()["monitoring_state"], "failed")
        self.env.invalidate_all()
        self.assertEqual(self.ticket.monitoring_state, "failed")
        self.assertEqual(self.ticket.stage_id, self.stage_in_progress)

    # ------------------------------------------------------------------
    # refused: nothing written
    # ------------------------------------------------------------------
    def test_bad_json(self):
        before = self._snapshot()
        for raw in (b"{not json", b'{"success_rate": 100,}', b"\xff\xfe{}", b""):
            with self.subTest(raw=raw):
                response = self._post(raw=raw, token=self.token)
                self._assert_refused(response, 400, before=before)

    def test_deeply_nested_json(self):
        before = self._snapshot()
        raw = b"[" * 2000 + b"]" * 2000
        self._assert_refused(self._post(raw=raw, token=self.token), 400, before=before)

    def test_non_object_json(self):
        before = self._snapshot()
        for body in ([GOOD_CHECK], "success_rate", 100, None, True):
            with self.subTest(body=body):
                response = self._post(body=body, token=self.token)
                self._assert_refused(response, 400, "JSON object", before=before)

    def test_wrong_token(self):
        before = self._snapshot()
        for token in ("wrong", self.token[:-1], self.token + "x", "é" * 8):
            with self.subTest(token=token):
                response = self._post(
                    raw=json.dumps(dict(GOOD_CHECK, token=token)).encode()
                )
                self._assert_refused(response, 404, before=before)
        response = self._post(body=GOOD_CHECK, token="wrong")
        self._assert_refused(response, 404, before=before)
        # A non-ASCII header must not crash the comparison either.
        response = self._post(
            body=GOOD_CHECK,
            headers={"X-Monitoring-Token": "\xe9t\xe9".encode("latin-1")},
        )
        self._assert_refused(response, 404, before=before)

    def test_token_of_another_ticket(self):
        other = self._create_ticket(name="Another incident")
        before = self._snapshot()
        response = self._post(body=GOOD_CHECK, token=other.sudo().monitoring_token)
        self._assert_refused(response, 404, before=before)

    def test_non_string_token(self):
        before = self._snapshot()
        for token in (None, 123, [self.token], {"t": self.token}, True):
            with self.subTest(token=token):
                response = self._post(body=dict(GOOD_CHECK, token=token))
                self._assert_refused(response, 404, before=before)

    def test_missing_token(self):
        before = self._snapshot()
        self._assert_refused(self._post(body=GOOD_CHECK), 404, before=before)
        self._assert_refused(self._post(body=GOOD_CHECK, token=""), 404, before=before)

    def test_unknown_ticket(self):
        before = self._snapshot()
        missing_id = (
            self.env["helpdesk.ticket"].search([], order="id desc", limit=1).id + 1000
        )
        response = self._post(ticket_id=missing_id, body=GOOD_CHECK, token=self.token)
        self._assert_refused(response, 404, before=before)

    def test_closed_ticket(self):
        self.ticket.with_user(self.manager).write(
            {
                "closure_override_reason": "Test: closed early",
                "stage_id": self.stage_done.id,
            }
        )
        self.assertTrue(self.ticket.closed)
        before = self._snapshot()
        response = self._post(body=GOOD_CHECK, token=self.token)
        self._assert_refused(response, 409, "not being monitored", before=before)

    def test_ticket_not_in_monitoring(self):
        fresh = self._create_ticket(name="Still investigating")
        self.assertEqual(fresh.monitoring_state, "not_started")
        before = self._snapshot(fresh)
        response = self._post(
            ticket_id=fresh.id, body=GOOD_CHECK, token=fresh.sudo().monitoring_token
        )
        self._assert_refused(response, 409, "not being monitored")
        self.assertEqual(self._snapshot(fresh), before)

    def test_archived_ticket(self):
        self.ticket.active = False
        before = self._snapshot()
        response = self._post(body=GOOD_CHECK, token=self.token)
        self._assert_refused(response, 409, before=before)

    def test_success_rate_out_of_range(self):
        self._assert_values_refused("success_rate", 150, -1, 100.01, 1e309)

    def test_success_rate_not_a_number(self):
        before = self._assert_values_refused(
            "success_rate", "abc", "100", None, True, [100], {"v": 1}
        )
        # NaN and Infinity are accepted by Python's JSON parser: refuse them.
        for literal in (b"NaN", b"Infinity", b"-Infinity"):
            with self.subTest(literal=literal):
                response = self._post(
                    raw=b'{"success_rate": ' + literal + b"}", token=self.token
                )
                self._assert_refused(response, 400, "success_rate", before=before)
        response = self._post(body={"timeout_errors": 0}, token=self.token)
        self._assert_refused(response, 400, "success_rate", before=before)

    def test_bad_timeout_errors(self):
        self._assert_values_refused(
            "timeout_errors", -1, 1.5, "3", True, None, 2**31, 10**30
        )

    def test_bad_flags_and_note(self):
        self._assert_values_refused("manual_test_ok", "yes", 1)
        self._assert_values_refused("recurrence", "false", None)
        too_long = "x" * (monitoring.MAX_NOTE_CHARS + 1)
        # a lone surrogate (JSON "\ud800"): UTF-8 cannot store it, a 500 before
        self._assert_values_refused("note", 12, ["a"], too_long, "probe \ud800")

    def test_note_with_nul_character(self):
        """PostgreSQL refuses NUL in text: it must not turn into a 500."""
        response = self._post(
            body=dict(GOOD_CHECK, note="probe\x00OK"), token=self.token
        )
        self.assertEqual(response.status_code, 201, response.text)
        self.env.invalidate_all()
        self.assertEqual(self.ticket.monitoring_log_ids[:1].note, "probeOK")

    def test_oversized_body(self):
        before = self._snapshot()
        body = dict(GOOD_CHECK, note="x" * monitoring_feed.MAX_BODY_BYTES)
        response = self._post(body=body, token=self.token)
        self._assert_refused(response, 413, before=before)

    def test_unknown_fields(self):
        before = self._snapshot()
        for extra in ({"source": "manual"}, {"ticket_id": 1}, {"user_id": 2}):
            with self.subTest(extra=extra):
                response = self._post(body=dict(GOOD_CHECK, **extra), token=self.token)
                self._assert_refused(response, 400, "Unknown fields", before=before)

    def test_get_not_allowed(self):
        before = self._snapshot()
        response = self.url_open(ROUTE % self.ticket.id)
        self.assertEqual(response.status_code, 405)
        self.assertEqual(self._snapshot(), before)

    # ------------------------------------------------------------------
    # rate limit and token rotation
    # ------------------------------------------------------------------
    def _in_one_rate_window(self):
        """The limits count per clock minute: a burst that crossed into the
        next minute would start a new count. The clock stops early in one."""
        return self.at(fields.Datetime.now().replace(second=1, microsecond=0))

    def test_rate_limit_per_ticket(self):
        with self._in_one_rate_window():
            limit = monitoring_feed.RATE_LIMIT_COUNT
            for _i in range(limit):
                response = self._post(body=GOOD_CHECK, token=self.token)
                self.assertEqual(response.status_code, 201, response.text)
            before = self._snapshot()
            self.assertEqual(before["ticket_logs"], limit)
            response = self._post(body=GOOD_CHECK, token=self.token)
            self._assert_refused(response, 429, before=before)
            # Another ticket has its own budget.
            other = self._create_ticket(name="Second incident")
            other.write({"root_cause": "Cause", "resolution_summary": "Fix"})
            other.action_mark_resolved()
            response = self._post(
                ticket_id=other.id, body=GOOD_CHECK, token=other.sudo().monitoring_token
            )
            self.assertEqual(response.status_code, 201, response.text)

    def test_rate_limit_ignores_wrong_tokens(self):
        """Someone without the token cannot use up the ticket's budget."""
        for _i in range(monitoring_feed.RATE_LIMIT_COUNT + 5):
            self._post(body=GOOD_CHECK, token="wrong")
        response = self._post(body=GOOD_CHECK, token=self.token)
        self.assertEqual(response.status_code, 201, response.text)

    def test_wrong_tokens_are_limited(self):
        """Guessing tokens is slowed down: after the limit, 429 and Retry-After
        (the counter lives in the database, shared by all workers)."""
        with self._in_one_rate_window():
            for _i in range(monitoring_feed.FAILED_LIMIT_COUNT):
                self.assertEqual(
                    self._post(body=GOOD_CHECK, token="wrong").status_code, 404
                )
            response = self._post(body=GOOD_CHECK, token="wrong")
            self.assertEqual(response.status_code, 429)
            self.assertGreater(int(response.headers["Retry-After"]), 0)
            self.assertEqual(
                self.env["helpdesk.expedite.throttle"]
                .sudo()
                .search([("key", "like", "feed-failed:")])
                .hits,
                monitoring_feed.FAILED_LIMIT_COUNT + 1,
            )

    def test_chunked_body_is_limited_while_reading(self):
        """A body without Content-Length is cut at the limit, not read whole."""

        def chunks():
            yield b'{"success_rate": 100, "note": "'
            for _i in range(64):
                yield b"x" * 1024
            yield b'"}'

        before = self._snapshot()
        response = self.opener.post(
            self.base_url() + ROUTE % self.ticket.id,
            data=chunks(),
            headers={"X-Monitoring-Token": self.token},
            timeout=30,
        )
        self._assert_refused(response, 413, before=before)

    def test_regenerated_token_replaces_old_one(self):
        old_token = self.token
        self.ticket.action_regenerate_monitoring_token()
        new_token = self.ticket.sudo().monitoring_token
        self.assertTrue(new_token)
        self.assertNotEqual(new_token, old_token)
        before = self._snapshot()
        self._assert_refused(
            self._post(body=GOOD_CHECK, token=old_token), 404, before=before
        )
        response = self._post(body=GOOD_CHECK, token=new_token)
        self.assertEqual(response.status_code, 201, response.text)

    def test_tokens_are_unique_per_ticket(self):
        tickets = self.env["helpdesk.ticket"].with_context(active_test=False).search([])
        tokens = [t for t in tickets.sudo().mapped("monitoring_token") if t]
        self.assertEqual(
            len(tokens), len(set(tokens)), "tickets share a monitoring token"
        )
