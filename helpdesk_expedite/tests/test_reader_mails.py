"""The incident's mails as their readers receive them: a Vietnamese customer
in Ho Chi Minh City and an English executive in Paris. What is checked is
what reaches each of them (the mails Odoo builds, per recipient)."""

from datetime import datetime, timedelta

from odoo.tests import tagged

from .common import ExpediteCase

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

    def _closed_incident(self):
        """The scenario's incident, fixed, watched and confirmed: closing
        it is the next step."""
        with self.at(T0):
            ticket = self._create_scenario_ticket()
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
