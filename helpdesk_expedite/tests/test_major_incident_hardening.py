"""Attacks on and edge cases of major incidents, found by a review: each
test failed before its fix (forged counts, reopened reporters, company
moves, teams without a closed stage, lost summaries, per-reporter costs,
duplicate contacts, what a portal customer may read)."""

from contextlib import suppress

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common import ExpediteCase


@tagged("post_install", "-at_install")
class TestMajorIncidentHardening(ExpediteCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.major = cls._create_scenario_ticket(
            affected_service="Online exam submission (review)",
            error_message="Error 0x7AB (review)",
        )
        cls.reporter_partner = cls.env["res.partner"].create(
            {"name": "Reviewer Reporter", "email": "review.reporter@example.com"}
        )

    def _reporter(self, **vals):
        vals = {
            "name": "Cannot submit (review)",
            "partner_id": self.reporter_partner.id,
            "failure_rate": 0.0,
            "business_impact": False,
            **vals,
        }
        return self.Ticket.create(self._ticket_vals(groups=[], **vals))

    def _close_major_with_override(self):
        self.major.with_user(self.manager).write(
            {"stage_id": self.stage_done.id, "closure_override_reason": "review"}
        )
        self.assertTrue(self.major.closed)

    def test_reopened_expedite_reporter_bypasses_the_closure_gate(self):
        """An Expedite ticket linked to a major incident is closed with it;
        once reopened, it still points at the closed incident, and
        _tickets_being_closed() skips the closure gate for it forever."""
        reporter = self._create_scenario_ticket(name="Expedite reporter")
        self.assertEqual(reporter.class_of_service, "expedite")
        reporter.action_link_to_major_incident(self.major.id)
        self._close_major_with_override()
        self.assertTrue(reporter.closed)
        # the customer says it is still broken: the agent reopens it
        reporter.with_user(self.agent).write({"stage_id": self.stage_in_progress.id})
        self.assertFalse(reporter.closed)
        self.assertFalse(reporter.root_cause)
        # no root cause, no resolution, no monitoring, no confirmation:
        # an agent (not a manager, no override) must not be able to close it
        with self.assertRaises(UserError):
            reporter.with_user(self.agent).write({"stage_id": self.stage_done.id})

    def test_company_change_after_linking_leaves_a_cross_company_link(self):
        """The same-company rule is checked on major_incident_id only: moving a
        linked ticket to another company keeps the link."""
        reporter = self._reporter()
        reporter.action_link_to_major_incident(self.major.id)
        company = self.env["res.company"].create({"name": "Other campus (review)"})
        with self.assertRaises(ValidationError):
            reporter.write({"company_id": company.id, "team_id": False})
        reporter.invalidate_recordset()
        self.assertEqual(reporter.company_id, self.major.company_id)

    def test_a_reporter_without_a_closed_stage_blocks_closing_the_incident(self):
        """A reporter whose team has no closed stage makes closing the major
        incident itself fail (UserError from _get_closing_stage)."""
        other_team = self.env["helpdesk.ticket.team"].create(
            {"name": "Library desk (review)"}
        )
        closed_stages = self.env["helpdesk.ticket.stage"].search(
            [("closed", "=", True)]
        )
        closed_stages.write({"team_ids": [Command.set(self.team.ids)]})
        reporter = self._reporter(team_id=other_team.id, user_id=False)
        reporter.action_link_to_major_incident(self.major.id)
        self._close_major_with_override()
        self.assertFalse(reporter.closed)

    def test_closing_the_incident_wipes_the_reporters_own_resolution(self):
        """A major incident closed by a manager's override has no resolution
        summary: closing it overwrites each reporter's own resolution with
        nothing."""
        reporter = self._reporter()
        reporter.resolution_summary = "Lan's own workaround: submit by email."
        reporter.action_link_to_major_incident(self.major.id)
        self.assertFalse(self.major.resolution_summary)
        self._close_major_with_override()
        self.assertTrue(reporter.closed)
        self.assertEqual(
            reporter.resolution_summary, "Lan's own workaround: submit by email."
        )

    def _closing_cost(self, count):
        major = self._create_scenario_ticket(name=f"Outage of {count}")
        reporters = self.Ticket.create(
            [
                self._ticket_vals(groups=[], name=f"Me too {i}", failure_rate=0.0)
                for i in range(count)
            ]
        )
        reporters.action_link_to_major_incident(major.id)
        self.env.flush_all()
        self.env.invalidate_all()
        before = self.cr.sql_log_count
        major.with_user(self.manager).write(
            {"stage_id": self.stage_done.id, "closure_override_reason": "review"}
        )
        self.env.flush_all()
        self.assertTrue(all(reporters.mapped("closed")))
        return self.cr.sql_log_count - before

    def test_closing_the_incident_costs_queries_per_reporter(self):
        """_close_linked_tickets() asks each reporter for its closing stage,
        one stage search per ticket: closing an incident with 300 reports
        costs hundreds of queries."""
        self._closing_cost(1)  # warm the caches
        small, large = self._closing_cost(10), self._closing_cost(100)
        self.assertLessEqual(large - small, 10, (small, large))

    def test_a_customer_with_two_partner_records_gets_the_update_twice(self):
        """One mail per customer is decided per partner record, not per
        address: the same person known twice (a contact created from an
        incoming mail, and the one of the portal) gets every update twice."""
        twin = self.reporter_partner.copy({"name": "Reviewer Reporter (mail)"})
        reporters = self._reporter() | self._reporter(partner_id=twin.id)
        reporters.action_link_to_major_incident(self.major.id)
        self.env["mail.mail"].search([]).unlink()
        self.major.action_post_status_update("Rollback in progress (review).")
        mails = self.env["mail.mail"].search(
            [("model", "=", "helpdesk.ticket"), ("res_id", "in", reporters.ids)]
        )
        self.assertEqual(len(mails), 1, mails.mapped("recipient_ids.email"))

    def test_an_agent_can_chain_major_incidents_by_writing_the_count(self):
        """linked_ticket_count is a stored compute that is neither guarded nor
        readonly at the ORM: an agent writes 0 on a major incident with
        reports, then links it under another one (a chain the contract
        forbids), and the flood rule reads his number."""
        reporters = self._reporter() | self._reporter()
        reporters.action_link_to_major_incident(self.major.id)
        other = self._create_scenario_ticket(name="Other outage (review)")
        as_agent = self.major.with_user(self.agent)
        # refusing the write would be one fix; either way the link must fail
        with suppress(UserError, ValidationError, AccessError):
            as_agent.write({"linked_ticket_count": 0})
        with self.assertRaises(ValidationError):
            as_agent.action_link_to_major_incident(other.id)
        self.major.invalidate_recordset()
        self.assertEqual(self.major.linked_ticket_count, 2)

    def test_the_major_incidents_customer_learns_how_many_others_reported(self):
        """linked_ticket_count has no group: the major incident's customer
        (portal) reads over RPC how many other customers' tickets are linked."""
        portal = self._portal_user("review_portal", self.customer)
        self._reporter().action_link_to_major_incident(self.major.id)
        with self.assertRaises(AccessError):
            self.major.with_user(portal).read(["linked_ticket_count"])
