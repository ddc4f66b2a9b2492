"""Response on the portal: the incident panel the customer follows, and his
ticket list."""

from datetime import timedelta

from odoo import Command, fields
from odoo.tests import tagged

from .common import PortalIncidentCase


@tagged("post_install", "-at_install")
class TestPortalIncidentPanel(PortalIncidentCase):
    def test_panel_shows_the_incident_facts(self):
        page = self._open_ticket_page().text
        self.assertIn('id="incident_panel"', page)
        self.assertIn("Expedite", page)
        self.assertRegex(page, r'id="incident_affected_users"[^>]*>\s*53\s*<')
        self.assertRegex(page, r'id="incident_affected_groups"[^>]*>\s*3\s*<')
        for group, users in (
            ("WEB102-HN", 20),
            ("DATA101-SG", 18),
            ("MOBILE201-HN", 15),
        ):
            self.assertRegex(page, rf"{group}:\s*{users}")
        self.assertRegex(page, r'id="incident_phase"[^>]*>\s*Investigating')
        self.assertIn('id="incident_next_update"', page)
        self.assertNotIn('id="incident_update_overdue"', page)
        self.assertNotIn('id="incident_confirm_button"', page)

    def test_panel_phases_follow_the_incident(self):
        self.ticket.root_cause = "Deployment"
        page = self._open_ticket_page().text
        self.assertRegex(page, r'id="incident_phase"[^>]*>\s*Identified')
        self._resolve(self.ticket)
        page = self._open_ticket_page().text
        self.assertRegex(page, r'id="incident_phase"[^>]*>\s*Monitoring')

    def test_updates_are_listed_oldest_first(self):
        self.ticket.action_post_status_update("FIRST-UPDATE: cause found")
        self.ticket.action_post_status_update("SECOND-UPDATE: fix deploying")
        # same timestamp in a test transaction: the id breaks the tie
        page = self._open_ticket_page().text
        acknowledgement = page.index("classified this incident as")
        first = page.index("FIRST-UPDATE")
        second = page.index("SECOND-UPDATE")
        self.assertLess(acknowledgement, first)
        self.assertLess(first, second)

    def test_overdue_update_is_shown_honestly(self):
        self.ticket.next_update_deadline = fields.Datetime.now() - timedelta(minutes=5)
        page = self._open_ticket_page().text
        self.assertIn('id="incident_update_overdue"', page)
        self.assertIn("Overdue", page)

    def test_standard_ticket_has_no_panel(self):
        ticket = self._create_ticket(groups=[("ONE-CLASS", "Hanoi", 2)], failure_rate=5)
        self.assertEqual(ticket.class_of_service, "standard")
        page = self._open_ticket_page(ticket).text
        self.assertNotIn('id="incident_panel"', page)

    def test_fixed_date_ticket_has_the_panel(self):
        ticket = self._create_ticket(
            groups=[("ONE-CLASS", "Hanoi", 2)],
            failure_rate=5,
            deadline=fields.Datetime.now() + timedelta(days=2),
        )
        self.assertEqual(ticket.class_of_service, "fixed_date")
        page = self._open_ticket_page(ticket).text
        self.assertIn('id="incident_panel"', page)
        self.assertIn('id="incident_deadline"', page)

    def test_confirm_button_once_resolved(self):
        self._resolve(self.ticket)
        page = self._open_ticket_page().text
        self.assertIn('id="incident_confirm_button"', page)
        self.assertIn(f'action="/my/ticket/{self.ticket.id}/confirm_resolution"', page)
        self.assertRegex(page, r'name="csrf_token" value="[^"]+"')

    def test_panel_works_on_a_phone(self):
        """Bootstrap's grid stacks the panel; nothing is wider than the card."""
        page = self._open_ticket_page().text
        panel = page[page.index('id="incident_panel"') :]
        self.assertIn("col-6 col-md-3", panel)
        self.assertIn("col-12 col-md-6", panel)
        self.assertIn("flex-wrap", panel)
        self.assertNotIn("<table", panel[: panel.index("</section>")])


@tagged("post_install", "-at_install")
class TestPortalTicketList(PortalIncidentCase):
    def test_ticket_list_still_renders(self):
        self.ticket.write(
            {
                "impact_line_ids": [
                    Command.create({"name": "EXTRA", "affected_users": 1})
                ]
            }
        )
        self.authenticate("incident_customer", "incident_customer")
        response = self.url_open("/my/tickets")
        self.assertEqual(response.status_code, 200)
        self.assertIn(self.ticket.name, response.text)
