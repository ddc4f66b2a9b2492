"""Shared fixture: the exam-day incident of scenario 03, built from scratch."""

from contextlib import contextmanager

from freezegun import freeze_time

from odoo import Command
from odoo.tests import new_test_user

from odoo.addons.base.tests.common import BaseCommon
from odoo.addons.mail.tests.common import MailCase

SCENARIO_GROUPS = [
    ("WEB102-HN", "Hanoi", 20),
    ("DATA101-SG", "Saigon", 18),
    ("MOBILE201-HN", "Hanoi", 15),
]


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
        cls.manager = new_test_user(
            cls.env,
            login="expedite_manager",
            name="Helpdesk Manager",
            email="manager@example.com",
            groups="helpdesk_mgmt.group_helpdesk_manager",
        )
        cls.agent = new_test_user(
            cls.env,
            login="expedite_agent",
            name="Trung Agent",
            email="agent@example.com",
            groups="helpdesk_mgmt.group_helpdesk_user",
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
        cls.customer = cls.env["res.partner"].create(
            {
                "name": "Exam Coordinator",
                "email": "coordinator@example.com",
                "parent_id": cls.customer_company.id,
            }
        )
        cls.executive = cls.env["res.partner"].create(
            {
                "name": "Campus Director",
                "email": "director@example.com",
                "parent_id": cls.customer_company.id,
            }
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
        cls.stage_monitoring = cls.env.ref(
            "helpdesk_expedite.helpdesk_ticket_stage_monitoring"
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

    @contextmanager
    def at(self, when):
        """Freeze the clock and the transaction timestamp (create_date)."""
        cr = self.env.cr
        previous = cr._now
        with freeze_time(when):
            cr._now = when
            try:
                yield
            finally:
                cr._now = previous

    @staticmethod
    def _notes(ticket, text):
        return ticket.message_ids.filtered(
            lambda m: (
                m.subtype_id == ticket.env.ref("mail.mt_note")
                and text in (m.body or "")
            )
        )
