"""Closure: the customer's confirmation (portal, tour), the closure gate and
its override, and the portal's /ticket/close route."""

from datetime import datetime, timedelta

from odoo import fields, http
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

from .common import ExpediteCase, PortalIncidentCase

T0 = datetime(2026, 6, 15, 9, 0, 0)


def minutes(n):
    return T0 + timedelta(minutes=n)


@tagged("post_install", "-at_install")
class TestConfirmationBeforeMonitoring(ExpediteCase):
    def test_confirmation_before_monitoring_passed_closes_later(self):
        with self.at(minutes(0)):
            ticket = self._create_scenario_ticket()
        self._resolve(ticket, minutes(10))
        with self.at(minutes(12)):
            ticket.action_confirm_resolution()
            ticket.action_confirm_resolution()  # idempotent
        self.assertFalse(ticket.closed)
        self.assertEqual(len(self._notes(ticket, "customer confirmed")), 1)
        with self.at(minutes(26)):
            ticket.action_log_monitoring(100.0)
        self.assertTrue(ticket.closed)


@tagged("post_install", "-at_install")
class TestClosureGate(ExpediteCase):
    def test_each_missing_item_is_named(self):
        ticket = self._create_scenario_ticket()
        with self.assertRaises(UserError) as caught:
            ticket.action_close()
        message = str(caught.exception)
        for item in (
            "root cause",
            "resolution summary",
            "post-fix monitoring passed",
            "customer confirmation",
        ):
            self.assertIn(item, message)
        self.assertFalse(ticket.closed)

    def test_kanban_drag_and_rpc_write_are_refused(self):
        ticket = self._create_scenario_ticket()
        with self.assertRaisesRegex(UserError, "customer confirmation"):
            ticket.with_user(self.agent).write({"stage_id": self.stage_done.id})
        with self.assertRaisesRegex(UserError, "root cause"):
            (ticket | self._create_ticket(groups=[("A", "", 1)])).write(
                {"stage_id": self.stage_cancelled.id}
            )
        self.assertEqual(ticket.stage_id, self.stage_in_progress)

    def test_manager_override_is_recorded(self):
        ticket = self._create_scenario_ticket()
        with self.assertRaises(AccessError):
            ticket.with_user(self.agent).write(
                {"closure_override_reason": "Customer unreachable"}
            )
        with self.mock_mail_gateway():
            ticket.with_user(self.manager).write(
                {
                    "closure_override_reason": "Duplicate of another incident",
                    "stage_id": self.stage_done.id,
                }
            )
        self.assertTrue(ticket.closed)
        note = self._notes(ticket, "despite missing items")
        self.assertEqual(len(note), 1)
        self.assertIn("Duplicate of another incident", note.body)
        self.assertTrue(any("Resolved and closed" in m["subject"] for m in self._mails))

    def test_non_expedite_tickets_close_freely(self):
        ticket = self._create_ticket(groups=[("A", "", 2)])
        ticket.stage_id = self.stage_done
        self.assertTrue(ticket.closed)


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
class TestTicketCloseRoute(PortalIncidentCase):
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


@tagged("post_install", "-at_install")
class TestClosureTour(PortalIncidentCase):
    def test_portal_customer_confirms_the_resolution(self):
        self._resolve(self.ticket)
        self.start_tour(
            f"/my/ticket/{self.ticket.id}",
            "helpdesk_expedite_portal_confirm",
            login="incident_customer",
        )
        self.assertTrue(self.ticket.customer_confirmed)
        self.assertEqual(self.ticket.customer_confirmation_channel, "portal")
