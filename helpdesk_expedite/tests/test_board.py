"""The manager's board and the agent's feedback: Expedite first, the user
threshold from the rules, the team's Expedite WIP limit, wizard notices."""

from datetime import datetime

from odoo import Command
from odoo.tests import tagged

from .common import ExpediteCase, PortalIncidentCase


@tagged("post_install", "-at_install")
class TestBoard(ExpediteCase):
    def test_kanban_puts_expedite_first_in_a_column(self):
        small = self._create_ticket(groups=[("G1", "Hanoi", 3)], name="Small")
        big = self._create_ticket(name="Big")
        self.assertEqual(big.class_of_service, "expedite")
        view = self.env.ref("helpdesk_expedite.helpdesk_ticket_view_kanban")
        order = self.Ticket.get_views([(view.id, "kanban")])["views"]["kanban"]
        self.assertIn('default_order="class_of_service_rank', order["arch"])
        ordered = self.Ticket.search(
            [("id", "in", (small | big).ids)], order="class_of_service_rank, id"
        )
        self.assertEqual(ordered[0], big)

    def test_user_threshold_filter_follows_the_rule(self):
        rule = self.env.ref("helpdesk_expedite.rule_expedite_affected_users")
        ticket_45 = self._create_ticket(groups=[("G1", "Hanoi", 45)], name="45")
        domain = [("over_user_threshold", "=", True), ("id", "=", ticket_45.id)]
        self.assertTrue(self.Ticket.search(domain), "45 > 25")
        rule.affected_users_over = 50
        self.assertFalse(self.Ticket.search(domain), "45 is not over 50")
        self.assertFalse(ticket_45.over_user_threshold)

    def test_wip_limit_warns_without_blocking(self):
        self.team.expedite_wip_limit = 1
        first = self._create_ticket(name="First incident")
        self.assertFalse(self._notes(first, "over its limit"))
        second = self._create_ticket(name="Second incident")
        self.assertEqual(second.class_of_service, "expedite", "not blocked")
        self.assertTrue(self._notes(second, "over its limit of 1"))
        self.assertTrue(self.team.expedite_wip_exceeded)

    def test_wip_limit_warns_every_ticket_created_together(self):
        self.team.expedite_wip_limit = 2
        tickets = self.Ticket.create(
            [self._ticket_vals(name=f"Incident {i}") for i in range(3)]
        )
        self.assertEqual(set(tickets.mapped("class_of_service")), {"expedite"})
        for ticket in tickets:
            self.assertEqual(
                len(self._notes(ticket, "now runs 3 Expedite incidents")), 1
            )
            self.assertEqual(len(self._notes(ticket, "Class of service:")), 1)

    def test_escalation_wizard_says_what_happened(self):
        wizard = (
            self.env["helpdesk.ticket.escalation.wizard"]
            .with_context(default_ticket_id=self._create_ticket().id)
            .create({})
        )
        action = wizard.action_escalate()
        self.assertEqual(action["tag"], "display_notification")
        # in the outgoing mail queue until the mail queue has sent it
        self.assertIn("queued for sending by email", action["params"]["message"])
        self.assertEqual(
            action["params"]["next"]["type"], "ir.actions.act_window_close"
        )

    def test_monitoring_wizard_says_the_verdict(self):
        ticket = self._resolve(self._create_ticket())
        wizard = self.env["helpdesk.ticket.monitoring.wizard"].create(
            {"ticket_id": ticket.id, "recurrence": True, "success_rate": 10}
        )
        action = wizard.action_log()
        self.assertIn("Failed", action["params"]["message"])
        self.assertEqual(action["params"]["type"], "danger")

    def test_major_incidents_has_an_activity_view(self):
        action = self.env.ref("helpdesk_expedite.helpdesk_ticket_expedite_action")
        self.assertIn("activity", action.view_mode)
        self.Ticket.get_views([(False, "activity")])

    def test_team_members_command_is_unchanged(self):
        # the WIP limit is a team setting with a default of 1
        team = self.env["helpdesk.ticket.team"].create(
            {"name": "New team", "user_ids": [Command.set(self.agent.ids)]}
        )
        self.assertEqual(team.expedite_wip_limit, 1)


@tagged("post_install", "-at_install")
class TestCustomerLanguage(ExpediteCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("vi_VN")
        cls.env["ir.module.module"].search(
            [("name", "=", "helpdesk_expedite")]
        )._load_module_terms(["helpdesk_expedite"], ["vi_VN"], overwrite=True)
        cls.customer.write({"lang": "vi_VN", "tz": "Asia/Ho_Chi_Minh"})

    def test_texts_for_a_vietnamese_customer_use_his_language_and_time(self):
        with self.at(datetime(2026, 6, 15, 10, 0)):
            ticket = self._create_scenario_ticket()
            acknowledgement = ticket.status_update_ids.filtered(
                lambda u: u.kind == "acknowledgement"
            )
            self._resolve(ticket)
            text = ticket._get_phase_update_text()
        self.assertIn("Bản sửa lỗi", text)
        self.assertIn("17:15", text, "10:15 UTC is 17:15 in Ho Chi Minh City")
        self.assertIn("Asia/Ho_Chi_Minh", text)
        self.assertNotIn("UTC", text)
        self.assertNotIn("We have classified", acknowledgement.body)
        mail = self.env["mail.mail"].search(
            [
                ("model", "=", "helpdesk.ticket"),
                ("res_id", "=", ticket.id),
                ("recipient_ids", "=", self.customer.id),
            ],
            limit=1,
        )
        self.assertTrue(mail)
        # the acknowledgement itself: Vietnamese words, local time, no UTC
        for expected in ("Xin chào", "Giai đoạn", "17:15", "Mở trang phiếu của bạn"):
            self.assertIn(expected, mail.body_html)
        for english in ("Hello", "Next update", "UTC"):
            self.assertNotIn(english, mail.body_html)


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
