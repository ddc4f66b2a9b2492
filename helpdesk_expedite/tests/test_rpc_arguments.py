"""Bad input over JSON-RPC, each test written as the attacker's request:
a clean refusal (an Odoo error with a message) and nothing written, never a
crash. First the guards themselves, from the registry: every public method
of the add-on checks its input, every field it adds refuses a value of the
wrong type. Then what the registry-driven fuzz found (issue 19; the fuzz is
tests/reliability/test_reliability_fuzz.py)."""

import json

from odoo import Command
from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

from odoo.addons.helpdesk_expedite.lib import teams_card
from odoo.addons.helpdesk_expedite.lib.arguments import ArgumentError
from odoo.addons.helpdesk_expedite.models import field_values
from odoo.addons.helpdesk_expedite.models.public_method import ACCESS, CHECKED

from .common import ExpediteCase, ExpediteHttpCase

ADDON_PACKAGE = "odoo.addons.helpdesk_expedite"

try:
    from odoo.service.model import get_public_method
except ImportError:  # 18.0 builds before @api.private: the name decides
    from odoo.models import check_method_name

    def get_public_method(model, name):
        check_method_name(name)
        return getattr(type(model), name)


@tagged("post_install", "-at_install")
class TestInputGuards(ExpediteCase):
    """The guards as enumerated from the registry: nothing to list by hand."""

    def _addon_public_methods(self):
        for name in sorted(self.env.registry):
            model = self.env[name]
            for klass in type(model).mro():
                if not klass.__module__.startswith(ADDON_PACKAGE):
                    continue
                for attr, function in vars(klass).items():
                    if callable(function) and not attr.startswith("_"):
                        try:
                            get_public_method(model, attr)
                        except Exception:  # noqa: BLE001 - not callable over RPC
                            continue
                        yield name, attr, function

    def test_every_public_method_checks_its_input(self):
        found = list(self._addon_public_methods())
        self.assertGreater(len(found), 40)
        unchecked = sorted(
            {
                f"{model}.{method}"
                for model, method, f in found
                if not getattr(f, CHECKED, False)
            }
        )
        self.assertEqual(unchecked, [])

    def test_every_action_that_changes_records_requires_write_access(self):
        """An ``action_*`` of a stored model changes its records unless it
        only opens a view (``action_open_*``): it must require write access
        through its decorator (``incident_action``, or ``public_method``
        with access="write"), never check it by hand. A wizard's action
        requires read access to the wizard; the ticket action it calls
        requires write access to the ticket."""
        actions = [
            (model, method, function)
            for model, method, function in self._addon_public_methods()
            if method.startswith("action_")
            and not method.startswith("action_open_")
            and not self.env[model]._transient
        ]
        self.assertGreater(len(actions), 15)
        without_write = sorted(
            f"{model}.{method}: {getattr(function, ACCESS, None)!r}"
            for model, method, function in actions
            if getattr(function, ACCESS, None) != "write"
        )
        self.assertEqual(without_write, [])

    def test_every_added_field_refuses_a_value_of_the_wrong_type(self):
        """A value Odoo would fail on late (or store wrongly) is refused up
        front, naming the field, for every field the add-on adds."""
        checked = 0
        for name in sorted(self.env.registry):
            model = self.env[name]
            for fname in sorted(field_values.checked_fields(model)):
                field = model._fields[fname]
                text = field.type in ("char", "text", "html")
                for value in [5, "a\x00b"] if text else ["x", [[9]]]:
                    with self.subTest(field=f"{name}.{fname}", value=value):
                        if field.type in ("boolean", "integer") and value == [[9]]:
                            continue
                        with self.assertRaisesRegex(ArgumentError, f"\\({fname}\\)"):
                            field_values.check_value(model, field, value)
                checked += 1
        self.assertGreater(checked, 250)

    def test_every_guarded_field_ignores_a_saved_default(self):
        """Any user may save his own defaults (``ir.default``): none fills a
        field only the add-on's actions set, on any model that guards
        fields. The fields keep their own defaults."""
        samples = {"boolean": True, "integer": 7, "float": 7.5, "char": "saved"}
        checked = 0
        for name in sorted(self.env.registry):
            model = self.env[name]
            if model._abstract or not hasattr(model, "_get_guarded_fields"):
                continue
            for fname in sorted(model._get_guarded_fields()):
                field = model._fields[fname]
                value = samples.get(field.type)
                if field.type == "selection" and isinstance(field.selection, list):
                    value = field.selection[-1][0]
                if value is None:
                    continue
                with self.subTest(field=f"{name}.{fname}"):
                    own = model.default_get([fname]).get(fname)
                    self.env["ir.default"].set(name, fname, value)
                    got = model.default_get([fname]).get(fname)
                    if own != value:  # (a token draws a new one each time)
                        self.assertNotEqual(got, value)
                    checked += 1
        self.assertGreater(checked, 15)

    def test_create_refuses_before_anything_is_written(self):
        count = self.Ticket.search_count([])
        for vals in (5, "x", [1], {"name": "x", "failure_rate": "high"}, {"nope": 1}):
            with self.subTest(vals=vals), self.assertRaises(Exception) as raised:
                self.Ticket.with_user(self.agent).create(vals)
            self.assertEqual(type(raised.exception).__name__, "ValidationError")
        self.assertEqual(self.Ticket.search_count([]), count)

    def test_server_values_pass(self):
        """Records, dates and Command tuples from server code are the ORM's."""
        ticket = self._create_ticket(
            deadline=__import__("datetime").datetime(2030, 1, 1),
            executive_partner_ids=self.executive,
        )
        ticket.write(
            {"impact_line_ids": [Command.create({"name": "New", "affected_users": 1})]}
        )
        self.assertEqual(ticket.affected_user_count, 54)


class AttackerRequestCase(ExpediteHttpCase):
    """An own-tickets agent with an incident, and requests over /jsonrpc."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.own_agent = new_test_user(
            cls.env,
            login="own_tickets_agent",
            groups="helpdesk_mgmt.group_helpdesk_user_own",
        )
        cls.ticket = cls._create_scenario_ticket(user_id=cls.own_agent.id)

    def rpc(self, login, model, method, *args, **kwargs):
        """``execute_kw`` over /jsonrpc as ``login`` (password = login):
        the request's ``error`` data, or its result."""
        uid = self.env["res.users"].search([("login", "=", login)]).id
        payload = {
            "jsonrpc": "2.0",
            "method": "call",
            "id": 1,
            "params": {
                "service": "object",
                "method": "execute_kw",
                "args": [
                    self.env.cr.dbname,
                    uid,
                    login,
                    model,
                    method,
                    list(args),
                    kwargs,
                ],
            },
        }
        with mute_logger("odoo.http"):
            response = self.url_open(
                "/jsonrpc",
                data=json.dumps(payload),
                headers={"Content-Type": "application/json"},
            )
        self.assertEqual(response.status_code, 200)
        body = response.json()
        return body["error"]["data"] if "error" in body else body["result"]

    def assertRefused(self, error, name, *parts):
        self.assertIsInstance(error, dict, f"accepted: {error!r}")
        self.assertEqual(error["name"], f"odoo.exceptions.{name}", error["message"])
        for part in parts:
            self.assertIn(part, error["message"])

    def _vals(self, **extra):
        return {
            "name": "Attack",
            "description": "<p>x</p>",
            "team_id": self.team.id,
            **extra,
        }


@tagged("post_install", "-at_install")
class TestFuzzFindings(AttackerRequestCase):
    """What the registry-driven fuzz found beyond finding 6, each kept as
    the attacker's JSON-RPC request (before the fixes: a server error)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_b = cls.env["res.company"].create({"name": "Company B (test)"})
        cls.team_b = cls.env["helpdesk.ticket.team"].create(
            {"name": "Team B", "company_id": cls.company_b.id}
        )
        cls.partner_b = cls.env["res.partner"].create(
            {"name": "Secret customer of B", "company_id": cls.company_b.id}
        )

    def _manager(self, model, method, *args, **kwargs):
        return self.rpc("expedite_manager", model, method, *args, **kwargs)

    def test_report_hooks_take_no_value_from_rpc(self):
        """report_xlsx's hooks are public methods: over RPC they are given
        JSON, never the workbook and records they work on."""
        error = self._manager(
            "report.helpdesk_expedite.incident_xlsx",
            "generate_xlsx_report",
            [],
            "workbook",
            {},
            [self.ticket.id],
        )
        self.assertRefused(error, "ValidationError", "workbook: Workbook is expected")

    def test_values_of_the_wrong_type_in_fields(self):
        Rule = self.env["helpdesk.expedite.rule"]
        rules = Rule.search_count([])
        rule = {"name": "Fuzz", "class_of_service": "expedite"}
        for vals, label in (
            ({**rule, "sequence": "abc"}, "Sequence (sequence): a whole number"),
            (
                {**rule, "min_groups": -(2**31) - 1},
                "(min_groups): -2147483649 is out of range",
            ),
            ({**rule, "priority": "\r- item"}, "(priority): one of 0, 1, 2, 3"),
            ({**rule, "class_of_service": ["x"]}, "(class_of_service): one of"),
            ({**rule, "team_ids": ["x"]}, "(team_ids): a record id"),
            (
                {**rule, "team_ids": [[9, 1, 1]]},
                "(team_ids): a list of record ids or of commands",
            ),
            (
                {**rule, "update_interval": 1e308},
                "(update_interval): 1e+308 is out of range",
            ),
        ):
            error = self._manager("helpdesk.expedite.rule", "create", vals)
            self.assertRefused(error, "ValidationError", label)
        self.assertEqual(Rule.search_count([]), rules)
        for vals, label in (
            ({"deadline": ""}, "Deadline (deadline): a date"),
            (
                {"deadline": "0001-01-01 00:00:00"},
                "Deadline (deadline): a date from 1900",
            ),
            ({"failure_rate": {"id": 1}}, "(failure_rate): a number is expected"),
            ({"failure_rate": float("nan")}, "(failure_rate): a number is expected"),
            ({"root_cause": "a\x00b"}, "(root_cause): the text contains a NUL"),
            (
                {"impact_line_ids": [[0, 0, {"name": "G", "affected_users": "9"}]]},
                "(affected_users): a whole number",
            ),
        ):
            error = self._manager("helpdesk.ticket", "write", [self.ticket.id], vals)
            self.assertRefused(error, "ValidationError", label)

    def test_values_that_are_no_dictionary(self):
        for method, args in (
            ("create", [5]),
            ("create", [[{"name": "x"}, "y"]]),
            ("write", [[self.ticket.id], None]),
            ("write", [[self.ticket.id], {"no_such_field": 1}]),
            ("default_get", [5]),
        ):
            error = self._manager("helpdesk.ticket", method, *args)
            self.assertRefused(error, "ValidationError")

    def test_hostile_record_ids(self):
        for ids in ([[1]], ["abc"], [2**40], [0], "abc"):
            error = self._manager("helpdesk.ticket", "action_acknowledge", ids)
            self.assertRefused(error, "ValidationError", "helpdesk.ticket: a record id")
        error = self._manager("helpdesk.ticket", "action_acknowledge", [2**31 - 1])
        self.assertRefused(error, "MissingError")

    def test_arguments_too_many_or_unknown(self):
        rule = self.env.ref("helpdesk_expedite.rule_fixed_date").id
        for model, method, args, kwargs in (
            ("helpdesk.ticket", "action_acknowledge", [[self.ticket.id], 5], {}),
            ("helpdesk.ticket", "action_escalate", [[self.ticket.id]], {"no_such": 1}),
            ("helpdesk.ticket", "action_post_status_update", [[self.ticket.id]], {}),
            ("helpdesk.ticket", "create", [[self._vals()], 5], {}),
            # the add-on's own models without create or write of their own
            ("helpdesk.expedite.rule", "write", [[rule], {}, 5], {}),
            ("report.helpdesk_expedite.incident_xlsx", "write", [[1], {}], {"x": 1}),
        ):
            error = self._manager(model, method, *args, **kwargs)
            self.assertRefused(error, "ValidationError", f"{model}.{method}: ")
        self.assertFalse(self.ticket.escalation_ids)

    def test_monitoring_note_with_a_lone_surrogate(self):
        self._resolve(self.ticket)
        error = self.rpc(
            "own_tickets_agent",
            "helpdesk.ticket",
            "action_log_monitoring",
            [self.ticket.id],
            100.0,
            note="probe \ud800",
        )
        self.assertRefused(error, "ValidationError", "note must be valid Unicode text")
        self.assertFalse(self.ticket.monitoring_log_ids)

    def test_a_closed_ticket_keeps_its_class(self):
        """A rule matching everything, then "classify" on a closed ordinary
        ticket, or a ticket created closed: no closed Expedite ticket that
        never met the closure gate."""
        closed = self._create_ticket(groups=[("G", "", 1)])
        closed.stage_id = self.stage_done
        self.assertEqual(closed.class_of_service, "standard")
        self._manager(
            "helpdesk.expedite.rule",
            "create",
            {"name": "Everything", "class_of_service": "expedite", "sequence": 1},
        )
        self.assertIs(
            self._manager("helpdesk.ticket", "action_classify", [closed.id]), True
        )
        created = self._manager(
            "helpdesk.ticket", "create", self._vals(stage_id=self.stage_done.id)
        )
        for ticket in closed | self.Ticket.browse(created):
            ticket.invalidate_recordset()
            self.assertEqual(ticket.class_of_service, "standard")
            self.assertTrue(ticket.closed)

    def test_no_link_to_records_of_another_company(self):
        """A manager of one company links no team or partner of another one
        (and the refusal does not name it)."""
        rule = self.env.ref("helpdesk_expedite.rule_fixed_date").copy(
            {"company_id": self.env.company.id}
        )
        for model, record_id, vals in (
            ("helpdesk.expedite.rule", rule.id, {"team_ids": [[4, self.team_b.id]]}),
            (
                "helpdesk.escalation.target",
                self.dev_team.id,
                {"partner_ids": [[6, 0, [self.partner_b.id]]]},
            ),
            (
                "helpdesk.ticket",
                self.ticket.id,
                {"executive_partner_ids": [[4, self.partner_b.id]]},
            ),
        ):
            error = self._manager(model, "write", [record_id], vals)
            self.assertRefused(
                error, "ValidationError", "must belong to that company too"
            )
            self.assertNotIn("B", error["message"].replace("Company B", ""))
        self.assertFalse(rule.team_ids or self.dev_team.partner_ids)
        self.assertNotIn(self.partner_b, self.ticket.executive_partner_ids)

    def test_one_record_methods_given_many_or_none(self):
        other = self._create_ticket()
        error = self._manager(
            "helpdesk.ticket", "action_open_linked_tickets", [self.ticket.id, other.id]
        )
        self.assertRefused(error, "ValidationError", "one record at a time, not 2")
        error = self._manager(
            "helpdesk.ticket.escalation.wizard", "action_escalate", []
        )
        self.assertRefused(error, "ValidationError", "one record at a time, not 0")


@tagged("post_install", "-at_install")
class TestFinding6(AttackerRequestCase):
    """Issue 19, finding 6: each crash or leak of the finding, as the
    attacker's request."""

    def test_number_as_error_message_or_affected_service(self):
        count = self.Ticket.search_count([])
        for field, label in (
            ("error_message", "Error Message (error_message)"),
            ("affected_service", "Affected Service (affected_service)"),
        ):
            for value in (5, 3.5, True, [1], {"a": 1}):
                error = self.rpc(
                    "own_tickets_agent",
                    "helpdesk.ticket",
                    "create",
                    self._vals(**{field: value}),
                )
                self.assertRefused(
                    error, "ValidationError", label, "a text is expected"
                )
        self.assertEqual(self.Ticket.search_count([]), count)

    def test_escalate_to_a_huge_id(self):
        for target in (2**40, -1, 0, "1", [1]):
            error = self.rpc(
                "own_tickets_agent",
                "helpdesk.ticket",
                "action_escalate",
                [self.ticket.id],
                target,
            )
            self.assertRefused(error, "ValidationError", "target_id: a record id")
        self.assertFalse(self.ticket.escalation_ids)
        self.assertFalse(self.ticket.escalated_date)

    def test_status_update_with_a_nul_character(self):
        updates, last = (
            self.ticket.status_update_ids,
            self.ticket.last_status_update_date,
        )
        for body, message in (
            ("a\x00b", "NUL character"),
            ("a\ud800b", "lone surrogate"),
            (5, "a text is expected"),
        ):
            error = self.rpc(
                "own_tickets_agent",
                "helpdesk.ticket",
                "action_post_status_update",
                [self.ticket.id],
                body,
            )
            self.assertRefused(error, "ValidationError", "body: ", message)
        self.ticket.invalidate_recordset()
        self.assertEqual(self.ticket.status_update_ids, updates)
        self.assertEqual(self.ticket.last_status_update_date, last)

    def test_missing_and_hidden_incidents_answer_alike(self):
        """An own-tickets agent cannot tell a major incident he may not see
        from an id that does not exist: same error, same words."""
        report = self._create_ticket(groups=[("G", "", 2)], user_id=self.own_agent.id)
        hidden = self._create_scenario_ticket(user_id=self.agent.id)
        other_company = self.env["res.company"].create({"name": "Other Co (test)"})
        foreign = self._create_scenario_ticket(
            company_id=other_company.id, team_id=False, user_id=False
        )
        missing = self.Ticket.search([], order="id desc", limit=1).id + 1000
        answers = {}
        for major in (hidden, foreign, missing):
            major_id = getattr(major, "id", major)
            for method, args in (
                ("action_link_to_major_incident", [major_id]),
                ("write", [{"major_incident_id": major_id}]),
            ):
                error = self.rpc(
                    "own_tickets_agent", "helpdesk.ticket", method, [report.id], *args
                )
                self.assertRefused(
                    error, "ValidationError", "does not exist or is not visible"
                )
                answers.setdefault(method, set()).add(
                    error["message"].replace(str(major_id), "<id>")
                )
        self.assertEqual([len(words) for words in answers.values()], [1, 1], answers)
        self.assertFalse(report.major_incident_id)

    def test_teams_card_escapes_markdown_after_a_carriage_return(self):
        """One-line fields lose their line breaks on write (finding 3); the
        business impact keeps them, and reaches the Teams card."""
        impact = "Exams blocked\r# Everything is fine\r- click [here](http://evil)\r1. do this"
        result = self.rpc(
            "own_tickets_agent",
            "helpdesk.ticket",
            "write",
            [self.ticket.id],
            {"business_impact": impact},
        )
        self.assertIs(result, True)
        card = teams_card.build_payload(self.ticket._get_incident_snapshot())
        facts = {
            fact["title"]: fact["value"]
            for fact in card["attachments"][0]["content"]["body"][1]["facts"]
        }
        self.assertEqual(
            facts["Business impact"],
            "Exams blocked\n\\# Everything is fine\n\\- click \\[here\\](http://evil)"
            "\n1\\. do this",
        )
