"""The customer mails (acknowledgement, status update, closure summary) as a
Vietnamese customer and an executive receive them: Odoo's notification
layout, the phase, the next update in the reader's own time, a button to
the ticket's portal page, and the ticket's access token for the customer
only (test_reader_mails: each reader's language, the links followed)."""

from datetime import datetime, timedelta

from odoo.tests import tagged

from .common import ExpediteCase

T0 = datetime(2026, 6, 15, 10, 0)  # 17:00 in Ho Chi Minh City
ACK = "mail_template_executive_acknowledgement"
UPDATE = "mail_template_status_update"
CLOSURE = "mail_template_closure_summary"


@tagged("post_install", "-at_install")
class TestCustomerMails(ExpediteCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Vietnamese dates and times; the add-on's own Vietnamese texts are
        # not loaded: mail.template bodies are translated whole, and vi.po
        # follows the templates only once the translations are regenerated
        cls.env["res.lang"]._activate_lang("vi_VN")
        cls.customer.write({"lang": "vi_VN", "tz": "Asia/Ho_Chi_Minh"})
        cls.executive.write({"lang": "en_US", "tz": "Europe/Paris"})

    def _mail_to(self, partner, template, ticket):
        """The one mail from ``template`` to ``partner``, found by its subject
        as rendered in the customer's language."""
        subject = self.env.ref(f"helpdesk_expedite.{template}")._render_field(
            "subject", ticket.ids, compute_lang=True
        )[ticket.id]
        mails = [
            mail
            for mail in self._mails
            if mail["subject"] == subject
            and any(partner.email in address for address in mail["email_to"])
        ]
        self.assertEqual(len(mails), 1, f"one '{subject}' mail to {partner.name}")
        return mails[0]

    def _assert_customer_mail(self, ticket, mail):
        body = mail["body"]
        # the notification layout wraps the body: header with the company's
        # footer, the ticket's name and the customer's language
        self.assertIn("<html", body)
        self.assertIn(ticket.company_id.name, body)
        self.assertIn(ticket.name, body)
        # the layout's button to the ticket, with the customer's own token
        self.assertIn(f"access_token={ticket.access_token}", body)
        self.assertIn(f"res_id={ticket.id}", body)
        # the phase, named in the customer's language
        self.assertIn(ticket._for_customer()._get_incident_phase_label(), body)
        return body

    def test_acknowledgement_and_update_in_the_customers_time(self):
        with self.at(T0), self.mock_mail_gateway():
            ticket = self._create_scenario_ticket()
        token = ticket.access_token
        self.assertTrue(token)
        mail = self._mail_to(self.customer, ACK, ticket)
        body = self._assert_customer_mail(ticket, mail)
        self.assertEqual(ticket.incident_phase, "investigating")
        # next update 10:15 UTC = 17:15 in Ho Chi Minh City
        self.assertIn("17:15", body)
        self.assertIn("Asia/Ho_Chi_Minh", body)
        self.assertNotIn("Europe/Paris", body, "the executive's time is his own")
        self.assertNotIn("UTC", body)
        self.assertIn(token, body, "the customer's own link carries his token")
        executive_body = self._mail_to(self.executive, ACK, ticket)["body"]
        self.assertIn(f"/my/ticket/{ticket.id}?", executive_body)
        self.assertIn("12:15", executive_body, "in the executive's time (Paris)")
        self.assertNotIn(token, executive_body, "no token for an executive")

        with self.at(T0 + timedelta(minutes=10)), self.mock_mail_gateway():
            ticket.action_post_status_update("Rollback started.")
        mail = self._mail_to(self.customer, UPDATE, ticket)
        phase = ticket._for_customer()._get_incident_phase_label()
        self.assertIn(f"({phase})", mail["subject"], "the phase in the subject")
        body = self._assert_customer_mail(ticket, mail)
        self.assertIn("Rollback started.", body)
        self.assertIn("17:25", body, "10:25 UTC in the customer's time")
        self.assertNotIn("UTC", body)
        self.assertIn(token, body)
        self.assertNotIn(token, self._mail_to(self.executive, UPDATE, ticket)["body"])

    def test_acknowledgements_created_together_each_in_its_customers_time(self):
        paris = self.env["res.partner"].create(
            {
                "name": "Paris Coordinator",
                "email": "paris@example.com",
                "lang": "en_US",
                "tz": "Europe/Paris",
            }
        )
        with self.at(T0), self.mock_mail_gateway():
            hanoi_ticket, paris_ticket = self.Ticket.create(
                [self._ticket_vals(), self._ticket_vals(partner_id=paris.id)]
            )
        for ticket, partner, local_time, zone, lang in (
            (hanoi_ticket, self.customer, "17:15", "Asia/Ho_Chi_Minh", "vi_VN"),
            (paris_ticket, paris, "12:15", "Europe/Paris", "en_US"),
        ):
            mail = self._mail_to(partner, ACK, ticket)
            body = self._assert_customer_mail(ticket, mail)
            self.assertIn(f'lang="{lang}"', body)
            self.assertIn(local_time, body)
            self.assertIn(zone, body)
            self.assertIn(ticket.access_token, body)
            self.assertEqual(ticket.status_update_ids.kind, "acknowledgement")
            self.assertEqual(ticket.acknowledged_date, T0)
        self.assertNotIn(
            hanoi_ticket.access_token, self._mail_to(paris, ACK, paris_ticket)["body"]
        )

    def test_closure_summary(self):
        with self.at(T0):
            ticket = self._create_scenario_ticket()
            self._resolve(ticket)
            ticket.action_log_monitoring(100)
        with self.at(T0 + timedelta(minutes=30)), self.mock_mail_gateway():
            ticket.write({"closure_override_reason": "Test: close now"})
            ticket.action_close()
        self.assertTrue(ticket.closed)
        body = self._assert_customer_mail(
            ticket, self._mail_to(self.customer, CLOSURE, ticket)
        )
        self.assertEqual(ticket.incident_phase, "resolved")
        self.assertIn(ticket.root_cause, body)
        self.assertIn("17:00", body, "the timeline in the customer's time")
        self.assertNotIn("UTC", body)
        self.assertNotIn(
            ticket.access_token,
            self._mail_to(self.executive, CLOSURE, ticket)["body"],
        )

    def test_templates_use_the_incident_layout_and_are_described(self):
        for xmlid in (
            "mail_template_executive_acknowledgement",
            "mail_template_status_update",
            "mail_template_closure_summary",
        ):
            template = self.env.ref(f"helpdesk_expedite.{xmlid}")
            self.assertEqual(
                template.email_layout_xmlid,
                "helpdesk_expedite.mail_notification_incident",
            )
            self.assertTrue(template.description)
