"""Subscriptions to the status page over real HTTP, as the anonymous
visitor and the mail program they serve (issue 22, point 5): the form, the
confirmation link (GET shows a button and changes nothing, POST with the
page's CSRF token confirms), the update mail's headers, RFC 8058's one-click
unsubscribe (POST without cookie nor CSRF token); replayed, altered and
expired links; the limits (429 with Retry-After); the same answer whatever
the address's state; nothing cached."""

import re
from datetime import timedelta
from urllib.parse import urlsplit

from odoo import fields
from odoo.tests import tagged

from ..models.ir_mail_server import WORD_KEEPING_SMTP
from .status_page_case import PUBLIC_TITLE
from .subscription_case import SubscriptionHttpCase, tokens

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
ONE_CLICK = "List-Unsubscribe=One-Click"


@tagged("post_install", "-at_install")
class TestSubscriptionOverHttp(SubscriptionHttpCase):
    def setUp(self):
        super().setUp()
        self.authenticate(None, None)

    # -- helpers ------------------------------------------------------------

    def _form(self):
        """The form page and its CSRF token (of this session)."""
        page = self.url_open("/status/subscribe", allow_redirects=False)
        self.assertEqual(page.status_code, 200)
        return page, CSRF.search(page.text).group(1)

    def _ask(self, email, components=(), csrf=None):
        if csrf is None:
            csrf = self._form()[1]
        data = [("email", email), ("csrf_token", csrf)]
        data += [("component_ids", str(component.id)) for component in components]
        return self.url_open("/status/subscribe", data=data, allow_redirects=False)

    def _assert_not_cached(self, response):
        cache = response.headers.get("Cache-Control", "")
        self.assertIn("no-store", cache)
        self.assertNotIn("public", cache)
        self.assertNotIn("max-age", cache)
        self.assertNotIn("ETag", response.headers)

    def _state(self, subscriber):
        subscriber.invalidate_recordset()
        return subscriber.state

    def _csrf(self):
        return self._form()[1]

    # -- the lifecycle ---------------------------------------------------------

    def test_subscribe_confirm_receive_and_unsubscribe_with_one_click(self):
        page, csrf = self._form()
        self._assert_not_cached(page)
        self.assertIn(self.exam.name, page.text)
        response = self._ask("Lan.Pham@Example.com", self.exam, csrf)
        self.assertEqual(response.status_code, 200)
        self.assertIn("Check your inbox", response.text)
        self._assert_not_cached(response)
        subscriber = self._subscriber("lan.pham@example.com")
        self.assertEqual(
            (subscriber.state, subscriber.component_ids), ("pending", self.exam)
        )
        self._run_queue()
        (mail,) = self._mails_to(subscriber.email)
        confirm = f"/status/subscription/{self._links(mail)['confirm']}/confirm"
        # link scanners and previewers open it: nothing happens
        for _visit in range(2):
            page = self.url_open(confirm, allow_redirects=False)
            self.assertEqual(page.status_code, 200)
            self.assertIn("Confirm my subscription", page.text)
            self._assert_not_cached(page)
        self.opener.head(self.base_url() + confirm, timeout=12)
        self.assertEqual(self._state(subscriber), "pending")
        # a POST without the page's CSRF token confirms nothing
        response = self.url_open(confirm, data={"x": "1"}, allow_redirects=False)
        self.assertEqual(response.status_code, 400)
        self.assertEqual(self._state(subscriber), "pending")
        csrf = CSRF.search(page.text).group(1)
        response = self.url_open(confirm, data={"csrf_token": csrf})
        self.assertEqual(response.status_code, 200)
        self.assertIn("You are subscribed", response.text)
        self.assertEqual(self._state(subscriber), "confirmed")
        # replayed: refused, and it changes nothing
        response = self.url_open(confirm, data={"csrf_token": csrf})
        self.assertEqual(response.status_code, 403)
        self.assertEqual(self._state(subscriber), "confirmed")

        ticket = self._published(components=self.exam)
        self._run_queue()
        (update,) = self._mails_to(subscriber.email).filtered(
            lambda m: PUBLIC_TITLE in m.subject
        )
        headers = self._headers(update)
        self.assertEqual(headers["List-Unsubscribe-Post"], ONE_CLICK)
        url = headers["List-Unsubscribe"]
        self.assertTrue(url.startswith("<http") and url.endswith("/unsubscribe>"))
        path = urlsplit(url[1:-1]).path
        page = self.url_open(path, allow_redirects=False)
        self.assertEqual(page.status_code, 200)
        self.assertIn("Unsubscribe", page.text)
        self._assert_not_cached(page)
        self.assertEqual(self._state(subscriber), "confirmed")
        # the mail program's POST: no cookie, no CSRF token, RFC 8058's body
        self.opener.cookies.clear()
        response = self.opener.post(
            self.base_url() + path,
            data=ONE_CLICK,
            headers={"Content-Type": "application/x-www-form-urlencoded"},
            allow_redirects=False,
            timeout=12,
        )
        self.assertEqual(response.status_code, 200)
        self.assertNotIn("Set-Cookie", response.headers)
        self.assertEqual(self._state(subscriber), "unsubscribed")
        # and no more mail
        before = len(self._mails_to(subscriber.email))
        ticket.action_post_status_update("Rolling back now.")
        self._run_queue()
        self.assertEqual(len(self._mails_to(subscriber.email)), before)

    def test_the_unsubscribe_headers_reach_the_wire_unfolded(self):
        subscriber = self._confirmed("wire@example.com")
        self._published(components=self.exam)
        self._run_queue()
        (mail,) = self._mails_to(subscriber.email).filtered(
            lambda m: PUBLIC_TITLE in m.subject
        )
        headers = self._headers(mail)
        message = self.env["ir.mail_server"].build_email(
            mail.email_from,
            [mail.email_to],
            mail.subject,
            mail.body_html,
            subtype="html",
            headers=headers,
        )
        # as smtplib serialises it (the policy set just before sending)
        wire = message.as_bytes(policy=WORD_KEEPING_SMTP).decode("ascii")
        self.assertIn(f"\r\nList-Unsubscribe: {headers['List-Unsubscribe']}\r\n", wire)
        self.assertIn(f"\r\nList-Unsubscribe-Post: {ONE_CLICK}\r\n", wire)

    # -- refused links -------------------------------------------------------

    def test_replayed_altered_and_expired_links_change_nothing(self):
        self._subscribe("links@example.com")
        subscriber = self._subscriber("links@example.com")
        genuine = subscriber._get_confirm_token()
        past = tokens.timestamp(fields.Datetime.now() - timedelta(minutes=1))
        expired = tokens.make_token(
            tokens.CONFIRM, subscriber.id, subscriber._sign(tokens.CONFIRM, past), past
        )
        _scope_id, expiry, signature = genuine.split(".")
        later = f"c{subscriber.id}.{int(expiry) + 86400}.{signature}"
        csrf = self._csrf()
        for token, status in (
            (self._altered(genuine), 403),
            (later, 403),
            (expired, 410),
            (genuine.replace("c", "u", 1), 400),
            ("not-a-token", 400),
        ):
            path = f"/status/subscription/{token}/confirm"
            with self.subTest(token=token):
                self.assertEqual(self.url_open(path).status_code, status)
                response = self.url_open(path, data={"csrf_token": csrf})
                self.assertEqual(response.status_code, status)
                self.assertNotIn("Confirm my subscription", response.text)
                self._assert_not_cached(response)
        self.assertEqual(self._state(subscriber), "pending")
        # a new request retires the link it had: replayed, refused
        self.url_open(
            f"/status/subscription/{genuine}/confirm", data={"csrf_token": csrf}
        )
        self.assertEqual(self._state(subscriber), "confirmed")
        other = self._confirmed("other@example.com")
        unsubscribe = self._unsubscribe_token(other)
        for token, status in (
            (self._altered(unsubscribe), 403),
            (unsubscribe.replace(f"u{other.id}.", f"u{subscriber.id}."), 403),
            (unsubscribe[:-1], 400),
        ):
            path = f"/status/subscription/{token}/unsubscribe"
            with self.subTest(token=token):
                self.assertEqual(self.url_open(path).status_code, status)
                response = self.url_open(
                    path,
                    data=ONE_CLICK,
                    headers={"Content-Type": "application/x-www-form-urlencoded"},
                )
                self.assertEqual(response.status_code, status)
        self.assertEqual(self._state(subscriber), "confirmed")
        self.assertEqual(self._state(other), "confirmed")

    # -- limits and answers -----------------------------------------------------

    def test_limits_answer_429_with_retry_after(self):
        csrf = self._csrf()
        # per address: 3 requests a day, whatever the address's state
        statuses = [self._ask("victim@example.com", csrf=csrf) for _i in range(4)]
        self.assertEqual([r.status_code for r in statuses], [200, 200, 200, 429])
        self.assertGreater(int(statuses[-1].headers["Retry-After"]), 0)
        self._assert_not_cached(statuses[-1])
        self._run_queue()
        # one confirmation mail: each request replaced the link of the last
        self.assertEqual(len(self._mails_to("victim@example.com")), 1)
        # per client: 10 requests in 10 minutes, whatever the addresses
        answers = [
            self._ask(f"other{i}@example.com", csrf=csrf).status_code for i in range(7)
        ]
        self.assertEqual(answers, [200] * 6 + [429])
        response = self._ask("another@example.com", csrf=csrf)
        self.assertEqual(response.status_code, 429)
        self.assertTrue(0 < int(response.headers["Retry-After"]) <= 600)
        self.assertFalse(self._subscriber("another@example.com"))

    def test_refused_links_are_limited_per_client(self):
        bad = f"/status/subscription/u{2**31 - 1}.{'a' * 64}/unsubscribe"
        # 42 in a row: at least 21 fall in one one-minute window
        responses = [self.url_open(bad) for _attempt in range(42)]
        self.assertEqual({r.status_code for r in responses}, {403, 429})
        limited = [r for r in responses if r.status_code == 429]
        self.assertTrue(all(int(r.headers["Retry-After"]) > 0 for r in limited))

    def test_the_same_answer_whatever_the_address_state(self):
        self._confirmed("known@example.com", self.exam)
        self._subscribe("pending@example.com")
        self._confirmed("gone@example.com")._unsubscribe()
        csrf = self._csrf()
        answers = set()
        for email in (
            "known@example.com",
            "unknown@example.com",
            "pending@example.com",
            "gone@example.com",
        ):
            response = self._ask(email, self.lms, csrf)
            headers = {
                name: value
                for name, value in response.headers.items()
                if name not in ("Date", "Set-Cookie")
            }
            answers.add(
                (response.status_code, response.text, tuple(sorted(headers.items())))
            )
        self.assertEqual(len(answers), 1, "the answer tells the address's state")
        known = self._subscriber("known@example.com")
        self.assertEqual((known.state, known.component_ids), ("confirmed", self.exam))

    def test_a_bad_form_is_answered_400_and_kept(self):
        csrf = self._csrf()
        response = self._ask("not an address", csrf=csrf)
        self.assertEqual(response.status_code, 400)
        self.assertIn("Give one valid email address.", response.text)
        response = self.url_open(
            "/status/subscribe",
            data={"email": "x@example.com", "component_ids": "abc", "csrf_token": csrf},
        )
        self.assertEqual(response.status_code, 400)
        response = self.url_open("/status/subscribe", data={"email": "x@example.com"})
        self.assertEqual(response.status_code, 400, "no CSRF token")
        self.assertFalse(self._subscriber("x@example.com"))
