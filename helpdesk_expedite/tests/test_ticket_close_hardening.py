"""helpdesk_mgmt's /ticket/close and stage rights, hardened.

On helpdesk_mgmt alone, any logged-in user closes any ticket with a GET
request (the ticket is looked up with sudo from the request), and public
users may write ticket stages. The tests of the refusals below fail there.

What the hardening does not need to change stays helpdesk_mgmt's: the route
answers every POST it accepts with a 302 (werkzeug's default, which
helpdesk_mgmt's own portal tests check), not the 303 of Odoo's
``request.redirect``.
"""

from odoo import http
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

from .common import PortalIncidentCase


@tagged("post_install", "-at_install")
class TestTicketCloseHardening(PortalIncidentCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.standard_ticket = cls._create_ticket(
            groups=[("ONE-CLASS", "Hanoi", 2)], failure_rate=5
        )
        cls.portal_b = cls._portal_user("customer_b", name="Other Campus B")
        cls.internal = new_test_user(
            cls.env, login="plain_employee", groups="base.group_user"
        )
        cls.assertTrue(cls, cls.stage_done.close_from_portal)

    def _close(self, ticket, stage=None, csrf=True, method="POST", **extra):
        params = {
            "ticket_id": ticket.id,
            "stage_id": (stage or self.stage_done).id,
            **extra,
        }
        if method == "GET":
            query = "&".join(f"{k}={v}" for k, v in params.items())
            return self.url_open(f"/ticket/close?{query}", allow_redirects=False)
        if csrf:
            params["csrf_token"] = http.Request.csrf_token(self)
        return self.url_open("/ticket/close", data=params, allow_redirects=False)

    def _assert_get_is_refused(self, login):
        """/ticket/close by GET: 405 for ``login``, the ticket stays open."""
        self.authenticate(login, login)
        response = self._close(self.standard_ticket, method="GET")
        self.assertEqual(response.status_code, 405)
        self._assert_open(self.standard_ticket)

    def _assert_open(self, ticket):
        ticket.invalidate_recordset()
        self.assertFalse(ticket.closed, f"{ticket.display_name} must stay open")

    # ------------------------------------------------------------------
    # Other people's tickets
    # ------------------------------------------------------------------
    def test_portal_user_b_cannot_close_customer_a_ticket_by_post(self):
        self.authenticate("customer_b", "customer_b")
        response = self._close(self.standard_ticket)
        self.assertEqual(response.status_code, 302)
        self.assertTrue(response.headers["Location"].endswith("/my"))
        self._assert_open(self.standard_ticket)

    def test_portal_user_b_cannot_close_customer_a_ticket_by_get(self):
        self._assert_get_is_refused("customer_b")

    def test_internal_user_without_access_cannot_close(self):
        self.internal.password = "plain-employee-pw"
        self.authenticate("plain_employee", "plain-employee-pw")
        self._close(self.standard_ticket)
        self._assert_open(self.standard_ticket)

    def test_wrong_access_token_does_not_open_the_door(self):
        self.standard_ticket._portal_ensure_token()
        self.authenticate("customer_b", "customer_b")
        self._close(self.standard_ticket, access_token="guess")
        self._assert_open(self.standard_ticket)

    def test_public_visitor_is_sent_to_login(self):
        self.authenticate(None, None)
        response = self._close(self.standard_ticket)
        self.assertIn(response.status_code, (302, 303))
        self.assertIn("/web/login", response.headers["Location"])
        self._assert_open(self.standard_ticket)

    # ------------------------------------------------------------------
    # The customer's own ticket
    # ------------------------------------------------------------------
    def test_customer_closes_own_ticket_by_post(self):
        self.authenticate("incident_customer", "incident_customer")
        response = self._close(self.standard_ticket)
        self.assertEqual(response.status_code, 302)
        self.assertTrue(
            response.headers["Location"].endswith(
                f"/my/ticket/{self.standard_ticket.id}"
            )
        )
        self.standard_ticket.invalidate_recordset()
        self.assertEqual(self.standard_ticket.stage_id, self.stage_done)

    def test_customer_cannot_close_by_get(self):
        self._assert_get_is_refused("incident_customer")

    @mute_logger("odoo.http")  # the refusal is logged as a warning
    def test_post_without_csrf_token_is_refused(self):
        self.authenticate("incident_customer", "incident_customer")
        response = self._close(self.standard_ticket, csrf=False)
        self.assertEqual(response.status_code, 400)
        self._assert_open(self.standard_ticket)

    def test_stage_not_closable_from_portal_is_ignored(self):
        stage = self.stage_in_progress
        self.assertFalse(stage.close_from_portal)
        self.authenticate("incident_customer", "incident_customer")
        response = self._close(self.standard_ticket, stage=stage)
        # as on helpdesk_mgmt: back to the ticket, unchanged
        self.assertEqual(response.status_code, 302)
        self.assertTrue(
            response.headers["Location"].endswith(
                f"/my/ticket/{self.standard_ticket.id}"
            )
        )
        self.standard_ticket.invalidate_recordset()
        self.assertNotEqual(self.standard_ticket.stage_id, stage)

    def test_unhandled_expedite_incident_is_not_closed_and_says_why(self):
        self.assertEqual(self.ticket.class_of_service, "expedite")
        self.authenticate("incident_customer", "incident_customer")
        response = self.url_open(
            "/ticket/close",
            data={
                "ticket_id": self.ticket.id,
                "stage_id": self.stage_done.id,
                "csrf_token": http.Request.csrf_token(self),
            },
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn('id="incident_message"', response.text)
        self.assertIn("cannot be closed yet", response.text)
        self._assert_open(self.ticket)

    def test_refused_expedite_close_redirects_with_302_and_a_message_key(self):
        self.authenticate("incident_customer", "incident_customer")
        response = self._close(self.ticket)
        self.assertEqual(response.status_code, 302)
        self.assertTrue(
            response.headers["Location"].endswith(
                f"/my/ticket/{self.ticket.id}?incident_message=close_refused"
            )
        )
        self._assert_open(self.ticket)

    def test_close_form_posts_with_a_csrf_token(self):
        self.authenticate("incident_customer", "incident_customer")
        page = self.url_open(f"/my/ticket/{self.standard_ticket.id}").text
        self.assertRegex(page, r'<form method="POST"[^>]*action="/ticket/close"')
        self.assertNotRegex(page, r'<form method="GET"[^>]*action="/ticket/close"')
        close_form = page[page.index('action="/ticket/close"') :]
        close_form = close_form[: close_form.index("</form>")]
        self.assertRegex(close_form, r'name="csrf_token" value="[^"]+"')

    # ------------------------------------------------------------------
    # Stage rights
    # ------------------------------------------------------------------
    def test_public_user_has_no_write_on_stages(self):
        public = self.env.ref("base.public_user")
        stages = self.env["helpdesk.ticket.stage"].with_user(public)
        self.assertFalse(stages.has_access("write"))
        with self.assertRaises(AccessError):
            self.stage_done.with_user(public).write({"name": "Defaced"})
        self.assertNotEqual(self.stage_done.name, "Defaced")

    def test_public_user_still_reads_stages(self):
        public = self.env.ref("base.public_user")
        self.assertTrue(
            self.env["helpdesk.ticket.stage"].with_user(public).has_access("read")
        )
        self.assertTrue(self.stage_done.with_user(public).name)
