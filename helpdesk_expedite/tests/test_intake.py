"""Intake: the report and its impact scope. Titles kept on one line, the
facts checked on the way in (users, failure rate, groups), written and
tracked as one save, and the indexes that leave ordinary tickets out."""

import json

from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from ..models.helpdesk_ticket.ticket import OBSOLETE_INDEXED_COLUMNS
from .common import ExpediteCase, ExpediteHttpCase, PortalIncidentCase

FORGED = "Exam down\r\nBcc: x@example.com"

ONE_LINE = "Exam down Bcc: x@example.com"

KEPT_VALUES = "mail.tracking.helpdesk.ticket"

INCIDENT_FIELDS = {
    "class_of_service",
    "class_of_service_locked",
    "critical_activity_blocked",
    "deadline",
    "major_incident_id",
    "monitoring_state",
    "customer_confirmed",
    "root_cause_category_id",
    "affected_user_count",
    "executive_involved",
}


@tagged("post_install", "-at_install")
class TestSingleLineTitles(ExpediteCase):
    def test_create_and_write_make_the_title_one_line(self):
        ticket = self._create_scenario_ticket(name=FORGED)
        self.assertEqual(ticket.name, ONE_LINE)
        ticket.name = "Exam\u2028down\n\n"
        self.assertEqual(ticket.name, "Exam down")
        ticket.write({"affected_service": "Exam\rservice", "partner_name": "A\nB"})
        self.assertEqual(ticket.affected_service, "Exam service")
        self.assertEqual(ticket.partner_name, "A B")

    def test_a_context_default_is_made_one_line_too(self):
        vals = {k: v for k, v in self._ticket_vals().items() if k != "name"}
        ticket = self.Ticket.with_context(default_name=FORGED).create(vals)
        self.assertEqual(ticket.name, ONE_LINE)

    def test_a_mailed_report_with_an_encoded_line_break_in_its_subject(self):
        """An RFC 2047 encoded word can carry CR LF in a Subject header."""
        self.env["mail.alias"].create(
            {
                "alias_name": "exam-support",
                "alias_model_id": self.env["ir.model"]._get_id("helpdesk.ticket"),
                "alias_defaults": str({"team_id": self.team.id}),
            }
        )
        domain = self.env["mail.alias.domain"].search([], limit=1).name or "example.com"
        raw = (
            "From: Exam Coordinator <coordinator@example.com>\r\n"
            f"To: exam-support@{domain}\r\n"
            "Subject: =?utf-8?q?Exam_down=0D=0ABcc=3A_x=40example=2Ecom?=\r\n"
            "Message-ID: <crlf-subject-1@example.com>\r\n"
            "Content-Type: text/plain; charset=utf-8\r\n"
            "\r\n"
            "Students cannot submit.\r\n"
        )
        ticket_id = self.env["mail.thread"].message_process("helpdesk.ticket", raw)
        self.assertEqual(self.Ticket.browse(ticket_id).name, ONE_LINE)

    def test_the_escalation_mail_of_such_a_ticket_is_built_and_sent(self):
        ticket = self._create_scenario_ticket(name=FORGED)
        with self.mock_mail_gateway():
            ticket.action_escalate(self.dev_team.id)
            mail = self._new_mails.filtered(
                lambda m: m.model == "helpdesk.ticket.escalation"
            )
            mail.send(raise_exception=True)
        self.assertEqual(mail.state, "sent")
        self.assertNotIn("\n", mail.subject)
        self.assertIn(ONE_LINE, mail.subject)
        self.assertEqual(ticket.escalation_ids.state, "sent")


@tagged("post_install", "-at_install")
class TestBadInput(ExpediteCase):
    def test_a_line_takes_its_tickets_company_only(self):
        """Found by the registry fuzz's full run: a company given to a line
        was stored as it was, a line of one company's ticket in another."""
        ticket = self._create_ticket(groups=[("A", "", 1)])
        other = self.env["res.company"].create({"name": "Other University"})
        Line = self.env["helpdesk.ticket.impact.line"]
        with self.assertRaisesRegex(ValidationError, "the company is the ticket's"):
            Line.create({"ticket_id": ticket.id, "name": "B", "company_id": other.id})
        line = ticket.impact_line_ids
        with self.assertRaisesRegex(ValidationError, "the company is the ticket's"):
            line.write({"company_id": other.id})
        line.write({"company_id": ticket.company_id.id, "affected_users": 2})
        self.assertEqual(line.company_id, ticket.company_id)

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


@tagged("post_install", "-at_install")
class TestIndexesAndPrefetch(ExpediteCase):
    def test_incident_indexes_leave_ordinary_tickets_out(self):
        self.env.cr.execute(
            "SELECT indexdef FROM pg_indexes WHERE tablename = 'helpdesk_ticket'"
        )
        definitions = [row[0] for row in self.env.cr.fetchall()]
        partial = self.env["helpdesk.ticket"]._get_partial_indexes()
        self.assertEqual(
            set(partial),
            {
                "class_of_service",
                "monitoring_state",
                "next_update_deadline",
                "status_published",
            },
        )
        for column, where in partial.items():
            indexes = [
                d
                for d in definitions
                if d.endswith(f"({column})") or f"({column}) WHERE" in d
            ]
            self.assertEqual(len(indexes), 1, column)
            self.assertIn(" WHERE ", indexes[0], f"{column}: {where}")
        self.assertFalse(
            [d for d in definitions if "(class_of_service_rank)" in d],
            "the board sorts on the rank after filtering on the stage",
        )

    def test_reading_a_ticket_leaves_its_incident_details_in_the_database(self):
        ticket = self._create_ticket(findings="<p>Pool exhausted</p>")
        self.env.invalidate_all()
        self.assertTrue(ticket.name)
        for name in (
            "findings",
            "business_impact",
            "monitoring_token",
            "time_to_close",
        ):
            self.assertFalse(
                self.env.cache.contains(ticket, ticket._fields[name]), name
            )
        self.assertEqual(ticket.findings, "<p>Pool exhausted</p>")


@tagged("post_install", "-at_install")
class TestIndexesAfterAnUpgrade(ExpediteCase):
    def _indexes(self):
        self.env.cr.execute(
            "SELECT indexname, indexdef FROM pg_indexes "
            "WHERE tablename = 'helpdesk_ticket'"
        )
        return dict(self.env.cr.fetchall())

    def test_init_replaces_the_full_indexes_of_earlier_versions(self):
        cr = self.env.cr
        for column in OBSOLETE_INDEXED_COLUMNS:
            cr.execute(
                f'CREATE INDEX IF NOT EXISTS "helpdesk_ticket__{column}_index" '
                f'ON helpdesk_ticket ("{column}")'
            )
        cr.execute('DROP INDEX "helpdesk_ticket_class_of_service_partial_index"')
        self.env["helpdesk.ticket"].init()
        indexes = self._indexes()
        for column in OBSOLETE_INDEXED_COLUMNS:
            self.assertNotIn(f"helpdesk_ticket__{column}_index", indexes)
        for column in self.env["helpdesk.ticket"]._get_partial_indexes():
            self.assertIn(" WHERE ", indexes[f"helpdesk_ticket_{column}_partial_index"])


@tagged("post_install", "-at_install")
class TestTracking(ExpediteCase):
    def setUp(self):
        super().setUp()
        # the test base switches tracking off: these tests need it
        self.ticket = self._create_ticket().with_context(mail_notrack=False)
        self._commit_tracking()

    def _commit_tracking(self):
        self.env.flush_all()
        self.env.cr.precommit.run()

    def _kept_values(self):
        """The values Odoo keeps to compare after the write under way."""
        kept = self.env.cr.precommit.data.get(KEPT_VALUES, {})
        return kept.get(self.ticket.id) or {}

    def _tracked(self):
        self._commit_tracking()
        self.ticket.invalidate_recordset(["message_ids"])
        return set(self.ticket.message_ids.tracking_value_ids.field_id.mapped("name"))

    def test_renaming_reads_no_incident_field(self):
        self.ticket.write({"name": "LMS exam submission failure (renamed)"})
        kept = self._kept_values()
        self.assertIn("stage_id", kept, "helpdesk's own tracking is untouched")
        self.assertFalse(INCIDENT_FIELDS & kept.keys())

    def test_a_written_incident_field_is_tracked(self):
        category = self.env.ref("helpdesk_expedite.root_cause_category_deployment")
        self.ticket.write({"root_cause_category_id": category.id})
        self.assertIn("root_cause_category_id", self._tracked())

    def test_a_person_changing_the_class_is_tracked(self):
        self.ticket.with_user(self.manager).write(
            {
                "class_of_service": "fixed_date",
                "class_of_service_locked": True,
                "class_of_service_lock_reason": "Agreed with the customer",
            }
        )
        self.assertTrue(
            {"class_of_service", "class_of_service_locked"} <= self._tracked()
        )

    def test_a_computed_incident_field_is_still_tracked(self):
        self.ticket.write(
            {
                "impact_line_ids": [
                    Command.create(
                        {"name": "LAW301-HN", "location": "Hanoi", "affected_users": 9}
                    )
                ]
            }
        )
        self.assertIn("affected_user_count", self._tracked())

    def test_a_computed_field_changed_from_its_own_model_is_tracked(self):
        line = self.ticket.impact_line_ids[0]
        line.write({"affected_users": line.affected_users + 30})
        self.assertIn("affected_user_count", self._tracked())

    def test_executives_added_are_tracked(self):
        self.ticket.write({"executive_partner_ids": [Command.set(self.executive.ids)]})
        self.assertTrue(self.ticket.executive_involved)
        self.assertIn("executive_involved", self._tracked())

    def test_an_action_changing_a_state_is_tracked(self):
        self._resolve(self.ticket)
        self.assertEqual(self.ticket.monitoring_state, "running")
        self.assertIn("monitoring_state", self._tracked())


@tagged("post_install", "-at_install")
class TestTrackingThroughAFlush(ExpediteCase):
    def setUp(self):
        super().setUp()
        self.ticket = self._create_ticket(
            groups=[("LAW301-HN", "Hanoi", 10), ("LAW302-HN", "Hanoi", 0)]
        ).with_context(mail_notrack=False)
        self._commit_tracking()

    def _commit_tracking(self):
        self.env.flush_all()
        self.env.cr.precommit.run()

    def _tracking(self, name):
        self._commit_tracking()
        self.ticket.invalidate_recordset(["message_ids"])
        return [
            (value.old_value_integer, value.new_value_integer)
            for value in self.ticket.message_ids.tracking_value_ids
            if value.field_id.name == name
        ]

    def test_users_changed_and_an_empty_group_removed_in_one_save(self):
        first, empty = self.ticket.impact_line_ids
        self.assertEqual(self.ticket.affected_user_count, 10)
        # one save of the form: a group's users changed, an empty row removed
        # (removing a line flushes, inside the write)
        self.ticket.write(
            {
                "impact_line_ids": [
                    Command.update(first.id, {"affected_users": 50}),
                    Command.delete(empty.id),
                ]
            }
        )
        self.assertEqual(self.ticket.affected_user_count, 50)
        self.assertEqual(self._tracking("affected_user_count"), [(10, 50)])

    def test_executives_added_while_a_group_is_removed(self):
        self.assertFalse(self.ticket.executive_involved)
        empty = self.ticket.impact_line_ids[1]
        self.ticket.write(
            {
                "executive_partner_ids": [Command.set(self.executive.ids)],
                "impact_line_ids": [Command.delete(empty.id)],
            }
        )
        self.assertTrue(self.ticket.executive_involved)
        self._commit_tracking()
        self.ticket.invalidate_recordset(["message_ids"])
        self.assertIn(
            "executive_involved",
            self.ticket.message_ids.tracking_value_ids.field_id.mapped("name"),
        )


@tagged("post_install", "-at_install", "helpdesk_expedite_parity")
class TestIntakeTour(PortalIncidentCase):
    def test_agent_fills_the_impact_scope(self):
        # helpdesk_mgmt requires a description: give the new form one
        self.env["ir.default"].set(
            "helpdesk.ticket",
            "description",
            "<p>Students cannot submit their exams.</p>",
        )
        self.start_tour(
            "/odoo/action-helpdesk_mgmt.helpdesk_ticket_action/new",
            "helpdesk_expedite_impact_lines",
            login=self.agent.login,
        )
        ticket = self.Ticket.search(
            [("name", "=", "LMS exam submission failure, tour")]
        )
        self.assertEqual(len(ticket), 1)
        self.assertEqual(ticket.impact_line_ids.mapped("affected_users"), [20, 18, 15])
        self.assertEqual(ticket.affected_user_count, 53)
        self.assertEqual(ticket.class_of_service, "expedite")
