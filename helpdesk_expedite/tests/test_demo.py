"""The demo data's completed incident (HT00003): a whole, coherent story
that left nothing to send."""

from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestDemoIncident(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ticket = cls.env.ref("helpdesk_mgmt.helpdesk_ticket_3")

    def test_completed_incident(self):
        ticket = self.ticket
        self.assertEqual(ticket.class_of_service, "expedite")
        self.assertTrue(ticket.closed)
        self.assertEqual(ticket.affected_user_count, 53)
        self.assertEqual(ticket.monitoring_state, "passed")
        self.assertTrue(ticket.customer_confirmed)
        self.assertEqual(ticket.customer_confirmation_channel, "portal")
        self.assertTrue(ticket.root_cause and ticket.resolution_summary)
        self.assertTrue(all(ticket.corrective_action_ids.mapped("done")))
        self.assertNotIn("pending", ticket.check_ids.mapped("state"))
        self.assertEqual(len(ticket.monitoring_log_ids), 6)
        self.assertFalse(ticket.closure_override_reason)

    def test_milestones_follow_the_script(self):
        ticket = self.ticket
        minutes = {
            "acknowledge": ticket.time_to_acknowledge,
            "escalate": ticket.time_to_escalate,
            "resolve": ticket.time_to_resolve,
            "close": ticket.time_to_close,
        }
        expected = {"acknowledge": 2, "escalate": 6, "resolve": 40, "close": 62}
        for name, value in expected.items():
            self.assertAlmostEqual(minutes[name], value, delta=0.1, msg=name)
        window = (ticket.monitoring_end_date - ticket.resolved_date).total_seconds()
        self.assertEqual(window, 15 * 60)
        logs = ticket.monitoring_log_ids.sorted("check_date")
        span = (logs[-1].check_date - logs[0].check_date).total_seconds()
        self.assertAlmostEqual(span, 15 * 60, delta=2)
        self.assertGreaterEqual(logs[-1].check_date, ticket.monitoring_end_date)
        # every promised customer update was sent on time
        for update in ticket.status_update_ids.filtered("deadline"):
            self.assertLessEqual(update.date, update.deadline, update.body)

    def test_escalated_on_teams_and_acknowledged(self):
        escalation = self.ticket.escalation_ids
        self.assertEqual(len(escalation), 1)
        self.assertEqual(escalation.channel, "teams")
        self.assertEqual(escalation.state, "acknowledged")
        self.assertAlmostEqual(escalation.response_time, 3.0, delta=0.1)
        self.assertIn("53", escalation.summary)

    def test_nothing_left_to_send(self):
        """No email of the demo incident waits in the queue, and no Teams
        delivery is queued."""
        messages = self.env["mail.message"].search(
            [("model", "=", "helpdesk.ticket"), ("res_id", "=", self.ticket.id)]
        )
        mails = self.env["mail.mail"].search([("mail_message_id", "in", messages.ids)])
        self.assertTrue(mails)
        self.assertEqual(set(mails.mapped("state")), {"sent"})
        self.assertFalse(
            self.env["helpdesk.ticket.escalation"].search([("state", "=", "queued")])
        )

    def test_portal_login_sees_the_ticket(self):
        user = self.env.ref("helpdesk_expedite.user_portal_campus_contact")
        self.assertTrue(user.has_group("base.group_portal"))
        self.assertEqual(user.login, "portal-demo")
        tickets = self.env["helpdesk.ticket"].with_user(user).search([])
        self.assertIn(self.ticket, tickets)
