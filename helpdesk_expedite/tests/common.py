"""Shared test bases and helpers of helpdesk_expedite; every test file uses them.

- :class:`ExpediteCase` builds the exam-day incident from scratch: a helpdesk
  team with its manager and an agent, a customer company with its exam
  coordinator and director, an email escalation target, and the ticket
  (53 students in three classes, exams blocked, the director involved).
- :class:`ExpediteHttpCase` is the same behind a real HTTP server;
  :class:`PortalIncidentCase` adds the coordinator's portal account, the
  scenario ticket and the portal requests the customer makes.
- :class:`PureCase` runs the plain-function tests of ``lib/`` (no database)
  under pytest and under Odoo's own test runner alike; :func:`table` turns one
  test method into one test per row.
"""

import functools
from contextlib import contextmanager
from unittest.mock import patch

from freezegun import freeze_time
from hypothesis import HealthCheck, settings

from odoo import Command, http
from odoo.exceptions import ValidationError
from odoo.modules import module
from odoo.tests import BaseCase, HttpCase, new_test_user, tagged

from odoo.addons.base.tests.common import BaseCommon
from odoo.addons.mail.tests.common import MailCase

SCENARIO_GROUPS = [
    ("WEB102-HN", "Hanoi", 20),
    ("DATA101-SG", "Saigon", 18),
    ("MOBILE201-HN", "Hanoi", 15),
]
ROOT_CAUSE = "A recent deployment caused database connection timeouts and a table lock."
RESOLUTION = (
    "Rolled back the deployment, restarted the application, cleared the database locks."
)
CONFIRM_NOTE = "The customer confirmed that the service works again."

# Property tests: no time limits. CI machines are small and shared; a slow
# draw or example there says nothing about the code under test.
PROPERTY = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])


# ----------------------------------------------------------------------
# Plain-function tests
# ----------------------------------------------------------------------
def table(*rows):
    """Run the decorated test once per row, each row its own test method.

    ``@table((0, "standard"), (26, "expedite"))`` on ``test_x(self, users,
    expected)`` gives ``test_x_0`` and ``test_x_1``: both runners count,
    name and report every row on its own. Only :class:`PureCase` subclasses
    expand tables.
    """

    def decorate(func):
        func.table_rows = rows
        return func

    return decorate


def _row_test(func, row):
    @functools.wraps(func)
    def test(self):
        return func(self, *row)

    test.__doc__ = f"{func.__name__}{row!r}"
    del test.table_rows
    return test


@tagged("post_install", "-at_install")
class PureCase(BaseCase):
    """Tests of plain functions: no registry, no cursor, no database."""

    # __init_subclass__ returns None: there is nothing of super's to return
    def __init_subclass__(cls, **kwargs):  # pylint: disable=missing-return
        super().__init_subclass__(**kwargs)
        for name, func in list(vars(cls).items()):
            rows = getattr(func, "table_rows", None)
            if rows is None:
                continue
            delattr(cls, name)
            for index, row in enumerate(rows):
                row = row if isinstance(row, tuple) else (row,)
                setattr(cls, f"{name}_{index}", _row_test(func, row))


# ----------------------------------------------------------------------
# The incident in a database
# ----------------------------------------------------------------------
class ExpediteCase(BaseCommon, MailCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=False))
        # the tests' fake Teams hosts do not resolve: allow them by name
        cls.env["ir.config_parameter"].set_param(
            "helpdesk_expedite.webhook_allowed_hosts",
            "teams.example.com,example.com,127.0.0.1",
        )
        cls.Ticket = cls.env["helpdesk.ticket"]
        # passwords are the logins
        cls.manager, cls.agent = (
            new_test_user(cls.env, login=login, name=name, email=email, groups=group)
            for login, name, email, group in (
                (
                    "expedite_manager",
                    "Helpdesk Manager",
                    "manager@example.com",
                    "helpdesk_mgmt.group_helpdesk_manager",
                ),
                (
                    "expedite_agent",
                    "Trung Agent",
                    "agent@example.com",
                    "helpdesk_mgmt.group_helpdesk_user",
                ),
            )
        )
        cls.team = cls.env["helpdesk.ticket.team"].create(
            {
                "name": "Technical Support (test)",
                "user_id": cls.manager.id,
                "user_ids": [Command.set([cls.agent.id, cls.manager.id])],
            }
        )
        cls.customer_company = cls.env["res.partner"].create(
            {"name": "Campus (test)", "is_company": True, "email": "campus@example.com"}
        )
        cls.customer, cls.executive = cls.env["res.partner"].create(
            [
                {"name": name, "email": email, "parent_id": cls.customer_company.id}
                for name, email in (
                    ("Exam Coordinator", "coordinator@example.com"),
                    ("Campus Director", "director@example.com"),
                )
            ]
        )
        cls.dev_team = cls.env["helpdesk.escalation.target"].create(
            {
                "name": "Dev Team (test)",
                "channel": "email",
                "email": "dev@example.com",
                "sequence": 1,
            }
        )
        cls.stage_new = cls.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_new")
        cls.stage_in_progress = cls.env.ref(
            "helpdesk_mgmt.helpdesk_ticket_stage_in_progress"
        )
        cls.stage_done = cls.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_done")
        cls.stage_cancelled = cls.env.ref(
            "helpdesk_mgmt.helpdesk_ticket_stage_cancelled"
        )
        cls.stage_monitoring = cls.env.ref(
            "helpdesk_expedite.helpdesk_ticket_stage_monitoring"
        )

    @classmethod
    def _load_vietnamese(cls):
        """Vietnamese active, with the add-on's own translations (vi.po)."""
        cls.env["res.lang"]._activate_lang("vi_VN")
        cls.env["ir.module.module"]._load_module_terms(
            ["helpdesk_expedite"], ["vi_VN"], overwrite=True
        )

    @classmethod
    def _ticket_vals(cls, groups=None, **overrides):
        groups = SCENARIO_GROUPS if groups is None else groups
        vals = {
            "name": "LMS exam submission failure",
            "description": "<p>Students cannot submit their exams.</p>",
            "team_id": cls.team.id,
            "user_id": cls.agent.id,
            "partner_id": cls.customer.id,
            "affected_service": "Exam submission service",
            "error_message": "System error - please contact administrator",
            "failure_rate": 100.0,
            "business_impact": "Final exams blocked",
            "impact_line_ids": [
                Command.create(
                    {"name": name, "location": location, "affected_users": users}
                )
                for name, location, users in groups
            ],
        }
        vals.update(overrides)
        return vals

    def _assert_refused(self, message, func):
        """``func`` is refused with ``message`` and writes no ticket or line."""
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

    @classmethod
    def _create_ticket(cls, groups=None, **overrides):
        return cls.Ticket.create(cls._ticket_vals(groups, **overrides))

    @classmethod
    def _create_scenario_ticket(cls, **overrides):
        """The scenario's ticket: 53 students, executives, final exams blocked."""
        return cls._create_ticket(
            critical_activity_blocked=True,
            executive_partner_ids=[Command.set(cls.executive.ids)],
            **overrides,
        )

    @classmethod
    def _resolve(cls, ticket, when=None, **values):
        """Put the fix in place (root cause, resolution) at ``when``: the
        ticket is resolved and its post-fix monitoring window starts."""
        ticket.write(
            {
                "root_cause_category_id": cls.env.ref(
                    "helpdesk_expedite.root_cause_category_deployment"
                ).id,
                "root_cause": ROOT_CAUSE,
                "resolution_summary": RESOLUTION,
                **values,
            }
        )
        if when is None:
            ticket.action_mark_resolved()
        else:
            with cls.at(when):
                ticket.action_mark_resolved()
        return ticket

    @classmethod
    def _portal_user(cls, login, partner=None, **partner_vals):
        """A portal account for ``partner`` (a new partner made of
        ``partner_vals`` when none is given); its password is its login."""
        if partner is None:
            partner = cls.env["res.partner"].create({"name": login, **partner_vals})
        return new_test_user(
            cls.env, login=login, groups="base.group_portal", partner_id=partner.id
        )

    @classmethod
    @contextmanager
    def at(cls, when, **freeze):
        """The tests' one clock: freeze the clock at ``when`` (freezegun's
        options in ``freeze``, e.g. ``auto_tick_seconds``) and the
        transaction timestamp (create_date, write_date) with it. A class
        method, so that setUpClass may use it too."""
        cr = cls.env.cr
        previous = cr._now
        with freeze_time(when, **freeze):
            cr._now = when
            try:
                yield
            finally:
                cr._now = previous

    @staticmethod
    def _send_escalation_mails(escalations):
        """What Odoo's mail queue does after the commit: send the queued
        mails of these escalations, in Odoo's test mode (no SMTP server is
        contacted; Odoo's runner sets the mode, pytest does not)."""
        mails = escalations.sudo().mail_id.filtered(lambda m: m.state == "outgoing")
        with patch.object(module, "current_test", module.current_test or "test"):
            mails.send()
        return mails

    @staticmethod
    def _notes(ticket, text):
        return ticket.message_ids.filtered(
            lambda m: (
                m.subtype_id == ticket.env.ref("mail.mt_note")
                and text in (m.body or "")
            )
        )


class ExpediteHttpCase(HttpCase, ExpediteCase):
    """The incident's people and team, behind a real HTTP server."""


class PortalIncidentCase(ExpediteHttpCase):
    """A customer contact with a portal account, and the scenario ticket."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.portal_user = cls._portal_user("incident_customer", cls.customer)
        cls.ticket = cls._create_scenario_ticket()

    def _open_ticket_page(self, ticket=None, login="incident_customer", **params):
        ticket = ticket or self.ticket
        if login:
            self.authenticate(login, login)
        query = "&".join(f"{key}={value}" for key, value in params.items())
        response = self.url_open(f"/my/ticket/{ticket.id}?{query}")
        self.assertEqual(response.status_code, 200)
        return response

    def _confirm(self, ticket=None, csrf=True, follow=True, **data):
        """POST the customer's confirmation of the fix from the portal."""
        ticket = ticket or self.ticket
        if csrf:
            data["csrf_token"] = http.Request.csrf_token(self)
        return self.url_open(
            f"/my/ticket/{ticket.id}/confirm_resolution",
            data=data,
            allow_redirects=follow,
        )

    def _confirmation_notes(self, ticket=None):
        ticket = ticket or self.ticket
        ticket.invalidate_recordset()
        return ticket.message_ids.filtered(lambda m: CONFIRM_NOTE in (m.body or ""))
