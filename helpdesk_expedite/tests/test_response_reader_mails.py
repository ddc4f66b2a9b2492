"""The incident's mails as their readers receive them: a Vietnamese customer
in Ho Chi Minh City and an English executive in Paris. What is checked is
what reaches each of them (the mails Odoo builds, per recipient)."""

from datetime import datetime, timedelta
from urllib.parse import urlsplit

import requests
from lxml import html

from odoo import Command
from odoo.tests import tagged

from .common import ExpediteCase, ExpediteHttpCase

T0 = datetime(2026, 6, 15, 10, 0)  # 17:00 in Ho Chi Minh City, 12:00 in Paris


class ReaderCase(ExpediteCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._load_vietnamese()
        cls.customer.write({"lang": "vi_VN", "tz": "Asia/Ho_Chi_Minh"})
        cls.executive.write({"lang": "en_US", "tz": "Europe/Paris"})

    def _mails_to(self, partner):
        """The mails sent to ``partner`` in the mock_mail_gateway block."""
        return [
            mail
            for mail in self._mails
            if any(partner.email in address for address in mail["email_to"])
        ]

    def _mail_to(self, partner):
        mails = self._mails_to(partner)
        self.assertEqual(len(mails), 1, f"one mail to {partner.name}")
        return mails[0]

    def _closed_incident(self):
        """The scenario's incident, fixed, watched and confirmed: closing
        it is the next step."""
        with self.at(T0):
            ticket = self._create_scenario_ticket()
            ticket.action_escalate()
            self._resolve(ticket)
            ticket.action_log_monitoring(100.0)
        with self.at(T0 + timedelta(hours=1)):
            ticket.action_log_monitoring(100.0)
        self.assertEqual(ticket.monitoring_state, "passed")
        # as if committed: records created in a transaction are not tracked
        # in it, later ones are
        self.env.cr.precommit.run()
        return ticket


@tagged("post_install", "-at_install")
class TestOneClosingMail(ReaderCase):
    def _assert_one_closing_mail(self, close):
        ticket = self._closed_incident()
        with self.at(T0 + timedelta(hours=2)), self.mock_mail_gateway():
            # tracked, as outside tests: the stage's template comes with it
            close(ticket.with_context(mail_notrack=False))
            self.env.cr.precommit.run()
            # mails queued (the stage's template): sent, as the queue would
            self._new_mails.filtered(lambda mail: mail.state == "outgoing").send()
        self.assertTrue(ticket.closed)
        mails = self._mails_to(self.customer)
        self.assertEqual(len(mails), 1, [mail["subject"] for mail in mails])
        self.assertIn("Đã khắc phục và đóng", mails[0]["subject"])
        self.assertIn('lang="vi_VN"', mails[0]["body"])

    def test_closed_by_the_customers_confirmation(self):
        self._assert_one_closing_mail(
            lambda ticket: ticket.action_confirm_resolution(channel="phone")
        )

    def test_closed_by_moving_it_to_the_done_stage(self):
        def drag(ticket):
            ticket.with_user(self.manager).write(
                {"closure_override_reason": "Confirmed by phone"}
            )
            ticket.write({"stage_id": self.stage_done.id})

        self._assert_one_closing_mail(drag)


UPDATE_TEXT = "Chúng tôi đã khôi phục dịch vụ nộp bài: test submissions succeed."


@tagged("post_install", "-at_install")
class TestEachReaderInHisLanguage(ReaderCase):
    """The add-on's own words in each reader's language and time zone;
    the agent's words as written."""

    def test_acknowledgement(self):
        with self.at(T0), self.mock_mail_gateway():
            self._create_scenario_ticket()
        customer, executive = (
            self._mail_to(self.customer),
            self._mail_to(self.executive),
        )
        self.assertIn("Chúng tôi đang xử lý", customer["subject"])
        self.assertIn("We are on it", executive["subject"])
        self.assertIn('lang="vi_VN"', customer["body"])
        self.assertIn('lang="en_US"', executive["body"])
        # next update 10:15 UTC: 17:15 in Ho Chi Minh City, 12:15 in Paris
        self.assertIn("Giai đoạn: <strong>Đang điều tra", customer["body"])
        self.assertIn("17:15", customer["body"])
        self.assertIn("(Asia/Ho_Chi_Minh)", customer["body"])
        self.assertNotIn("Europe/Paris", customer["body"])
        self.assertIn("Phase: <strong>Investigating", executive["body"])
        self.assertIn("12:15", executive["body"])
        self.assertIn("(Europe/Paris)", executive["body"])
        for vietnamese in (
            "Giai đoạn",
            "Đang điều tra",
            "Khẩn cấp",
            "Asia/Ho_Chi_Minh",
        ):
            self.assertNotIn(vietnamese, executive["body"])

    def test_update_keeps_the_agents_words(self):
        with self.at(T0):
            ticket = self._create_scenario_ticket()
        with self.at(T0 + timedelta(minutes=10)), self.mock_mail_gateway():
            ticket.action_post_status_update(UPDATE_TEXT)
        customer, executive = (
            self._mail_to(self.customer),
            self._mail_to(self.executive),
        )
        for mail in (customer, executive):
            self.assertIn(UPDATE_TEXT, mail["body"])
        self.assertIn("(Đang điều tra)", customer["subject"])
        self.assertIn("Update: ", executive["subject"])
        self.assertIn("(Investigating)", executive["subject"])
        self.assertIn("17:25", customer["body"])
        self.assertIn("12:25", executive["body"])
        self.assertNotIn("Giai đoạn", executive["body"])

    def test_closure_summary(self):
        ticket = self._closed_incident()
        with self.at(T0 + timedelta(hours=2)), self.mock_mail_gateway():
            ticket.action_confirm_resolution(channel="phone")
        customer, executive = (
            self._mail_to(self.customer),
            self._mail_to(self.executive),
        )
        self.assertIn("Nguyên nhân gốc", customer["body"])
        self.assertIn("Root cause", executive["body"])
        self.assertIn(ticket.root_cause, executive["body"])
        # reported at 10:00 UTC: 17:00 in Ho Chi Minh City, 12:00 in Paris
        self.assertIn("17:00", customer["body"])
        self.assertIn("12:00", executive["body"])
        self.assertNotIn("17:00", executive["body"])
        self.assertIn("Timeline</strong> (Europe/Paris)", executive["body"])
        # the escalation is the team's business, not the customer's
        self.assertNotIn("Escalated", executive["body"])
        self.assertNotIn("Đã chuyển cấp", customer["body"])
        # and the last update on his ticket page is in his language too
        closing = ticket.status_update_ids.filtered(lambda u: u.kind == "closure")
        self.assertIn("Sự cố đã được đóng", closing.body)

    def test_the_chatter_and_the_portal_show_one_update(self):
        with self.at(T0):
            ticket = self._create_scenario_ticket()
        with self.at(T0 + timedelta(minutes=10)):
            ticket.action_post_status_update(UPDATE_TEXT)
        messages = ticket.message_ids.filtered(lambda m: UPDATE_TEXT in m.body)
        self.assertEqual(len(messages), 2, "the customer's and the executive's")
        shared = messages.filtered(lambda m: not m.subtype_id.internal)
        self.assertEqual(shared.partner_ids, self.customer)
        self.assertEqual((messages - shared).partner_ids, self.executive)
        portal = self._portal_user("vi_customer", self.customer)
        visible = (
            self.env["mail.message"]
            .with_user(portal)
            .search([("model", "=", "helpdesk.ticket"), ("res_id", "=", ticket.id)])
        )
        self.assertEqual(len(visible.filtered(lambda m: UPDATE_TEXT in m.body)), 1)

    def test_an_executive_following_the_ticket_gets_his_copy_only(self):
        with self.at(T0):
            ticket = self._create_scenario_ticket()
        ticket.message_subscribe(partner_ids=self.executive.ids)
        with self.at(T0 + timedelta(minutes=10)), self.mock_mail_gateway():
            ticket.action_post_status_update(UPDATE_TEXT)
        self.assertIn("Update: ", self._mail_to(self.executive)["subject"])


@tagged("post_install", "-at_install")
class TestEachReadersLink(ExpediteHttpCase):
    """The button of each reader's mail, followed by an anonymous client."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._load_vietnamese()
        cls.customer.write({"lang": "vi_VN", "tz": "Asia/Ho_Chi_Minh"})
        cls.executive.write({"lang": "en_US", "tz": "Europe/Paris"})

    def _button(self, partner, title):
        mail = next(
            mail
            for mail in self._mails
            if any(partner.email in address for address in mail["email_to"])
        )
        links = html.fromstring(mail["body"]).xpath(f"//a[normalize-space()='{title}']")
        self.assertEqual(len(links), 1, f"one '{title}' button for {partner.name}")
        return mail, links[0].get("href")

    def _follow(self, href):
        """GET ``href`` as a new client (no session), following redirects,
        on this test's server."""
        url = urlsplit(href)
        return requests.get(f"{self.base_url()}{url.path}?{url.query}", timeout=60)

    def test_the_customer_and_the_executive_open_the_ticket(self):
        with self.mock_mail_gateway():
            ticket = self._create_scenario_ticket()
        token = ticket.access_token
        self.assertTrue(token)
        _mail, href = self._button(self.customer, "Mở trang phiếu của bạn")
        page = self._follow(href)
        self.assertEqual(urlsplit(page.url).path, f"/my/ticket/{ticket.id}")
        self.assertIn('id="incident_panel"', page.text)

        mail, href = self._button(self.executive, "Open your ticket page")
        self.assertNotIn(token, str(mail), "no customer token for an executive")
        page = self._follow(href)
        self.assertEqual(urlsplit(page.url).path, f"/my/ticket/{ticket.id}")
        self.assertIn('id="incident_panel"', page.text)
        self.assertIn(ticket.name, page.text)
        self.assertNotIn(token, page.text)
        self.assertFalse([r.url for r in page.history if token in r.url])

    def test_an_executive_link_opens_only_for_him_and_while_he_is_one(self):
        with self.mock_mail_gateway():
            ticket = self._create_scenario_ticket()
        _mail, href = self._button(self.executive, "Open your ticket page")
        other = self.env["res.partner"].create({"name": "Someone else"})
        for forged in (
            href.replace(f"pid={self.executive.id}", f"pid={other.id}"),
            href[:-4] + "0000",
            href.replace(f"/my/ticket/{ticket.id}", f"/my/ticket/{ticket.id + 1}"),
        ):
            page = self._follow(forged)
            self.assertNotIn('id="incident_panel"', page.text, forged)
        ticket.executive_partner_ids = [Command.unlink(self.executive.id)]
        self.assertNotIn('id="incident_panel"', self._follow(href).text)


@tagged("post_install", "-at_install")
class TestNoUntranslatedWords(ReaderCase):
    """The add-on's own words come translated, also those it computes."""

    def test_closure_summary_recurrence(self):
        ticket = self._closed_incident()
        with self.at(T0 + timedelta(hours=2)), self.mock_mail_gateway():
            ticket.action_confirm_resolution(channel="phone")
        customer = self._mail_to(self.customer)["body"]
        self.assertIn("Tái diễn: không có", customer)
        self.assertNotIn("Tái diễn: none", customer)
        self.assertIn("Recurrence: none", self._mail_to(self.executive)["body"])

    def test_class_of_service_in_the_teams_card_and_the_first_update(self):
        ticket = self._create_scenario_ticket()
        self.assertIn("Khẩn cấp", ticket.status_update_ids.body)
        self.assertNotIn("Expedite", ticket.status_update_ids.body)
        escalation = self.env["helpdesk.ticket.escalation"].create(
            ticket._prepare_escalation_vals(self.dev_team)
        )
        card = escalation.with_context(lang="vi_VN")._prepare_teams_payload()
        text = str(card)
        self.assertIn("Sự cố Khẩn cấp", text)
        self.assertNotIn("Expedite", text)
