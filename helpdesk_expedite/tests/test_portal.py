"""The customer's incident panel on /my/ticket/<id>, and confirming there."""

from datetime import timedelta

from odoo import Command, fields
from odoo.tests import tagged
from odoo.tools import mute_logger

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
class TestPortalConfirmResolution(PortalIncidentCase):
    def test_customer_confirms_once(self):
        self._resolve(self.ticket)
        self.authenticate("incident_customer", "incident_customer")
        response = self._confirm()
        self.assertEqual(response.status_code, 200)
        self.assertIn('id="incident_confirmed"', response.text)
        self.assertNotIn('id="incident_confirm_button"', response.text)
        self.assertTrue(self.ticket.customer_confirmed)
        self.assertEqual(self.ticket.customer_confirmation_channel, "portal")
        self.assertEqual(len(self._confirmation_notes()), 1)
        confirmed_date = self.ticket.customer_confirmed_date
        # a second click, or a replayed form: nothing more happens
        response = self._confirm()
        self.assertEqual(response.status_code, 200)
        self.assertEqual(len(self._confirmation_notes()), 1)
        self.assertEqual(self.ticket.customer_confirmed_date, confirmed_date)

    def test_get_changes_nothing(self):
        self._resolve(self.ticket)
        self.authenticate("incident_customer", "incident_customer")
        response = self.url_open(
            f"/my/ticket/{self.ticket.id}/confirm_resolution", allow_redirects=False
        )
        self.assertNotIn(response.status_code, (200, 302, 303))
        self.assertFalse(self.ticket.customer_confirmed)
        self.assertFalse(self._confirmation_notes())

    @mute_logger("odoo.http")  # the refusal is logged as a warning
    def test_post_without_csrf_token_is_refused(self):
        self._resolve(self.ticket)
        self.authenticate("incident_customer", "incident_customer")
        response = self._confirm(csrf=False, follow=False, confirm="1")
        self.assertEqual(response.status_code, 400)
        self.assertFalse(self.ticket.customer_confirmed)

    def test_confirm_before_resolution_is_refused_with_a_message(self):
        self.authenticate("incident_customer", "incident_customer")
        response = self._confirm()
        self.assertEqual(response.status_code, 200)
        self.assertIn('id="incident_message"', response.text)
        self.assertIn("not resolved yet", response.text)
        self.assertFalse(self.ticket.customer_confirmed)
        self.assertFalse(self._confirmation_notes())

    def test_page_message_is_chosen_from_a_list(self):
        """A crafted link cannot put its own text on the ticket page."""
        page = self._open_ticket_page(incident_message="Call+0900-SCAM").text
        self.assertNotIn("Call 0900-SCAM", page)
        self.assertNotIn('id="incident_message"', page)

    def test_colleague_of_the_customer_may_confirm(self):
        self._portal_user("dean", parent_id=self.customer_company.id)
        self._resolve(self.ticket)
        self.authenticate("dean", "dean")
        self._confirm()
        self.assertTrue(self.ticket.customer_confirmed)

    def test_other_customer_cannot_confirm(self):
        self._portal_user("stranger")
        self._resolve(self.ticket)
        self.authenticate("stranger", "stranger")
        response = self._confirm(follow=False)
        self.assertIn(response.status_code, (302, 303))
        self.assertTrue(response.headers["Location"].endswith("/my"))
        self.assertFalse(self.ticket.customer_confirmed)

    def test_agent_is_not_the_customer(self):
        """An agent sees the ticket but cannot confirm in the customer's name."""
        self._resolve(self.ticket)
        self.agent.password = "agent-password"
        self.authenticate(self.agent.login, "agent-password")
        self._confirm(follow=False)
        self.assertFalse(self.ticket.customer_confirmed)

    def test_follower_of_another_company_is_not_the_customer(self):
        outsider = self._portal_user("outsider")
        self.ticket.message_subscribe(partner_ids=outsider.partner_id.ids)
        self._resolve(self.ticket)
        self.authenticate("outsider", "outsider")
        self._confirm(follow=False)
        self.assertFalse(self.ticket.customer_confirmed)

    def test_access_token_holder_may_confirm(self):
        self._resolve(self.ticket)
        token = self.ticket._portal_ensure_token()
        self.authenticate(None, None)
        response = self._confirm(access_token=token)
        self.assertEqual(response.status_code, 200)
        self.assertTrue(self.ticket.customer_confirmed)

    def test_wrong_access_token_is_refused(self):
        self._resolve(self.ticket)
        self.ticket._portal_ensure_token()
        self.authenticate(None, None)
        self._confirm(access_token="not-the-token", follow=False)
        self.assertFalse(self.ticket.customer_confirmed)

    def test_wrong_token_does_not_help_a_follower(self):
        """A bogus token with read access is not 'holding the token'."""
        self._resolve(self.ticket)
        self.ticket._portal_ensure_token()
        self.agent.password = "agent-password"
        self.authenticate(self.agent.login, "agent-password")
        self._confirm(access_token="bogus", follow=False)
        self.assertFalse(self.ticket.customer_confirmed)

    def test_confirming_after_monitoring_passed_closes(self):
        self._resolve(self.ticket)
        self.ticket.monitoring_end_date = fields.Datetime.now() - timedelta(minutes=1)
        self.ticket.action_log_monitoring(100.0)
        self.assertEqual(self.ticket.monitoring_state, "passed")
        self.authenticate("incident_customer", "incident_customer")
        response = self._confirm()
        self.assertEqual(response.status_code, 200)
        self.assertTrue(self.ticket.closed)
        self.assertRegex(response.text, r'id="incident_phase"[^>]*>\s*Resolved')
        self.assertNotIn('id="incident_confirm_button"', response.text)

    def test_unknown_ticket(self):
        self.authenticate("incident_customer", "incident_customer")
        response = self._confirm(ticket=self.Ticket.browse(999999), follow=False)
        self.assertIn(response.status_code, (302, 303))


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
