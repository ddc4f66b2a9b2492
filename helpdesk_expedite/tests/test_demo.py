"""The demo data's completed incident (HT00003): a whole, coherent story
that left nothing to send."""

from datetime import timedelta

from odoo.tests import TransactionCase, tagged

from ..models.helpdesk_ticket.customer_mail import READER

ONE_MINUTE = timedelta(minutes=1)


@tagged("post_install", "-at_install", "helpdesk_expedite_parity")
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

    def _messages(self):
        return self.env["mail.message"].search(
            [("model", "=", "helpdesk.ticket"), ("res_id", "=", self.ticket.id)]
        )

    def test_every_message_belongs_to_the_incidents_hour(self):
        """Between the report and the closing, nothing left of the demo
        ticket the incident was replayed on (another customer's ticket)."""
        ticket = self.ticket
        messages = self._messages()
        self.assertTrue(messages)
        for message in messages:
            self.assertGreaterEqual(message.date, ticket.create_date, message.body)
            # the closing's own messages follow it within the step
            self.assertLessEqual(message.date, ticket.closed_date + ONE_MINUTE)
        self.assertFalse(
            messages.filtered(lambda m: "Document related problems" in str(m.body))
        )

    def test_each_mail_promises_its_own_next_update(self):
        """Each mail names the next update due when it was sent (the times
        the customer updates record as promised), as its reader reads
        times: not the same time in every mail."""
        ticket = self.ticket
        promised = [
            update.deadline
            for update in ticket.status_update_ids.sorted("date")
            if update.deadline
        ]
        self.assertEqual(len(set(promised)), 4, "acknowledgement and 3 updates")
        langs = {code for code, _name in self.env["res.lang"].get_installed()}
        for reader in ticket._get_mail_readers(langs):
            mails = (
                self.env["mail.mail"]
                .search(
                    [
                        ("mail_message_id", "in", self._messages().ids),
                        ("recipient_ids", "=", reader.partner.id),
                    ]
                )
                # those naming a next update (not the closing's timeline)
                .filtered(lambda mail, r=reader: f"({r.tz})</strong>" in mail.body_html)
                .sorted(lambda mail: mail.mail_message_id.date)
            )
            in_his_time = ticket.with_context(
                lang=reader.lang, tz=reader.tz, **{READER: reader.partner.id}
            )
            self.assertEqual(len(mails), len(promised), reader.partner.name)
            for mail, when in zip(mails, promised, strict=True):
                self.assertIn(in_his_time._format_reader_time(when), mail.body_html)
                self.assertIn(
                    in_his_time._format_reader_time(when), mail.mail_message_id.body
                )
