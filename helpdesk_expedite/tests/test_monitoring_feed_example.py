"""The monitoring form's curl example, run for real against the feed."""

from urllib.parse import urlsplit

from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import ExpediteHttpCase
from .test_lib_monitoring import parse_curl


@tagged("post_install", "-at_install")
class TestMonitoringFeedExample(ExpediteHttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ticket = cls._resolve(cls._create_ticket())

    def test_the_curl_command_logs_a_check(self):
        ticket = self.ticket.with_user(self.agent)
        token = ticket.monitoring_token
        url, headers, body = parse_curl(ticket.monitoring_feed_curl)
        self.assertEqual(url, ticket.monitoring_feed_url)
        self.assertTrue(url.endswith(f"/helpdesk_expedite/monitoring/{ticket.id}"))
        self.assertEqual(headers["X-Monitoring-Token"], token)
        self.authenticate(None, None)
        # the test server listens on its own port: keep the path only
        response = self.opener.post(
            self.base_url() + urlsplit(url).path,
            data=body.encode(),
            headers=headers,
            timeout=30,
        )
        self.assertEqual(response.status_code, 201, response.text)
        self.assertEqual(len(self.ticket.monitoring_log_ids), 1)
        self.assertEqual(self.ticket.monitoring_log_ids.source, "webhook")

    def test_the_example_is_refused_to_those_who_may_not_see_the_token(self):
        employee = new_test_user(
            self.env, login="feed_example_employee", groups="base.group_user"
        )
        portal = self._portal_user("feed_example_portal", self.customer)
        # the customer reads his ticket, not its feed's token
        self.assertEqual(
            self.ticket.with_user(portal).read(["name"])[0]["id"], self.ticket.id
        )
        for user in (employee, portal):
            for field in ("monitoring_feed_curl", "monitoring_feed_url"):
                with (
                    self.subTest(user=user.login, field=field),
                    self.assertRaises(AccessError),
                ):
                    self.ticket.with_user(user).read([field])
        view = self.Ticket.with_user(portal).get_views([(False, "form")])
        self.assertNotIn("monitoring_feed_curl", view["views"]["form"]["arch"])

    def test_the_form_offers_a_copy_button(self):
        arch = self.Ticket.with_user(self.agent).get_views([(False, "form")])["views"][
            "form"
        ]["arch"]
        self.assertRegex(
            arch, r'name="monitoring_feed_curl"[^>]*widget="CopyClipboardChar"'
        )
