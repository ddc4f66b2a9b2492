"""Shared set-up of the subscription tests: the status page's components
and incident (status_page_case), subscribers in every state, and the mails
the subscription cron queues."""

import ast
import re

from odoo.addons.helpdesk_expedite.lib import subscription_token as tokens

from .status_page_case import StatusPageCase, StatusPageHttpCase

LINK = re.compile(r"/status/subscription/([^/\"'<>\s]+)/(confirm|unsubscribe)")


class SubscriptionMixin:
    @classmethod
    def _subscribe(cls, email, components=None, lang="en_US", company=None):
        """What the form does: a request for ``email``."""
        company = company or cls.env.company
        ids = components.ids if components else []
        return cls.env["helpdesk.status.subscriber"]._request(company, email, ids, lang)

    @classmethod
    def _subscriber(cls, email, company=None):
        company = company or cls.env.company
        return (
            cls.env["helpdesk.status.subscriber"]
            .sudo()
            .search([("email", "=", email), ("company_id", "=", company.id)])
        )

    @classmethod
    def _confirmed(cls, email, components=None, lang="en_US", company=None):
        cls._subscribe(email, components, lang, company)
        subscriber = cls._subscriber(email, company)
        subscriber._confirm()
        return subscriber

    @classmethod
    def _run_queue(cls, batch_size=None):
        """One run of the subscription cron (it commits nothing in tests)."""
        Mailing = cls.env["helpdesk.status.mailing"]
        if batch_size:
            return Mailing._cron_send_subscriber_mails(batch_size=batch_size)
        return Mailing._cron_send_subscriber_mails()

    def _mails_to(self, email):
        return self.env["mail.mail"].sudo().search([("email_to", "=", email)])

    @staticmethod
    def _links(mail):
        """{action: token} of the links in ``mail``'s body."""
        return {action: token for token, action in LINK.findall(mail.body_html)}

    @staticmethod
    def _headers(mail):
        return ast.literal_eval(mail.headers or "{}")

    @staticmethod
    def _altered(token):
        """``token`` with one character of its signature changed."""
        last = token[-1]
        return token[:-1] + ("0" if last != "0" else "1")

    @staticmethod
    def _confirm_token(subscriber):
        return subscriber._get_confirm_token()

    @staticmethod
    def _unsubscribe_token(subscriber):
        return subscriber._get_unsubscribe_token()


class SubscriptionCase(SubscriptionMixin, StatusPageCase):
    pass


class SubscriptionHttpCase(SubscriptionMixin, StatusPageHttpCase):
    pass


__all__ = ["SubscriptionCase", "SubscriptionHttpCase", "tokens"]
