"""Subscriptions to the status page (issue 22, point 5): requests in every
state of an address, confirmation and unsubscribe tokens, and the mails of
a public update: once per subscriber of an affected component, through the
mail queue in batches, with the unsubscribe headers."""

from datetime import timedelta

from odoo import Command, fields
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged

from .subscription_case import SubscriptionCase, tokens


@tagged("post_install", "-at_install")
class TestSubscriptionRequests(SubscriptionCase):
    def test_a_request_queues_one_confirmation_mail_with_its_links(self):
        self._subscribe(" Lan.Pham@Example.COM ", self.exam)
        subscriber = self._subscriber("lan.pham@example.com")
        self.assertEqual(subscriber.state, "pending")
        self.assertEqual(subscriber.component_ids, self.exam)
        self.assertFalse(self._mails_to(subscriber.email), "sent by the cron")
        self._run_queue()
        (mail,) = self._mails_to(subscriber.email)
        self.assertEqual(mail.state, "outgoing")
        self.assertTrue(mail.auto_delete)
        links = self._links(mail)
        self.assertEqual(set(links), {"confirm"})
        verdict, found = subscriber._check_link(links["confirm"], tokens.CONFIRM)
        self.assertEqual((verdict, found), (tokens.VALID, subscriber))
        headers = self._headers(mail)
        url = headers["List-Unsubscribe"][1:-1]
        self.assertTrue(url.endswith("/unsubscribe"))
        self.assertEqual(headers["List-Unsubscribe-Post"], "List-Unsubscribe=One-Click")
        self._run_queue()
        self.assertEqual(len(self._mails_to(subscriber.email)), 1, "not twice")

    def test_each_state_answers_alike_and_mails_only_when_it_makes_sense(self):
        email = "student@example.com"
        self._subscribe(email)
        self._run_queue()
        first = self._links(self._mails_to(email))["confirm"]
        # waiting for its confirmation: a new link, the first one retired
        self._subscribe(email, self.lms)
        self._run_queue()
        mails = self._mails_to(email)
        self.assertEqual(len(mails), 2)
        subscriber = self._subscriber(email)
        self.assertEqual(subscriber.component_ids, self.lms)
        self.assertEqual(
            subscriber._check_link(first, tokens.CONFIRM)[0], tokens.INVALID
        )
        subscriber._confirm()
        # confirmed: nothing changes, nothing is sent
        self._subscribe(email, self.sso)
        self._run_queue()
        self.assertEqual(len(self._mails_to(email)), 2)
        self.assertEqual(
            (subscriber.state, subscriber.component_ids), ("confirmed", self.lms)
        )
        # unsubscribed: a new confirmation (the next day: 3 requests a day)
        subscriber._unsubscribe()
        with self.at(fields.Datetime.now() + timedelta(days=1, minutes=1)):
            self.assertEqual(self._subscribe(email, self.sso), 0)
            self.assertEqual(subscriber.state, "pending")
            self._run_queue()
        self.assertEqual(len(self._mails_to(email)), 3)

    def test_an_address_asked_for_too_often_gets_no_more_mails(self):
        email = "victim@example.com"
        waits = []
        for _attempt in range(6):
            waits.append(self._subscribe(email))
            self._run_queue()
        self.assertEqual(waits[:3], [0, 0, 0])
        self.assertTrue(all(0 < wait <= 24 * 3600 for wait in waits[3:]), waits)
        self.assertEqual(len(self._mails_to(email)), 3, "3 a day per address")
        self.assertEqual(self._subscriber(email).state, "pending")
        # a confirmed address counts alike: the limit tells nothing
        self._confirmed("confirmed@example.com")
        waits = [self._subscribe("confirmed@example.com") for _attempt in range(3)]
        self.assertEqual(waits[:2], [0, 0])
        self.assertTrue(waits[2])

    def test_requests_are_checked(self):
        company_b = self.env["res.company"].create({"name": "Campus B (sub)"})
        foreign = self.env["helpdesk.status.component"].create(
            {"name": "B service", "company_id": company_b.id}
        )
        archived = self.env["helpdesk.status.component"].create(
            {"name": "Old service", "active": False}
        )
        for email, ids in (
            ("not an address", []),
            ("a@b", []),
            ("two@example.com, more@example.com", []),
            ("nul\x00@example.com", []),
            ("x" * 250 + "@example.com", []),
            (None, []),
            (42, []),
            ("ok@example.com", [foreign.id]),
            ("ok@example.com", [archived.id]),
            ("ok@example.com", ["1 OR 1=1"]),
            ("ok@example.com", [2**40]),
            ("ok@example.com", [True]),
            ("ok@example.com", list(range(1, 200))),
        ):
            with self.subTest(email=email, ids=ids), self.assertRaises(ValidationError):
                self.env["helpdesk.status.subscriber"]._request(
                    self.env.company, email, ids, "en_US"
                )
        self.assertFalse(self._subscriber("ok@example.com"))


@tagged("post_install", "-at_install")
class TestSubscriptionLinks(SubscriptionCase):
    def test_a_confirmation_link_works_once_and_expires(self):
        self._subscribe("a@example.com")
        subscriber = self._subscriber("a@example.com")
        token = self._confirm_token(subscriber)
        check = subscriber._check_link
        self.assertEqual(check(token, tokens.CONFIRM)[0], tokens.VALID)
        self.assertEqual(check(self._altered(token), tokens.CONFIRM)[0], tokens.INVALID)
        self.assertEqual(check(token, tokens.UNSUBSCRIBE)[0], tokens.MALFORMED)
        later = fields.Datetime.now() + timedelta(hours=49)
        with self.at(later):
            self.assertEqual(check(token, tokens.CONFIRM)[0], tokens.EXPIRED)
        # an expiry moved forward is an altered token
        scope, rest = token[0], token[1:]
        subscriber_id, expiry, signature = rest.split(".")
        forged = f"{scope}{subscriber_id}.{int(expiry) + 3600}.{signature}"
        self.assertEqual(check(forged, tokens.CONFIRM)[0], tokens.INVALID)
        subscriber._confirm()
        self.assertEqual(check(token, tokens.CONFIRM)[0], tokens.INVALID, "replayed")

    def test_an_unsubscribe_link_lasts_and_belongs_to_one_subscriber(self):
        one = self._confirmed("one@example.com")
        two = self._confirmed("two@example.com")
        token = self._unsubscribe_token(one)
        self.assertEqual(token, self._unsubscribe_token(one), "the same link")
        with self.at(fields.Datetime.now() + timedelta(days=400)):
            self.assertEqual(
                one._check_link(token, tokens.UNSUBSCRIBE), (tokens.VALID, one)
            )
        other = token.replace(f"u{one.id}.", f"u{two.id}.")
        self.assertEqual(one._check_link(other, tokens.UNSUBSCRIBE)[0], tokens.INVALID)
        for broken in ("", "u1", "x" * 500, None, 7, f"u{2**40}.{'a' * 64}"):
            self.assertEqual(
                one._check_link(broken, tokens.UNSUBSCRIBE)[0], tokens.MALFORMED
            )
        self.assertEqual(
            one._check_link(f"u{2**31 - 1}.{'a' * 64}", tokens.UNSUBSCRIBE)[0],
            tokens.INVALID,
        )
        one._unsubscribe()
        self.assertEqual(one.state, "unsubscribed")
        self.assertEqual(one._check_link(token, tokens.UNSUBSCRIBE)[0], tokens.VALID)
        self.assertEqual(two.state, "confirmed")

    def test_unsubscribing_retires_a_pending_confirmation(self):
        self._subscribe("p@example.com")
        subscriber = self._subscriber("p@example.com")
        token = self._confirm_token(subscriber)
        subscriber._unsubscribe()
        self.assertEqual(
            subscriber._check_link(token, tokens.CONFIRM)[0], tokens.INVALID
        )

    def test_addresses_never_confirmed_or_gone_are_forgotten(self):
        self._subscribe("old@example.com")
        self._confirmed("kept@example.com")
        self._confirmed("gone@example.com")._unsubscribe()
        with self.at(fields.Datetime.now() + timedelta(days=31)):
            self.env["helpdesk.status.subscriber"]._gc_unconfirmed()
        self.assertFalse(self._subscriber("old@example.com"))
        self.assertFalse(self._subscriber("gone@example.com"))
        self.assertTrue(self._subscriber("kept@example.com"))

    def test_an_unsubscribe_link_of_an_earlier_subscription_ends_no_later_one(self):
        subscriber = self._confirmed("back@example.com")
        old_link = self._unsubscribe_token(subscriber)
        subscriber._unsubscribe()
        self._subscribe("back@example.com")
        subscriber._confirm()
        self.assertEqual(
            subscriber._check_link(old_link, tokens.UNSUBSCRIBE)[0], tokens.INVALID
        )
        new_link = self._unsubscribe_token(subscriber)
        self.assertNotEqual(
            subscriber._check_link(new_link, tokens.UNSUBSCRIBE)[0], tokens.INVALID
        )


@tagged("post_install", "-at_install")
class TestSubscriberAccess(SubscriptionCase):
    def test_managers_read_and_delete_agents_see_counts_only(self):
        subscriber = self._confirmed("reader@example.com", self.exam)
        self._confirmed("everything@example.com")
        Subscriber = self.env["helpdesk.status.subscriber"]
        with self.assertRaises(AccessError):
            Subscriber.with_user(self.agent).search([])
        with self.assertRaises(AccessError):
            subscriber.with_user(self.agent).read(["email"])
        self.assertEqual(self.exam.with_user(self.agent).subscriber_count, 2)
        self.assertEqual(self.lms.with_user(self.agent).subscriber_count, 1)
        manager = subscriber.with_user(self.manager)
        self.assertEqual(manager.email, "reader@example.com")
        for vals in (
            {"state": "confirmed"},
            {"email": "other@example.com"},
            {"component_ids": [Command.set(self.lms.ids)]},
        ):
            with self.assertRaises(AccessError):
                manager.write(vals)
        with self.assertRaises(AccessError):
            Subscriber.with_user(self.manager).create(
                {"email": "forced@example.com", "company_id": self.env.company.id}
            )
        manager.unlink()
        self.assertFalse(subscriber.exists())


@tagged("post_install", "-at_install")
class TestSubscriberMails(SubscriptionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_b = cls.env["res.company"].create({"name": "Campus B (mails)"})
        cls.b_service = cls.env["helpdesk.status.component"].create(
            {"name": "B service (mails)", "company_id": cls.company_b.id}
        )
        cls.everything = cls._confirmed("all@example.com")
        cls.exam_only = cls._confirmed("exam@example.com", cls.exam)
        cls.exam_and_lms = cls._confirmed("both@example.com", cls.exam | cls.lms)
        cls.sso_only = cls._confirmed("sso@example.com", cls.sso)
        cls._subscribe("pending@example.com")
        cls.gone = cls._confirmed("gone@example.com")
        cls.gone._unsubscribe()
        cls.other_company = cls._confirmed(
            "b@example.com", cls.b_service, company=cls.company_b
        )
        cls._run_queue()  # the confirmation mails
        cls.env["mail.mail"].sudo().search([]).unlink()

    def _update_mails(self):
        return (
            self.env["mail.mail"]
            .sudo()
            .search([("subject", "like", "Exam submissions failing")])
        )

    def test_each_update_reaches_each_subscriber_of_its_components_once(self):
        ticket = self._published(components=self.exam | self.lms)
        self._run_queue()
        # the acknowledgement, the latest public update, when published
        self.assertEqual(len(self._update_mails()), 3)
        ticket.action_post_status_update("Rolling back now.")
        ticket._on_status_public_update(ticket.status_update_ids[:1])  # again
        self._run_queue()
        self._run_queue()
        mails = self._update_mails()
        self.assertEqual(len(mails), 6)
        recipients = sorted(mails.mapped("email_to"))
        self.assertEqual(
            recipients,
            sorted(["all@example.com", "exam@example.com", "both@example.com"] * 2),
        )
        for mail in mails:
            headers = self._headers(mail)
            subscriber = self._subscriber(mail.email_to)
            token = self._links(mail)["unsubscribe"]
            self.assertEqual(
                subscriber._check_link(token, tokens.UNSUBSCRIBE),
                (tokens.VALID, subscriber),
            )
            self.assertIn(
                f"/status/subscription/{token}/unsubscribe>",
                headers["List-Unsubscribe"],
            )
            self.assertEqual(
                headers["List-Unsubscribe-Post"], "List-Unsubscribe=One-Click"
            )
            self.assertFalse(mail.model or mail.res_id, "not on the ticket's chatter")
        self.assertIn("Rolling back now.", mails[0].body_html + mails[-1].body_html)

    def test_nothing_for_updates_off_the_page_or_an_unpublished_incident(self):
        draft = self._publishable(components=self.exam)
        draft.action_post_status_update("Not published yet.")
        ticket = self._published(components=self.exam)
        self._run_queue()
        before = len(self._update_mails())
        ticket.action_post_status_update("For the customer only.", is_public=False)
        self._run_queue()
        self.assertEqual(len(self._update_mails()), before)
        ticket.action_post_status_update("Published, then taken off.")
        ticket.action_unpublish_status()
        self._run_queue()
        self.assertEqual(len(self._update_mails()), before)
        mailing = (
            self.env["helpdesk.status.mailing"]
            .sudo()
            .search([], order="id desc", limit=1)
        )
        self.assertEqual(mailing.state, "cancelled")
        self.assertNotIn(
            "Not published yet.", "".join(self._update_mails().mapped("body_html"))
        )

    def test_batches_are_exactly_once_whatever_their_size(self):
        for index in range(5):
            self._confirmed(f"batch{index}@example.com", self.exam)
        ticket = self._published(components=self.exam)
        for _run in range(6):
            self._run_queue(batch_size=2)
        mails = self._update_mails()
        self.assertEqual(len(mails), 8)  # 5 + all + exam + both
        self.assertEqual(len(set(mails.mapped("email_to"))), 8)
        mailing = (
            self.env["helpdesk.status.mailing"]
            .sudo()
            .search([("update_id.ticket_id", "=", ticket.id)])
        )
        self.assertEqual((mailing.state, mailing.mail_count), ("done", 8))

    def test_each_subscriber_reads_it_in_his_language(self):
        self._load_vietnamese()
        vietnamese = self._confirmed("vi@example.com", self.exam, lang="vi_VN")
        self._published(components=self.exam)
        self._run_queue()
        (mail,) = self._mails_to(vietnamese.email).filtered(
            lambda m: "Exam submissions failing" in m.subject
        )
        self.assertIn("Đang điều tra", mail.subject)
        self.assertIn("Hủy đăng ký", mail.body_html)
        english = self._mails_to("exam@example.com")
        self.assertIn("Investigating", english.subject)
        self.assertIn("Unsubscribe", english.body_html)


@tagged("post_install", "-at_install")
class TestSubscriberMailQueries(SubscriptionCase):
    """One update to N subscribers costs the same queries whatever N: one
    rendering per language, the mails created together."""

    @classmethod
    def _subscribers(cls, count, component):
        cls.env["helpdesk.status.subscriber"].sudo().create(
            [
                {
                    "email": f"q{component.id}-{count}-{index}@example.com",
                    "company_id": cls.env.company.id,
                    "component_ids": [Command.set(component.ids)],
                    "lang": "en_US",
                    "state": "confirmed",
                }
                for index in range(count)
            ]
        )

    def _queries_of_one_update(self, component):
        self._published(components=component)
        self.env.flush_all()
        self.env.invalidate_all()
        before = self.env.cr.sql_log_count
        self._run_queue()
        self.env.flush_all()
        return self.env.cr.sql_log_count - before

    def test_queries_do_not_grow_with_the_subscribers(self):
        self._subscribers(1, self.exam)
        self._queries_of_one_update(self.exam)  # warm-up: the demo's queue too
        self._subscribers(10, self.lms)
        self._subscribers(50, self.sso)
        ten = self._queries_of_one_update(self.lms)
        fifty = self._queries_of_one_update(self.sso)
        self.assertEqual(ten, fifty)
        self.assertEqual(
            len(self.env["mail.mail"].sudo().search([("email_to", "like", "q%")])), 61
        )
        self._subscribers(50, self.exam)
        self._published(components=self.exam)
        self.env.flush_all()
        self.env.invalidate_all()
        with self.assertQueryCount(ten):
            self._run_queue()
            self.env.flush_all()
