"""Browser tours: the customer confirms on the portal, the agent fills the
impact scope in the back office and sees the ticket turn Expedite."""

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
