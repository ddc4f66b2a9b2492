"""Scorecard: the handling scorecard from a known timeline, the review
document, and the customer's copy of it (no internal fact, its route)."""

from datetime import datetime

from odoo.tests import tagged

from .common import ExpediteCase, PortalIncidentCase


@tagged("post_install", "-at_install")
class TestScorecard(ExpediteCase):
    def test_known_timeline_gives_hand_computed_scorecard(self):
        """Reported 10:00, acknowledged at once (update every 15 min), the
        first update sent on time at 10:10, the second late at 10:40 (due
        10:25); escalation sent 10:05 and acknowledged 10:12 (7 minutes)."""
        t0 = datetime(2026, 6, 15, 10, 0)
        with self.at(t0):
            ticket = self._create_scenario_ticket()
        with self.at(t0.replace(minute=5)):
            ticket.action_escalate()
            self._send_escalation_mails(ticket.escalation_ids)
        with self.at(t0.replace(minute=10)):
            ticket.action_post_status_update("Still investigating.")
        with self.at(t0.replace(minute=12)):
            ticket.escalation_ids.action_mark_acknowledged()
        with self.at(t0.replace(minute=40)):
            ticket.action_post_status_update("Cause found.")
        self.env.flush_all()
        self.assertTrue(ticket.acknowledged_in_time)
        self.assertEqual(ticket.updates_late, 1)
        self.assertEqual(ticket.update_compliance, 50.0)
        self.assertEqual(ticket.escalation_ack_minutes, 7.0)
        self.assertFalse(ticket.root_cause_documented)
        self.assertFalse(ticket.closure_override_used)
        # kept: acknowledged, escalated, monitoring/confirmation not yet due
        # (open), no override; missed: one late update, no root cause -> 5/7
        self.assertEqual(ticket.handling_score, round(100 * 5 / 7, 1))
        updates = ticket.status_update_ids.filtered(lambda u: u.kind == "update")
        self.assertEqual(
            sorted(updates.mapped("deadline")),
            [t0.replace(minute=15), t0.replace(minute=25)],
        )

    def test_review_document_has_escalation_and_evaluation(self):
        with self.at(datetime(2026, 6, 15, 10, 0)):
            ticket = self._create_scenario_ticket()
            ticket.action_escalate()
            ticket.escalation_ids.action_mark_acknowledged()
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("helpdesk_expedite.action_report_incident", ticket.ids)[
                0
            ]
            .decode()
        )
        for text in (
            "Escalation",
            self.dev_team.name,
            "Customer confirmation and closure",
            "Incident management evaluation",
            "Handling score",
        ):
            self.assertIn(text, html)


@tagged("post_install", "-at_install")
class TestCustomerReview(ExpediteCase):
    def test_customer_copy_leaks_nothing_internal(self):
        ticket = self._create_scenario_ticket(
            findings="<p>INTERNAL-FINDING-5521</p>",
            preliminary_assessment="INTERNAL-ASSESSMENT-5521",
        )
        ticket.action_escalate()
        ticket.check_ids[:1].write({"result": "INTERNAL-CHECK-5521"})
        self._resolve(ticket)
        ticket.action_log_monitoring(100, note="INTERNAL-MONITOR-5521")
        ticket.message_post(body="INTERNAL-NOTE-5521", subtype_xmlid="mail.mt_note")
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html(
                "helpdesk_expedite.action_report_incident_customer", ticket.ids
            )[0]
            .decode()
        )
        self.assertIn("What we told you", html)
        self.assertIn(ticket.root_cause, html)
        for marker in ("INTERNAL-", self.dev_team.name, "Handling score", "Escalated"):
            self.assertNotIn(marker, html)


@tagged("post_install", "-at_install")
class TestCustomerReviewRoute(PortalIncidentCase):
    def test_review_is_the_customers_once_closed(self):
        url = f"/my/ticket/{self.ticket.id}/review"
        self.authenticate("incident_customer", "incident_customer")
        response = self.url_open(url, allow_redirects=False)
        self.assertIn(response.status_code, (302, 303), "not before closure")
        self._resolve(self.ticket)
        self.ticket.write({"closure_override_reason": "Test: close now"})
        self.ticket.action_close()
        self.assertTrue(self.ticket.closed)
        page = self._open_ticket_page()
        self.assertIn(url, page.text)
        response = self.url_open(url)
        self.assertEqual(response.status_code, 200)
        self.assertIn("attachment", response.headers.get("Content-Disposition", ""))
        self.assertNotIn("Handling score", response.text)
        # another portal user who follows the ticket is not its customer
        follower = self._portal_user("review_follower")
        self.ticket.message_subscribe(partner_ids=follower.partner_id.ids)
        self.authenticate("review_follower", "review_follower")
        response = self.url_open(url, allow_redirects=False)
        self.assertIn(response.status_code, (302, 303))
