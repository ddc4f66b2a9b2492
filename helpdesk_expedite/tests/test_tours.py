"""Browser tours: the customer confirms on the portal, the agent fills the
impact scope in the back office and sees the ticket turn Expedite, the
manager's board puts incidents first with their update countdown."""

from datetime import timedelta

from odoo import fields
from odoo.tests import tagged

from .common import PortalIncidentCase


@tagged("post_install", "-at_install")
class TestTours(PortalIncidentCase):
    def test_portal_customer_confirms_the_resolution(self):
        self._resolve(self.ticket)
        self.start_tour(
            f"/my/ticket/{self.ticket.id}",
            "helpdesk_expedite_portal_confirm",
            login="incident_customer",
        )
        self.assertTrue(self.ticket.customer_confirmed)
        self.assertEqual(self.ticket.customer_confirmation_channel, "portal")

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

    def test_board_shows_incidents_first_with_their_countdown(self):
        late = self._create_scenario_ticket(name="Tour late incident")
        on_time = self._create_scenario_ticket(name="Tour on-time incident")
        ordinary = self._create_ticket(
            groups=[("G1", "Hanoi", 2)],
            name="Tour ordinary ticket",
            stage_id=self.stage_in_progress.id,
        )
        late.next_update_deadline = fields.Datetime.now() - timedelta(minutes=10)
        self.assertTrue(late.update_overdue)
        self.assertFalse(on_time.update_overdue)
        self.assertEqual(ordinary.class_of_service, "standard")
        self.assertEqual(
            (late | on_time | ordinary).stage_id, self.stage_in_progress, "one column"
        )
        self.start_tour(
            "/odoo/action-helpdesk_mgmt.helpdesk_ticket_action?view_type=kanban",
            "helpdesk_expedite_kanban_countdown",
            login=self.manager.login,
        )
