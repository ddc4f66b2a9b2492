"""The access matrix of helpdesk_expedite, one generated test per cell.

``ACCESS_MATRIX`` is the single source of truth: readme/CONFIGURE.md shows the
same table (``test_matrix_matches_readme`` keeps them in step). Each row is a
model (or a group of ticket fields), each column a kind of user, each cell the
operations that user may perform on a record he can otherwise see:
R = read, W = write, C = create, D = delete (unlink).

The record under test always belongs to a ticket the user can see through
helpdesk_mgmt's own record rules (assigned to the "own" user, in the team of
the "team" user, the portal user's and the internal user's own ticket), so a
refusal in this table comes from the access rights, not from the ticket
being out of sight.
"""

import os
import re
from itertools import count

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged
from odoo.tests.common import TransactionCase

ROLES = ("public", "portal", "internal", "own", "team", "user", "manager")
OPERATIONS = (("R", "read"), ("W", "write"), ("C", "create"), ("D", "unlink"))

# fmt: off
ACCESS_MATRIX = {
    # row                                      public portal internal own    team   user   manager
    "helpdesk.ticket (incident facts)":        ("",   "R",   "R",     "RWC", "RWC", "RWC", "RWCD"),
    "helpdesk.ticket (investigation fields)":  ("",   "",    "",      "RWC", "RWC", "RWC", "RWCD"),
    "helpdesk.ticket.impact.line":             ("",   "",    "",      "RWCD", "RWCD", "RWCD", "RWCD"),
    "helpdesk.ticket.check":                   ("",   "",    "",      "RWCD", "RWCD", "RWCD", "RWCD"),
    "helpdesk.ticket.corrective.action":       ("",   "",    "",      "RWCD", "RWCD", "RWCD", "RWCD"),
    "helpdesk.ticket.monitoring.log":          ("",   "",    "",      "RWCD", "RWCD", "RWCD", "RWCD"),
    "helpdesk.ticket.escalation":              ("",   "",    "",      "RWCD", "RWCD", "RWCD", "RWCD"),
    "helpdesk.ticket.status.update":           ("",   "",    "",      "RWCD", "RWCD", "RWCD", "RWCD"),
    "helpdesk.expedite.rule":                  ("",   "",    "",      "R",   "R",   "R",   "RWCD"),
    "helpdesk.check.template":                 ("",   "",    "",      "R",   "R",   "R",   "RWCD"),
    "helpdesk.escalation.target":              ("",   "",    "",      "R",   "R",   "R",   "RWCD"),
    "helpdesk.escalation.target (teams_webhook_url)": ("", "", "",    "",    "",    "",    "RWCD"),
    "helpdesk.root.cause.category":            ("",   "",    "",      "R",   "R",   "R",   "RWCD"),
}
# fmt: on

ROLE_LABELS = {
    "public": "Public",
    "portal": "Portal",
    "internal": "Internal user, no helpdesk rights",
    "own": "Helpdesk: personal tickets",
    "team": "Helpdesk: team tickets",
    "user": "Helpdesk: user",
    "manager": "Helpdesk: manager",
}

_codes = count(1)


def _slug(text):
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")


def matrix_markdown():
    """The matrix as the Markdown table documented in readme/CONFIGURE.md."""
    header = "| Model | " + " | ".join(ROLE_LABELS[r] for r in ROLES) + " |"
    rule = "|" + "---|" * (len(ROLES) + 1)
    lines = [header, rule]
    for row, cells in ACCESS_MATRIX.items():
        lines.append(f"| `{row}` | " + " | ".join(cell or "-" for cell in cells) + " |")
    return "\n".join(lines)


@tagged("post_install", "-at_install", "helpdesk_expedite_security")
class TestSecurityMatrix(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.customer = env["res.partner"].create(
            {"name": "Matrix Customer", "email": "matrix.customer@example.com"}
        )
        cls.users = {
            "public": env.ref("base.public_user"),
            "portal": new_test_user(
                env,
                login="matrix_portal",
                groups="base.group_portal",
                partner_id=cls.customer.id,
            ),
            "internal": new_test_user(
                env, login="matrix_internal", groups="base.group_user"
            ),
            "own": new_test_user(
                env,
                login="matrix_own",
                groups="helpdesk_mgmt.group_helpdesk_user_own",
            ),
            "team": new_test_user(
                env,
                login="matrix_team",
                groups="helpdesk_mgmt.group_helpdesk_user_team",
            ),
            "user": new_test_user(
                env, login="matrix_user", groups="helpdesk_mgmt.group_helpdesk_user"
            ),
            "manager": new_test_user(
                env,
                login="matrix_manager",
                groups="helpdesk_mgmt.group_helpdesk_manager",
            ),
        }
        cls.team = env["helpdesk.ticket.team"].create(
            {
                "name": "Matrix Team",
                "user_ids": [
                    Command.set(
                        [cls.users[r].id for r in ("own", "team", "user", "manager")]
                    )
                ],
            }
        )
        cls.ticket = cls._make_ticket(env)
        # the internal user follows the ticket: helpdesk_mgmt lets him see it
        cls.ticket.message_subscribe(partner_ids=cls.users["internal"].partner_id.ids)
        cls.email_target = env["helpdesk.escalation.target"].create(
            {"name": "Matrix Dev", "channel": "email", "email": "dev@example.com"}
        )
        cls.teams_target = env["helpdesk.escalation.target"].create(
            {
                "name": "Matrix Teams",
                "channel": "teams",
                "teams_webhook_url": "https://example.com/webhook/secret",
            }
        )
        cls.records = {
            "helpdesk.ticket.impact.line": cls.ticket.impact_line_ids[:1],
            "helpdesk.ticket.check": env["helpdesk.ticket.check"].create(
                {"ticket_id": cls.ticket.id, "name": "Error logs"}
            ),
            "helpdesk.ticket.corrective.action": env[
                "helpdesk.ticket.corrective.action"
            ].create({"ticket_id": cls.ticket.id, "name": "Roll back"}),
            "helpdesk.ticket.monitoring.log": env[
                "helpdesk.ticket.monitoring.log"
            ].create({"ticket_id": cls.ticket.id, "success_rate": 100.0}),
            "helpdesk.ticket.escalation": env["helpdesk.ticket.escalation"].create(
                {
                    "ticket_id": cls.ticket.id,
                    "target_id": cls.email_target.id,
                    "channel": "email",
                    "summary": "Matrix summary",
                }
            ),
            "helpdesk.ticket.status.update": env[
                "helpdesk.ticket.status.update"
            ].create({"ticket_id": cls.ticket.id, "body": "We are on it."}),
            "helpdesk.expedite.rule": env["helpdesk.expedite.rule"].create(
                {"name": "Matrix rule", "class_of_service": "standard"}
            ),
            "helpdesk.check.template": env["helpdesk.check.template"].create(
                {"name": "Matrix check"}
            ),
            # not referenced by an escalation, so that it can be deleted
            "helpdesk.escalation.target": env["helpdesk.escalation.target"].create(
                {"name": "Matrix Ops", "channel": "email", "email": "ops@example.com"}
            ),
            "helpdesk.root.cause.category": env["helpdesk.root.cause.category"].create(
                {"name": "Matrix cause", "code": "MATRIX0"}
            ),
        }

    @classmethod
    def _make_ticket(cls, env, owner=None, **extra):
        owner = owner or cls.users["own"]
        return env["helpdesk.ticket"].create(
            {
                "name": "Matrix ticket",
                "description": "<p>Matrix</p>",
                "team_id": cls.team.id,
                "user_id": owner.id,
                "partner_id": cls.customer.id,
                "impact_line_ids": [
                    Command.create({"name": "G1", "affected_users": 3})
                ],
                **extra,
            }
        )

    # ------------------------------------------------------------------
    # One operation on one row, as one user
    # ------------------------------------------------------------------
    def _do(self, row, user, operation):
        env = self.env(user=user)
        method = getattr(self, "_op_" + _slug(row).replace("helpdesk_", "", 1))
        return method(env, operation)

    def _op_ticket_incident_facts(self, env, operation):
        fields = ["class_of_service", "affected_user_count", "incident_phase"]
        return self._ticket_op(env, operation, fields, {"failure_rate": 40.0})

    def _op_ticket_investigation_fields(self, env, operation):
        fields = ["findings", "preliminary_assessment", "check_ids", "escalation_ids"]
        fields += ["monitoring_log_ids"]
        return self._ticket_op(
            env, operation, fields, {"preliminary_assessment": "Likely the DB"}
        )

    def _ticket_op(self, env, operation, fields, vals):
        ticket = self.ticket.with_env(env)
        if operation == "read":
            return ticket.read(fields)
        if operation == "write":
            return ticket.write(vals)
        if operation == "create":
            owner = env.user if not env.user.share else self.users["own"]
            return self._make_ticket(env, owner=owner, **vals)
        other = self._make_ticket(self.env, owner=self.users["own"])
        return other.with_env(env).unlink()

    def _line_op(self, env, operation, model, read_fields, write_vals, create_vals):
        record = self.records[model].with_env(env)
        if operation == "read":
            return record.read(read_fields)
        if operation == "write":
            return record.write(write_vals)
        if operation == "create":
            return env[model].create(create_vals)
        return record.unlink()

    def _op_ticket_impact_line(self, env, operation):
        return self._line_op(
            env,
            operation,
            "helpdesk.ticket.impact.line",
            ["name", "affected_users"],
            {"affected_users": 4},
            {"ticket_id": self.ticket.id, "name": "G2", "affected_users": 2},
        )

    def _op_ticket_check(self, env, operation):
        return self._line_op(
            env,
            operation,
            "helpdesk.ticket.check",
            ["name", "state", "result"],
            {"state": "ok", "result": "Clean"},
            {"ticket_id": self.ticket.id, "name": "Load check"},
        )

    def _op_ticket_corrective_action(self, env, operation):
        return self._line_op(
            env,
            operation,
            "helpdesk.ticket.corrective.action",
            ["name", "done"],
            {"done": True},
            {"ticket_id": self.ticket.id, "name": "Restart service"},
        )

    def _op_ticket_monitoring_log(self, env, operation):
        return self._line_op(
            env,
            operation,
            "helpdesk.ticket.monitoring.log",
            ["success_rate", "note"],
            {"note": "Looks fine"},
            {"ticket_id": self.ticket.id, "success_rate": 99.0},
        )

    def _op_ticket_escalation(self, env, operation):
        return self._line_op(
            env,
            operation,
            "helpdesk.ticket.escalation",
            ["summary", "state"],
            {"summary": "Updated summary"},
            {
                "ticket_id": self.ticket.id,
                "target_id": self.email_target.id,
                "channel": "email",
                "summary": "Another summary",
            },
        )

    def _op_ticket_status_update(self, env, operation):
        return self._line_op(
            env,
            operation,
            "helpdesk.ticket.status.update",
            ["body", "date"],
            {"body": "Still on it."},
            {"ticket_id": self.ticket.id, "body": "Fix in progress."},
        )

    def _op_expedite_rule(self, env, operation):
        return self._line_op(
            env,
            operation,
            "helpdesk.expedite.rule",
            ["name", "class_of_service"],
            {"sequence": 99},
            {"name": "New rule", "class_of_service": "standard"},
        )

    def _op_check_template(self, env, operation):
        return self._line_op(
            env,
            operation,
            "helpdesk.check.template",
            ["name"],
            {"sequence": 99},
            {"name": "New check"},
        )

    def _op_escalation_target(self, env, operation):
        return self._line_op(
            env,
            operation,
            "helpdesk.escalation.target",
            ["name", "channel", "email"],
            {"email": "dev2@example.com"},
            {"name": "Ops", "channel": "email", "email": "ops@example.com"},
        )

    def _op_escalation_target_teams_webhook_url(self, env, operation):
        target = self.teams_target.with_env(env)
        if operation == "read":
            return target.read(["name", "teams_webhook_url"])
        if operation == "write":
            return target.write({"teams_webhook_url": "https://example.com/other"})
        if operation == "create":
            return env["helpdesk.escalation.target"].create(
                {
                    "name": "Teams 2",
                    "channel": "teams",
                    "teams_webhook_url": "https://example.com/webhook/2",
                }
            )
        return target.unlink()

    def _op_root_cause_category(self, env, operation):
        return self._line_op(
            env,
            operation,
            "helpdesk.root.cause.category",
            ["name", "code"],
            {"name": "Renamed"},
            {"name": "New cause", "code": f"MATRIX{next(_codes)}"},
        )

    def _check_cell(self, row, role, letter, operation):
        allowed = letter in ACCESS_MATRIX[row][ROLES.index(role)]
        user = self.users[role]
        if allowed:
            result = self._do(row, user, operation)
            self.env.flush_all()
            if operation == "read":
                self.assertTrue(result, f"{role} should read {row}")
        else:
            with self.assertRaises(
                AccessError, msg=f"{role} must not {operation} {row}"
            ):
                self._do(row, user, operation)
                self.env.flush_all()

    # ------------------------------------------------------------------
    # The table and the readme agree
    # ------------------------------------------------------------------
    def test_matrix_matches_readme(self):
        path = os.path.join(
            os.path.dirname(os.path.dirname(__file__)), "readme", "CONFIGURE.md"
        )
        with open(path, encoding="utf-8") as readme:
            self.assertIn(matrix_markdown(), readme.read())


def _make_cell_test(row, role, letter, operation):
    def test(self):
        self._check_cell(row, role, letter, operation)

    expected = (
        "allowed" if letter in ACCESS_MATRIX[row][ROLES.index(role)] else "denied"
    )
    test.__name__ = f"test_{_slug(row)}__{role}__{operation}__{expected}"
    test.__doc__ = f"{ROLE_LABELS[role]} / {row} / {operation}: {expected}"
    return test


for _row in ACCESS_MATRIX:
    for _role in ROLES:
        for _letter, _operation in OPERATIONS:
            _test = _make_cell_test(_row, _role, _letter, _operation)
            setattr(TestSecurityMatrix, _test.__name__, _test)
del _row, _role, _letter, _operation, _test


@tagged("post_install", "-at_install", "helpdesk_expedite_security")
class TestMultiCompany(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_a = cls.env.company
        cls.company_b = cls.env["res.company"].create({"name": "Company B"})
        cls.manager_b = new_test_user(
            cls.env,
            login="manager_company_b",
            groups="helpdesk_mgmt.group_helpdesk_manager",
            company_id=cls.company_b.id,
            company_ids=[Command.set(cls.company_b.ids)],
        )
        cls.ticket_a = cls.env["helpdesk.ticket"].create(
            {
                "name": "Company A incident",
                "description": "<p>A</p>",
                "company_id": cls.company_a.id,
                "impact_line_ids": [
                    Command.create({"name": "A-GROUP", "affected_users": 5})
                ],
            }
        )
        cls.line_a = cls.ticket_a.impact_line_ids
        cls.status_a = cls.env["helpdesk.ticket.status.update"].create(
            {"ticket_id": cls.ticket_a.id, "body": "Company A update"}
        )
        cls.target_a = cls.env["helpdesk.escalation.target"].create(
            {
                "name": "A Dev Team",
                "channel": "email",
                "email": "a-dev@example.com",
                "company_id": cls.company_a.id,
            }
        )
        cls.rule_a = cls.env["helpdesk.expedite.rule"].create(
            {
                "name": "A rule",
                "class_of_service": "standard",
                "company_id": cls.company_a.id,
            }
        )

    def test_company_b_cannot_read_company_a_lines(self):
        env_b = self.env(user=self.manager_b)
        for record in (self.line_a, self.status_a):
            with self.assertRaises(AccessError, msg=record._name):
                record.with_env(env_b).read(["company_id"])
            self.assertFalse(
                env_b[record._name].search([("ticket_id", "=", self.ticket_a.id)])
            )

    def test_company_b_cannot_read_company_a_targets_and_rules(self):
        env_b = self.env(user=self.manager_b)
        for record in (self.target_a, self.rule_a):
            with self.assertRaises(AccessError, msg=record._name):
                record.with_env(env_b).read(["name"])
            self.assertNotIn(record, env_b[record._name].search([]))

    def test_company_b_does_not_escalate_to_company_a_target(self):
        env_b = self.env(user=self.manager_b)
        self.assertFalse(
            env_b["helpdesk.escalation.target"]._get_default_target(self.company_b)
        )
