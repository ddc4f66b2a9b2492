import json

from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import ExpediteCase, ExpediteHttpCase


@tagged("post_install", "-at_install")
class TestBadInput(ExpediteCase):
    def _assert_refused(self, message, func):
        tickets, lines = (
            self.Ticket.search_count([]),
            self.env["helpdesk.ticket.impact.line"].search_count([]),
        )
        with self.assertRaisesRegex(ValidationError, message), self.env.cr.savepoint():
            func()
            self.env.flush_all()
        self.assertEqual(self.Ticket.search_count([]), tickets)
        self.assertEqual(
            self.env["helpdesk.ticket.impact.line"].search_count([]), lines
        )

    def test_negative_affected_users(self):
        self._assert_refused(
            "cannot be negative", lambda: self._create_ticket(groups=[("A", "", -1)])
        )

    def test_negative_users_on_existing_line(self):
        ticket = self._create_ticket()
        self._assert_refused(
            "cannot be negative",
            lambda: ticket.impact_line_ids[0].write({"affected_users": -5}),
        )
        self.assertEqual(ticket.impact_line_ids[0].affected_users, 20)

    def test_failure_rate_range(self):
        for rate in (-0.1, 100.01, 150):
            self._assert_refused(
                "between 0 and 100",
                lambda rate=rate: self._create_ticket(failure_rate=rate),
            )

    def test_duplicate_group_on_one_ticket(self):
        self._assert_refused(
            "WEB102-HN|web102-hn",
            lambda: self._create_ticket(
                groups=[("WEB102-HN", "", 1), ("web102-hn", "", 2)]
            ),
        )

    def test_duplicate_group_added_later(self):
        ticket = self._create_ticket()
        self._assert_refused(
            "listed more than once",
            lambda: ticket.write(
                {
                    "impact_line_ids": [
                        Command.create({"name": "DATA101-SG", "affected_users": 1})
                    ]
                }
            ),
        )
        self.assertEqual(ticket.affected_user_count, 53)

    def test_same_group_on_two_tickets_is_fine(self):
        first, second = self._create_ticket(), self._create_ticket()
        self.assertEqual(first.impact_line_ids[0].name, second.impact_line_ids[0].name)

    def test_lock_without_reason(self):
        ticket = self._create_ticket()
        self._assert_refused(
            "Say why", lambda: ticket.write({"class_of_service_locked": True})
        )
        self.assertFalse(ticket.class_of_service_locked)

    def test_rule_with_bad_threshold(self):
        with self.assertRaisesRegex(ValidationError, "between 0 and 100"):
            self.env["helpdesk.expedite.rule"].create(
                {"name": "bad", "class_of_service": "expedite", "min_failure_rate": 120}
            )


@tagged("post_install", "-at_install")
class TestBadInputOverJsonRpc(ExpediteHttpCase):
    """RPC callers get the same errors, and nothing is written."""

    def _call(self, model, method, args, kwargs=None):
        return self.url_open(
            "/web/dataset/call_kw",
            data=json.dumps(
                {
                    "jsonrpc": "2.0",
                    "method": "call",
                    "id": 1,
                    "params": {
                        "model": model,
                        "method": method,
                        "args": args,
                        "kwargs": kwargs or {},
                    },
                }
            ),
            headers={"Content-Type": "application/json"},
        ).json()

    @mute_logger("odoo.http")  # the refusal is logged as a warning
    def test_rpc_create_with_bad_values(self):
        self.authenticate(self.agent.login, self.agent.login)
        count = self.env["helpdesk.ticket"].search_count([])
        cases = [
            ({"failure_rate": 150}, "between 0 and 100"),
            (
                {"impact_line_ids": [(0, 0, {"name": "G", "affected_users": -3})]},
                "cannot be negative",
            ),
            (
                {
                    "impact_line_ids": [
                        (0, 0, {"name": "G", "affected_users": 3}),
                        (0, 0, {"name": "G", "affected_users": 4}),
                    ]
                },
                "more than once",
            ),
            ({"class_of_service_locked": True}, "Say why"),
        ]
        for extra, message in cases:
            with self.subTest(extra=extra):
                vals = {"name": "RPC ticket", "description": "<p>x</p>", **extra}
                response = self._call("helpdesk.ticket", "create", [vals])
                self.assertIn("error", response)
                self.assertEqual(
                    response["error"]["data"]["name"], "odoo.exceptions.ValidationError"
                )
                self.assertIn(message, response["error"]["data"]["message"])
        self.assertEqual(self.env["helpdesk.ticket"].search_count([]), count)
