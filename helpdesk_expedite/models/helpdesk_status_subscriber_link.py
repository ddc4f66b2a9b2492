"""The links of a status page subscriber's mails: the confirmation link
(expires, works while the subscription waits for it) and the unsubscribe
link (lasts as long as the subscriber), signed with the database secret
over the subscriber, the expiry and a nonce of the subscriber's
(lib/subscription_token.py reads and judges them)."""

from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import consteq
from odoo.tools.misc import hmac

from ..lib import subscription_token
from .constants import SUBSCRIPTION_CONFIRM_HOURS_PARAM

DEFAULT_CONFIRM_HOURS = 48


class HelpdeskStatusSubscriber(models.Model):
    _inherit = "helpdesk.status.subscriber"

    def _sign(self, scope, expires):
        """The signature of this subscriber's ``scope`` link (None when it
        has no such link now)."""
        self.ensure_one()
        subscriber = self.sudo()
        if scope == subscription_token.CONFIRM:
            nonce = subscriber.state == "pending" and subscriber.confirm_nonce
        else:
            nonce = subscriber.unsubscribe_nonce
        if not nonce:
            return None
        return hmac(
            self.env(su=True),
            f"helpdesk_expedite.status_subscription.{scope}",
            (subscriber.id, int(expires), nonce),
        )

    def _get_confirm_token(self):
        hours = int(
            self.env["ir.config_parameter"]
            .sudo()
            .get_param(SUBSCRIPTION_CONFIRM_HOURS_PARAM, DEFAULT_CONFIRM_HOURS)
        )
        expires = fields.Datetime.now() + timedelta(hours=max(1, hours))
        expiry = subscription_token.timestamp(expires)
        scope = subscription_token.CONFIRM
        return subscription_token.make_token(
            scope, self.id, self._sign(scope, expiry), expiry
        )

    def _get_unsubscribe_token(self):
        scope = subscription_token.UNSUBSCRIBE
        return subscription_token.make_token(scope, self.id, self._sign(scope, 0))

    def _get_link(self, token, action):
        base = self.env["ir.config_parameter"].sudo().get_param("web.base.url", "")
        return f"{base.rstrip('/')}/status/subscription/{token}/{action}"

    @api.model
    def _check_link(self, token, scope):
        """(verdict, subscriber) of a link's ``token`` for ``scope``; the
        subscriber only when the token is genuine."""
        subscribers = self.sudo()

        def sign(subscriber_id, expires):
            subscriber = subscribers.browse(subscriber_id).exists()
            return subscriber._sign(scope, expires) if subscriber else None

        now = subscription_token.timestamp(fields.Datetime.now())
        verdict = subscription_token.check_token(token, scope, now, sign, consteq)
        if verdict in (subscription_token.VALID, subscription_token.EXPIRED):
            parsed = subscription_token.parse_token(token, scope)
            return verdict, subscribers.browse(parsed.subscriber_id)
        return verdict, subscribers.browse()
