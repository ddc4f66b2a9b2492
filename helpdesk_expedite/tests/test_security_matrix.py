"""The access matrix of helpdesk_expedite, one generated test per cell.

``ACCESS_MATRIX`` is the single source of truth: readme/CONFIGURE.md shows
the tables generated from it (``test_matrix_matches_readme`` keeps them in
step). Each row is a model (or a group of ticket fields), each column a kind
of user, each cell the operations that user may perform on a record of a
ticket he can see: R = read, W = write, C = create, D = delete (unlink).

The second dimension is the ticket the record belongs to (``TICKET_KINDS``):
the user's own ticket, another agent's ticket of the same team, a ticket of
another team, a ticket of another company. ``SEES`` says which users see
which tickets under helpdesk_mgmt's rules; on a ticket he cannot see, a user
may do nothing with its lines either. Configuration rows have no ticket:
there the kinds are "a record of my company" and "another company's".
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
TICKET_KINDS = ("visible", "other_user", "other_team", "other_company")
KIND_LABELS = {
    "visible": "a ticket the user can see (his own, his customer's, one he follows)",
    "other_user": "another agent's ticket in the same team",
    "other_team": "a ticket of another team",
    "other_company": "a ticket (or configuration record) of another company",
}

# fmt: off
ACCESS_MATRIX = {
    # row                                      public portal internal own    team   user   manager
    "helpdesk.ticket (incident facts)":        ("",   "R",   "R",     "RWC", "RWC", "RWC", "RWCD"),
    "helpdesk.ticket (investigation fields)":  ("",   "",    "",      "RWC", "RWC", "RWC", "RWCD"),
    "helpdesk.ticket (major incident link)":   ("",   "",    "",      "RWC", "RWC", "RWC", "RWCD"),
    "helpdesk.ticket.impact.line":             ("",   "",    "",      "RWCD", "RWCD", "RWCD", "RWCD"),
    "helpdesk.ticket.check":                   ("",   "",    "",      "RWCD", "RWCD", "RWCD", "RWCD"),
    "helpdesk.ticket.corrective.action":       ("",   "",    "",      "RWCD", "RWCD", "RWCD", "RWCD"),
    "helpdesk.ticket.monitoring.log":          ("",   "",    "",      "RWC", "RWC",  "RWC",  "RWCD"),
    "helpdesk.ticket.escalation":              ("",   "",    "",      "RWCD", "RWCD", "RWCD", "RWCD"),
    "helpdesk.ticket.status.update":           ("",   "",    "",      "R",   "R",   "R",   "RD"),
    "helpdesk.expedite.rule":                  ("",   "",    "",      "R",   "R",   "R",   "RWCD"),
    "helpdesk.check.template":                 ("",   "",    "",      "R",   "R",   "R",   "RWCD"),
    "helpdesk.escalation.target":              ("",   "",    "",      "R",   "R",   "R",   "RWCD"),
    "helpdesk.escalation.target (teams_webhook_url)": ("", "", "",    "",    "",    "",    "RWCD"),
    "helpdesk.root.cause.category":            ("",   "",    "",      "R",   "R",   "R",   "RWCD"),
    "helpdesk.ticket (status page fields)":    ("",   "",    "",      "RWC", "RWC", "RWC", "RWCD"),
    "helpdesk.ticket (status_published)":      ("",   "",    "",      "R",   "R",   "R",   "RD"),
    "helpdesk.ticket.status.update (is_public)": ("", "",    "",      "RW",  "RW",  "RW",  "RWD"),
    "helpdesk.status.component":               ("",   "",    "",      "R",   "R",   "R",   "RWCD"),
    "helpdesk.status.component (manual_status)": ("", "",    "",      "R",   "R",   "R",   "RWCD"),
    "helpdesk.status.subscriber":              ("",   "",    "",      "",    "",    "",    "RD"),
    "helpdesk.status.mailing":                 ("",   "",    "",      "",    "",    "",    ""),
    "helpdesk.ticket.team (auto_link_reports)": ("",  "",    "",      "R",   "R",   "R",   "RWCD"),
}
# Which tickets each user sees (helpdesk_mgmt's rules).
SEES = {
    "public": (),
    "portal": ("visible",),
    "internal": ("visible",),
    "own": ("visible",),
    "team": ("visible", "other_user"),
    "user": ("visible", "other_user", "other_team"),
    "manager": ("visible", "other_user", "other_team"),
}
# fmt: on
CONFIG_ROWS = frozenset(
    {
        "helpdesk.expedite.rule",
        "helpdesk.check.template",
        "helpdesk.escalation.target",
        "helpdesk.escalation.target (teams_webhook_url)",
        "helpdesk.root.cause.category",
        "helpdesk.status.component",
        "helpdesk.status.component (manual_status)",
        "helpdesk.status.subscriber",
        "helpdesk.status.mailing",
        "helpdesk.ticket.team (auto_link_reports)",
    }
)
# configuration shared by all companies
SHARED_ROWS = frozenset({"helpdesk.root.cause.category"})

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


def expected_cell(row, role, kind):
    """The operations ``role`` may do on ``row`` records of a ``kind`` ticket."""
    cell = ACCESS_MATRIX[row][ROLES.index(role)]
    if row in SHARED_ROWS:
        return cell
    if row in CONFIG_ROWS:
        return "" if kind == "other_company" else cell
    return cell if kind in SEES[role] else ""


def matrix_markdown():
    """The matrix as the Markdown tables documented in readme/CONFIGURE.md."""
    tables = []
    for kind in TICKET_KINDS:
        header = "| Model | " + " | ".join(ROLE_LABELS[r] for r in ROLES) + " |"
        lines = [
            f"On {KIND_LABELS[kind]}:",
            "",
            header,
            "|" + "---|" * (len(ROLES) + 1),
        ]
        for row in ACCESS_MATRIX:
            cells = [expected_cell(row, role, kind) or "-" for role in ROLES]
            lines.append(f"| `{row}` | " + " | ".join(cells) + " |")
        tables.append("\n".join(lines))
    return "\n\n".join(tables)


@tagged("post_install", "-at_install", "helpdesk_expedite_security")
class TestSecurityMatrix(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        env["ir.config_parameter"].set_param(
            "helpdesk_expedite.webhook_allowed_hosts", "example.com"
        )
        cls.company = env.company
        cls.company_b = env["res.company"].create({"name": "Matrix Company B"})
        cls.customer = env["res.partner"].create(
            {"name": "Matrix Customer", "email": "matrix.customer@example.com"}
        )
        cls.other_customer = env["res.partner"].create(
            {"name": "Other Customer", "email": "other.customer@example.com"}
        )
        cls.users = cls._make_users(env)
        cls.other_agent = new_test_user(
            env,
            login="matrix_other_agent",
            groups="helpdesk_mgmt.group_helpdesk_user",
            company_ids=[Command.set((cls.company | cls.company_b).ids)],
        )
        agents = [cls.users[r].id for r in ("own", "team", "user", "manager")]
        cls.team = env["helpdesk.ticket.team"].create(
            {
                "name": "Matrix Team",
                "user_ids": [Command.set(agents + cls.other_agent.ids)],
            }
        )
        cls.other_team = env["helpdesk.ticket.team"].create(
            {"name": "Other Team", "user_ids": [Command.set(cls.other_agent.ids)]}
        )
        cls.team_b = env["helpdesk.ticket.team"].create(
            {"name": "Team B", "company_id": cls.company_b.id}
        )
        cls.targets = {
            cls.company: cls._make_target(env, "Matrix Dev", cls.company),
            cls.company_b: cls._make_target(env, "B Dev", cls.company_b),
        }
        cls.tickets = {
            kind: cls._make_ticket(env, **cls._kind_vals(kind)) for kind in TICKET_KINDS
        }
        # the internal user follows his ticket: helpdesk_mgmt lets him see it
        cls.tickets["visible"].message_subscribe(
            partner_ids=cls.users["internal"].partner_id.ids
        )
        cls.teams_target = env["helpdesk.escalation.target"].create(
            {
                "name": "Matrix Teams",
                "channel": "teams",
                "teams_webhook_url": "https://example.com/webhook/secret",
            }
        )
        # an open Expedite incident per company, which every agent sees
        cls.majors = {
            company: cls._make_ticket(
                env,
                name="Matrix major incident",
                company_id=company.id,
                team_id=(cls.team if company == cls.company else cls.team_b).id,
                class_of_service="expedite",
                class_of_service_locked=True,
                class_of_service_lock_reason="Matrix",
            )
            for company in (cls.company, cls.company_b)
        }
        cls.records = {
            kind: cls._make_line_records(env, ticket)
            for kind, ticket in cls.tickets.items()
        }
        cls.config_records = {
            "visible": cls._make_config_records(env, cls.company),
            "other_company": cls._make_config_records(env, cls.company_b),
        }

    @classmethod
    def _make_users(cls, env):
        def user(login, groups, **extra):
            return new_test_user(env, login=login, groups=groups, **extra)

        return {
            "public": env.ref("base.public_user"),
            "portal": user(
                "matrix_portal", "base.group_portal", partner_id=cls.customer.id
            ),
            "internal": user("matrix_internal", "base.group_user"),
            "own": user("matrix_own", "helpdesk_mgmt.group_helpdesk_user_own"),
            "team": user("matrix_team", "helpdesk_mgmt.group_helpdesk_user_team"),
            "user": user("matrix_user", "helpdesk_mgmt.group_helpdesk_user"),
            "manager": user("matrix_manager", "helpdesk_mgmt.group_helpdesk_manager"),
        }

    @classmethod
    def _make_target(cls, env, name, company):
        return env["helpdesk.escalation.target"].create(
            {
                "name": name,
                "channel": "email",
                "email": "dev@example.com",
                "company_id": company.id,
            }
        )

    @classmethod
    def _kind_vals(cls, kind):
        """Owner, team, customer and company of a ticket of that kind."""
        return {
            "visible": {"user_id": cls.users["own"].id},
            "other_user": {
                "user_id": cls.other_agent.id,
                "partner_id": cls.other_customer.id,
            },
            "other_team": {
                "user_id": cls.other_agent.id,
                "team_id": cls.other_team.id,
                "partner_id": cls.other_customer.id,
            },
            "other_company": {
                "user_id": cls.other_agent.id,
                "team_id": cls.team_b.id,
                "partner_id": cls.other_customer.id,
                "company_id": cls.company_b.id,
            },
        }[kind]

    @classmethod
    def _make_ticket(cls, env, **extra):
        vals = {
            "name": "Matrix ticket",
            "description": "<p>Matrix</p>",
            "team_id": cls.team.id,
            "user_id": cls.users["own"].id,
            "partner_id": cls.customer.id,
            "impact_line_ids": [Command.create({"name": "G1", "affected_users": 3})],
            **extra,
        }
        return env["helpdesk.ticket"].create(vals)

    @classmethod
    def _make_line_records(cls, env, ticket):
        """One record of each line model on ``ticket``, which is monitored
        (so that checks may be logged)."""
        su = env(su=True)
        ticket = ticket.with_env(su)
        ticket.write({"root_cause": "Deployment", "resolution_summary": "Rollback"})
        ticket.action_mark_resolved()
        ticket.action_post_status_update("We are on it.")
        return {
            "helpdesk.ticket.impact.line": ticket.impact_line_ids[:1],
            "helpdesk.ticket.check": su["helpdesk.ticket.check"].create(
                {"ticket_id": ticket.id, "name": "Error logs"}
            ),
            "helpdesk.ticket.corrective.action": su[
                "helpdesk.ticket.corrective.action"
            ].create({"ticket_id": ticket.id, "name": "Roll back"}),
            "helpdesk.ticket.monitoring.log": su[
                "helpdesk.ticket.monitoring.log"
            ].create({"ticket_id": ticket.id, "success_rate": 90.0}),
            "helpdesk.ticket.escalation": su["helpdesk.ticket.escalation"].create(
                {
                    "ticket_id": ticket.id,
                    "target_id": cls.targets[ticket.company_id].id,
                    "summary": "Matrix summary",
                }
            ),
            "helpdesk.ticket.status.update": ticket.status_update_ids[:1],
        }

    @classmethod
    def _make_config_records(cls, env, company):
        return {
            "helpdesk.expedite.rule": env["helpdesk.expedite.rule"].create(
                {
                    "name": "Matrix rule",
                    "class_of_service": "standard",
                    "company_id": company.id,
                }
            ),
            "helpdesk.check.template": env["helpdesk.check.template"].create(
                {"name": "Matrix check", "company_id": company.id}
            ),
            # not referenced by an escalation, so that it can be deleted
            "helpdesk.escalation.target": env["helpdesk.escalation.target"].create(
                {
                    "name": "Matrix Ops",
                    "channel": "email",
                    "email": "ops@example.com",
                    "company_id": company.id,
                }
            ),
            "helpdesk.escalation.target (teams_webhook_url)": env[
                "helpdesk.escalation.target"
            ].create(
                {
                    "name": "Matrix Teams",
                    "channel": "teams",
                    "teams_webhook_url": "https://example.com/webhook/secret",
                    "company_id": company.id,
                }
            ),
            "helpdesk.root.cause.category": env["helpdesk.root.cause.category"].create(
                {"name": "Matrix cause", "code": f"MATRIX{next(_codes)}"}
            ),
            "helpdesk.status.component": env["helpdesk.status.component"].create(
                {"name": f"Matrix component {next(_codes)}", "company_id": company.id}
            ),
            "helpdesk.status.component (manual_status)": env[
                "helpdesk.status.component"
            ].create(
                {"name": f"Matrix component {next(_codes)}", "company_id": company.id}
            ),
            "helpdesk.status.subscriber": env["helpdesk.status.subscriber"].create(
                {"email": f"matrix{next(_codes)}@example.com", "company_id": company.id}
            ),
            "helpdesk.status.mailing": env["helpdesk.status.mailing"].create(
                {
                    "update_id": env["helpdesk.ticket.status.update"]
                    .create({"ticket_id": cls.majors[company].id, "body": "Matrix"})
                    .id
                }
            ),
            "helpdesk.ticket.team (auto_link_reports)": env[
                "helpdesk.ticket.team"
            ].create(
                {
                    "name": f"Matrix team {next(_codes)}",
                    "company_id": company.id,
                    "auto_link_reports": True,
                }
            ),
        }

    # ------------------------------------------------------------------
    # One operation on one row, as one user, on one kind of ticket
    # ------------------------------------------------------------------
    def _do(self, row, user, operation, kind):
        env = self.env(user=user)
        method = getattr(self, "_op_" + _slug(row).replace("helpdesk_", "", 1))
        return method(env, operation, kind)

    def _ticket_op(self, env, operation, kind, fields, vals):
        ticket = self.tickets[kind].with_env(env)
        if operation == "read":
            return ticket.read(fields)
        if operation == "write":
            return ticket.write(vals)
        kind_vals = self._kind_vals(kind)
        if operation == "create":
            if kind == "visible" and not env.user.share:
                kind_vals = {"user_id": env.user.id}
            return self._make_ticket(env, **kind_vals, **vals)
        other = self._make_ticket(self.env, **kind_vals)
        return other.with_env(env).unlink()

    def _op_ticket_incident_facts(self, env, operation, kind):
        fields = ["class_of_service", "affected_user_count", "incident_phase"]
        return self._ticket_op(env, operation, kind, fields, {"failure_rate": 40.0})

    def _op_ticket_investigation_fields(self, env, operation, kind):
        fields = ["findings", "preliminary_assessment", "check_ids", "escalation_ids"]
        fields += ["monitoring_log_ids"]
        return self._ticket_op(
            env, operation, kind, fields, {"preliminary_assessment": "Likely the DB"}
        )

    def _op_ticket_major_incident_link(self, env, operation, kind):
        fields = ["major_incident_id", "linked_ticket_ids", "linked_ticket_count"]
        fields += ["major_incident_suggestion_id", "visible_linked_ticket_count"]
        major = self.majors[self.tickets[kind].company_id]
        return self._ticket_op(
            env, operation, kind, fields, {"major_incident_id": major.id}
        )

    def _op_ticket_status_page_fields(self, env, operation, kind):
        fields = ["status_public_title", "status_impact", "status_component_ids"]
        fields += ["status_phase", "status_page_url"]
        return self._ticket_op(
            env, operation, kind, fields, {"status_public_title": "Matrix outage"}
        )

    def _op_ticket_status_published(self, env, operation, kind):
        fields = ["status_published", "status_published_date"]
        return self._ticket_op(env, operation, kind, fields, {"status_published": True})

    def _op_ticket_status_update_is_public(self, env, operation, kind):
        ticket = self.tickets[kind]
        record = self.records[kind]["helpdesk.ticket.status.update"]
        return self._line_op(
            env,
            operation,
            record,
            ["is_public", "public_status"],
            {"is_public": False},
            {"ticket_id": ticket.id, "body": "Matrix update", "is_public": False},
        )

    def _op_status_component(self, env, operation, kind):
        return self._config_op(
            "helpdesk.status.component",
            env,
            operation,
            kind,
            ["name", "status", "group_name"],
            {"description": "Matrix description"},
            {"name": f"New component {next(_codes)}"},
        )

    def _op_status_component_manual_status(self, env, operation, kind):
        return self._config_op(
            "helpdesk.status.component (manual_status)",
            env,
            operation,
            kind,
            ["manual_status"],
            {"manual_status": "under_maintenance"},
            {"name": f"New component {next(_codes)}", "manual_status": "major_outage"},
        )

    def _op_status_subscriber(self, env, operation, kind):
        return self._config_op(
            "helpdesk.status.subscriber",
            env,
            operation,
            kind,
            ["email", "state", "component_ids", "lang"],
            {"state": "confirmed"},
            {"email": f"new{next(_codes)}@example.com", "state": "confirmed"},
        )

    def _op_status_mailing(self, env, operation, kind):
        record = self.config_records[
            "other_company" if kind == "other_company" else "visible"
        ]["helpdesk.status.mailing"]
        return self._line_op(
            env,
            operation,
            record,
            ["state", "mail_count", "last_subscriber_id"],
            {"state": "done"},
            {"update_id": record.update_id.id},
        )

    def _op_ticket_team_auto_link_reports(self, env, operation, kind):
        return self._config_op(
            "helpdesk.ticket.team (auto_link_reports)",
            env,
            operation,
            kind,
            ["auto_link_reports"],
            {"auto_link_reports": False},
            {"name": f"New team {next(_codes)}", "auto_link_reports": True},
        )

    def _line_op(self, env, operation, record, read_fields, write_vals, create_vals):
        record = record.with_env(env)
        if operation == "read":
            return record.read(read_fields)
        if operation == "write":
            return record.write(write_vals)
        if operation == "create":
            return env[record._name].create(create_vals)
        return record.unlink()

    # (read fields, write values, create values) of each line row
    LINE_OPS = {
        "helpdesk.ticket.impact.line": (
            ["name", "affected_users"],
            {"affected_users": 4},
            {"name": "G2", "affected_users": 2},
        ),
        "helpdesk.ticket.check": (
            ["name", "state", "result"],
            {"state": "ok", "result": "Clean"},
            {"name": "Load check"},
        ),
        "helpdesk.ticket.corrective.action": (
            ["name", "done"],
            {"done": True},
            {"name": "Restart service"},
        ),
        "helpdesk.ticket.monitoring.log": (
            ["success_rate", "note"],
            {"note": "Looks fine"},
            {"success_rate": 99.0},
        ),
        "helpdesk.ticket.escalation": (
            ["summary", "state"],
            {"summary": "Updated summary"},
            {"summary": "Another summary"},
        ),
        "helpdesk.ticket.status.update": (
            ["body", "date"],
            {"body": "Still on it."},
            {"body": "Fix in progress."},
        ),
    }

    def _ticket_line_op(self, model, env, operation, kind):
        read_fields, write_vals, create_vals = self.LINE_OPS[model]
        ticket = self.tickets[kind]
        create_vals = {"ticket_id": ticket.id, **create_vals}
        if model == "helpdesk.ticket.escalation":
            create_vals["target_id"] = self.targets[ticket.company_id].id
        record = self.records[kind][model]
        return self._line_op(
            env, operation, record, read_fields, write_vals, create_vals
        )

    def _op_ticket_impact_line(self, env, operation, kind):
        return self._ticket_line_op("helpdesk.ticket.impact.line", env, operation, kind)

    def _op_ticket_check(self, env, operation, kind):
        return self._ticket_line_op("helpdesk.ticket.check", env, operation, kind)

    def _op_ticket_corrective_action(self, env, operation, kind):
        return self._ticket_line_op(
            "helpdesk.ticket.corrective.action", env, operation, kind
        )

    def _op_ticket_monitoring_log(self, env, operation, kind):
        return self._ticket_line_op(
            "helpdesk.ticket.monitoring.log", env, operation, kind
        )

    def _op_ticket_escalation(self, env, operation, kind):
        return self._ticket_line_op("helpdesk.ticket.escalation", env, operation, kind)

    def _op_ticket_status_update(self, env, operation, kind):
        return self._ticket_line_op(
            "helpdesk.ticket.status.update", env, operation, kind
        )

    def _config_op(self, row, env, operation, kind, read_fields, write_vals, vals):
        record = self.config_records[
            "other_company" if kind == "other_company" else "visible"
        ][row]
        company = self.company_b if kind == "other_company" else self.company
        create_vals = {**vals, "company_id": company.id}
        return self._line_op(
            env, operation, record, read_fields, write_vals, create_vals
        )

    def _op_expedite_rule(self, env, operation, kind):
        return self._config_op(
            "helpdesk.expedite.rule",
            env,
            operation,
            kind,
            ["name", "class_of_service"],
            {"sequence": 99},
            {"name": "New rule", "class_of_service": "standard"},
        )

    def _op_check_template(self, env, operation, kind):
        return self._config_op(
            "helpdesk.check.template",
            env,
            operation,
            kind,
            ["name"],
            {"sequence": 99},
            {"name": "New check"},
        )

    def _op_escalation_target(self, env, operation, kind):
        return self._config_op(
            "helpdesk.escalation.target",
            env,
            operation,
            kind,
            ["name", "channel", "email"],
            {"email": "dev2@example.com"},
            {"name": "Ops", "channel": "email", "email": "ops@example.com"},
        )

    def _op_escalation_target_teams_webhook_url(self, env, operation, kind):
        return self._config_op(
            "helpdesk.escalation.target (teams_webhook_url)",
            env,
            operation,
            kind,
            ["name", "teams_webhook_url"],
            {"teams_webhook_url": "https://example.com/other"},
            {
                "name": "Teams 2",
                "channel": "teams",
                "teams_webhook_url": "https://example.com/webhook/2",
            },
        )

    def _op_root_cause_category(self, env, operation, kind):
        row = "helpdesk.root.cause.category"
        record = self.config_records["visible"][row]
        return self._line_op(
            env,
            operation,
            record,
            ["name", "code"],
            {"name": "Renamed"},
            {"name": "New cause", "code": f"MATRIX{next(_codes)}"},
        )

    def _check_cell(self, row, role, kind, letter, operation):
        allowed = letter in expected_cell(row, role, kind)
        user = self.users[role]
        if allowed:
            result = self._do(row, user, operation, kind)
            self.env.flush_all()
            if operation == "read":
                self.assertTrue(result, f"{role} should read {row} ({kind})")
        else:
            with self.assertRaises(
                AccessError, msg=f"{role} must not {operation} {row} ({kind})"
            ):
                self._do(row, user, operation, kind)
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


def _make_cell_test(row, role, kind, letter, operation):
    def test(self):
        self._check_cell(row, role, kind, letter, operation)

    expected = "allowed" if letter in expected_cell(row, role, kind) else "denied"
    test.__name__ = f"test_{_slug(row)}__{role}__{kind}__{operation}__{expected}"
    test.__doc__ = f"{ROLE_LABELS[role]} / {row} / {kind} / {operation}: {expected}"
    return test


for _row in ACCESS_MATRIX:
    for _role in ROLES:
        for _kind in TICKET_KINDS:
            for _letter, _operation in OPERATIONS:
                _test = _make_cell_test(_row, _role, _kind, _letter, _operation)
                setattr(TestSecurityMatrix, _test.__name__, _test)
del _row, _role, _kind, _letter, _operation, _test


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
