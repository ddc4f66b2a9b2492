"""The one-click acknowledgement link of an escalation, over real HTTP.

The link works once; a replayed, expired, altered or damaged link is
refused and changes nothing; GET (what link previewers and mail scanners
fetch) never acknowledges; garbage gets a 4xx, never a 500.
"""

import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

from odoo import Command, fields
from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

from odoo.addons.helpdesk_expedite.lib import ack_token

from .common import ExpediteHttpCase

ROUTE = "/helpdesk_expedite/escalation/%s/acknowledge"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@tagged("post_install", "-at_install")
class TestEscalationAcknowledgeLink(ExpediteHttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ticket = cls._create_scenario_ticket()
        cls.sent = fields.Datetime.now() - timedelta(minutes=12)
        with cls.at(cls.sent):
            cls.ticket.action_escalate()
            cls._send_escalation_mails(cls.ticket.escalation_ids)
        cls.escalation = cls.ticket.escalation_ids
        cls.other_ticket = cls._create_ticket(name="Another outage")
        cls.other_ticket.action_escalate()
        cls._send_escalation_mails(cls.other_ticket.escalation_ids)
        cls.other_escalation = cls.other_ticket.escalation_ids

    def setUp(self):
        super().setUp()
        self.authenticate(None, None)

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------

    def _path_and_token(self, escalation=None):
        url = (escalation or self.escalation)._get_acknowledge_url()
        parts = urlsplit(url)
        return parts.path, parse_qs(parts.query)["token"][0]

    def _get(self, path, token=None):
        query = f"?token={token}" if token is not None else ""
        return self.url_open(f"{path}{query}")

    def _post(self, path, token, csrf=None):
        if csrf is None:
            page = self._get(path, token)
            match = CSRF.search(page.text)
            # a refused link has no form: any session token will do
            csrf = match.group(1) if match else self._session_csrf()
        return self.url_open(path, data={"token": token, "csrf_token": csrf})

    def _session_csrf(self):
        page = self._get(*self._path_and_token(self.other_escalation))
        return CSRF.search(page.text).group(1)

    def _state(self, escalation=None):
        escalation = escalation or self.escalation
        escalation.invalidate_recordset()
        return (
            escalation.state,
            escalation.acknowledged_date,
            escalation.acknowledged_by_id,
            escalation.acknowledged_by_name,
            escalation.acknowledged_via,
        )

    def _assert_not_frameable(self, response):
        self.assertEqual(response.headers.get("X-Frame-Options"), "DENY")
        self.assertEqual(
            response.headers.get("Content-Security-Policy"), "frame-ancestors 'none'"
        )

    def _other_company_user(self, login, group):
        """A user of another company only, logged in; password = login."""
        company = self.env["res.company"].create({"name": f"Other school {login}"})
        return new_test_user(
            self.env,
            login=login,
            groups=group,
            company_id=company.id,
            company_ids=[Command.set(company.ids)],
        )

    def _ack_notes(self):
        self.ticket.invalidate_recordset()
        return self._notes(self.ticket, "acknowledged the escalation")

    # ------------------------------------------------------------------
    # The link
    # ------------------------------------------------------------------

    def test_url_is_absolute_under_the_route(self):
        url = self.escalation._get_acknowledge_url()
        self.assertTrue(url.startswith(self.escalation.get_base_url()))
        self.assertIn(ROUTE % self.escalation.id + "?token=", url)

    def test_get_shows_the_incident_and_changes_nothing(self):
        path, token = self._path_and_token()
        before = self._state()
        for _attempt in range(2):  # a previewer, then the person
            response = self._get(path, token)
            self.assertEqual(response.status_code, 200)
        self.assertIn(self.ticket.number, response.text)
        self.assertIn("LMS exam submission failure", response.text)
        self.assertIn("Dev Team (test)", response.text)
        self.assertIn("o_escalation_ack_form", response.text)
        self.assertEqual(response.headers["Cache-Control"], "no-store")
        self.assertEqual(response.headers["Referrer-Policy"], "no-referrer")
        self._assert_not_frameable(response)
        self.assertEqual(self._state(), before)
        self.assertEqual(before[0], "sent")
        self.assertFalse(self._ack_notes())

    def test_link_works_once(self):
        path, token = self._path_and_token()
        response = self._post(path, token)
        self.assertEqual(response.status_code, 200, response.text)
        self.assertIn("o_escalation_ack_done", response.text)
        state, date, user, name, via = self._state()
        self.assertEqual(state, "acknowledged")
        self.assertTrue(date)
        self.assertFalse(user)  # nobody logged in: the target is named
        self.assertEqual(name, "Dev Team (test)")
        self.assertEqual(via, "link")
        self.assertEqual(len(self._ack_notes()), 1)
        # the time to acknowledge is a real figure, on the ticket's scorecard
        self.assertAlmostEqual(self.escalation.response_time, 12.0, delta=1.0)
        self.ticket.invalidate_recordset()
        self.assertAlmostEqual(self.ticket.escalation_ack_minutes, 12.0, delta=1.0)
        # replayed: by POST and by GET, refused and nothing changes
        after = self._state()
        for response in (self._post(path, token), self._get(path, token)):
            self.assertEqual(response.status_code, 410)
            self.assertIn("already been acknowledged", response.text)
            self.assertNotIn("o_escalation_ack_form", response.text)
        self.assertEqual(self._state(), after)
        self.assertEqual(len(self._ack_notes()), 1)

    def test_logged_in_user_is_recorded(self):
        self.authenticate("expedite_agent", "expedite_agent")
        path, token = self._path_and_token()
        self.assertEqual(self._post(path, token).status_code, 200)
        state, _date, user, name, via = self._state()
        self.assertEqual(
            (state, user, name, via),
            ("acknowledged", self.agent, "Trung Agent", "link"),
        )

    def test_portal_user_of_another_company_is_not_recorded(self):
        """Finding 19.5: whoever is logged in was recorded as the acknowledger."""
        self._other_company_user("ack_portal_other", "base.group_portal")
        self.authenticate("ack_portal_other", "ack_portal_other")
        path, token = self._path_and_token()
        response = self._post(path, token)
        self.assertEqual(response.status_code, 200, response.text)
        self.assertNotIn("Ack_Portal_Other", response.text)
        state, _date, user, name, via = self._state()
        self.assertEqual(
            (state, user, name, via),
            ("acknowledged", self.env["res.users"], "Dev Team (test)", "link"),
        )
        (note,) = self._ack_notes()
        self.assertIn("Dev Team (test) acknowledged", note.body)
        self.assertNotEqual(note.author_id.name, "ack_portal_other")

    def test_internal_user_of_another_company_is_not_recorded(self):
        user = self._other_company_user("ack_internal_other", "base.group_user")
        self.authenticate("ack_internal_other", "ack_internal_other")
        path, token = self._path_and_token()
        self.assertEqual(self._post(path, token).status_code, 200)
        state, _date, recorded, name, _via = self._state()
        self.assertEqual((state, name), ("acknowledged", "Dev Team (test)"))
        self.assertNotEqual(recorded, user)
        self.assertFalse(recorded)

    def test_no_page_can_be_framed(self):
        path, token = self._path_and_token()
        bad = token[:-1] + ("0" if token[-1] != "0" else "1")
        expired = self.escalation._get_acknowledge_token(
            expires=fields.Datetime.now() - timedelta(minutes=1)
        )
        for response in (
            self._get(path, bad),  # refused: 403
            self._get(path),  # damaged: 400
            self._get(path, expired),  # expired: 410
            self._post(path, token),  # done: 200
            self._get(path, token),  # already acknowledged: 410
        ):
            self._assert_not_frameable(response)

    def test_acknowledged_in_odoo_refuses_the_link(self):
        path, token = self._path_and_token()
        self.escalation.with_user(self.agent).action_mark_acknowledged()
        after = self._state()
        response = self._post(path, token)
        self.assertEqual(response.status_code, 410)
        self.assertEqual(self._state(), after)
        self.assertEqual(after[4], "backend")

    def test_expired_link_is_refused(self):
        path, _token = self._path_and_token()
        expired = self.escalation._get_acknowledge_token(
            expires=fields.Datetime.now() - timedelta(minutes=1)
        )
        before = self._state()
        for response in (self._get(path, expired), self._post(path, expired)):
            self.assertEqual(response.status_code, 410)
            self.assertIn("expired", response.text)
            self.assertNotIn("o_escalation_ack_form", response.text)
        self.assertEqual(self._state(), before)

    def test_link_expires_after_the_configured_hours(self):
        self.env["ir.config_parameter"].set_param(
            "helpdesk_expedite.escalation_ack_link_hours", "2"
        )
        path, token = self._path_and_token()
        expiry = int(token.split(".")[0])
        now = ack_token.timestamp(fields.Datetime.now())
        self.assertAlmostEqual(expiry - now, 7200, delta=5)

    def test_altered_links_are_refused(self):
        path, token = self._path_and_token()
        expiry, signature = token.split(".")
        flipped = signature[:-1] + ("0" if signature[-1] != "0" else "1")
        other_path, other_token = self._path_and_token(self.other_escalation)
        cases = [
            (path, f"{expiry}.{flipped}"),  # signature changed
            (path, f"{int(expiry) + 86400}.{signature}"),  # lifetime extended
            (path, other_token),  # another escalation's token
            (other_path, token),  # this token on another escalation
            (ROUTE % 987654321, token),  # no such escalation
            (ROUTE % (2**31), token),  # not even an integer column value
            (ROUTE % (10**30), token),
            (ROUTE % -1, token),
            (ROUTE % 0, token),
        ]
        before = self._state(), self._state(self.other_escalation)
        csrf = self._session_csrf()
        for case_path, case_token in cases:
            for response in (
                self._get(case_path, case_token),
                self._post(case_path, case_token, csrf),
            ):
                self.assertEqual(response.status_code, 403, (case_path, case_token))
                self.assertIn("not valid", response.text)
                self.assertNotIn(self.ticket.number, response.text)
        self.assertEqual((self._state(), self._state(self.other_escalation)), before)

    def test_sending_again_revokes_earlier_links(self):
        """Finding 19.5: action_send of an escalation not yet acknowledged
        (failed, or still queued) sent it again with the old links valid."""
        path = self._path_and_token()[0]
        for state in ("failed", "queued"):
            # as the mail gateway or the delivery would have recorded it
            self.escalation.sudo().write({"state": state})
            old_token = self._path_and_token()[1]
            self.assertEqual(self._get(path, old_token).status_code, 200)
            self.escalation.with_user(self.agent).action_send()
            self.assertEqual(self._get(path, old_token).status_code, 403, state)
            self.assertEqual(self._post(path, old_token).status_code, 403, state)
            new_token = self._path_and_token()[1]
            self.assertEqual(self._get(path, new_token).status_code, 200, state)
        self.assertNotEqual(self._state()[0], "acknowledged")

    def test_resend_revokes_earlier_links(self):
        path, old_token = self._path_and_token()
        # the delivery failed (as the mail gateway would record it); resent
        self.escalation.sudo().write({"state": "failed"})
        self.escalation.action_retry()
        self.assertEqual(self.escalation.state, "queued")  # a new mail
        self.assertEqual(self._get(path, old_token).status_code, 403)
        _path, new_token = self._path_and_token()
        self.assertEqual(self._get(path, new_token).status_code, 200)

    def test_garbage_gets_a_4xx_never_a_500(self):
        path, token = self._path_and_token()
        before = self._state()
        for index, response in enumerate(
            (
                self._get(path),  # no token
                self._get(path, ""),
                self._get(path, "x" * 20000),
                self._get(path, token + "0"),
                self._get(path, "%00%ff" + token),
                self._get(path, token.replace(".", "..")),
                self.url_open(f"{path}?token=junk&token={token}"),
            )
        ):
            self.assertEqual(response.status_code, 400, index)
        for url in (
            "/helpdesk_expedite/escalation/abc/acknowledge",
            "/helpdesk_expedite/escalation/1.5/acknowledge",
        ):
            response = self.url_open(f"{url}?token={token}")
            self.assertEqual(response.status_code, 404, url)
        self.assertEqual(self._state(), before)

    @mute_logger("odoo.http")  # Odoo logs each refusal as a warning
    def test_post_without_csrf_token_changes_nothing(self):
        path, token = self._path_and_token()
        before = self._state()
        response = self.url_open(path, data={"token": token})
        self.assertEqual(response.status_code, 400)
        response = self._post(path, token, csrf="forged")
        self.assertEqual(response.status_code, 400)
        self.assertEqual(self._state(), before)

    def test_refused_attempts_are_rate_limited(self):
        path, token = self._path_and_token()
        bad = token[:-1] + ("0" if token[-1] != "0" else "1")
        # 42 in a row: at least 21 fall in one one-minute window
        statuses = {self._get(path, bad).status_code for _attempt in range(42)}
        self.assertEqual(statuses, {403, 429})
