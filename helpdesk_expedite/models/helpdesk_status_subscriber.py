"""Someone who follows a company's status page by email.

An address asks (the public form, controllers/status_subscription.py), is
sent a link to confirm (double opt-in), and then receives the public
updates of the published incidents on its components (all of them when
none is chosen) until it unsubscribes. Personal data: helpdesk managers
read and delete subscribers; agents see counts on the components; nobody
creates or changes one but the public routes, through the methods below.
"""

import secrets
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import consteq
from odoo.tools.misc import hmac

from odoo.addons.base.models.res_partner import _lang_get

from ..lib import subscription, subscription_token
from .constants import SUBSCRIPTION_CONFIRM_HOURS_PARAM

DEFAULT_CONFIRM_HOURS = 48
# confirmation mails per address (counted on every request for it)
ADDRESS_LIMIT_COUNT = 3
ADDRESS_LIMIT_WINDOW = 24 * 3600
PENDING_KEPT_DAYS = 30
ADVISORY_LOCK_CLASS = 2201  # pg_advisory_xact_lock(class, key) of a request  # an address never confirmed is forgotten after this
STATES = [
    ("pending", "Pending Confirmation"),
    ("confirmed", "Confirmed"),
    ("unsubscribed", "Unsubscribed"),
]


def _nonce():
    return secrets.token_hex(16)


class HelpdeskStatusSubscriber(models.Model):
    _name = "helpdesk.status.subscriber"
    _inherit = ["helpdesk.expedite.guarded.mixin"]
    _description = "Status Page Subscriber"
    _order = "id desc"
    _rec_name = "email"
    # set by the subscription's own steps (request, confirm, unsubscribe)
    _guarded_fields = frozenset(
        "email company_id state confirmation_due confirm_nonce unsubscribe_nonce "
        "requested_date confirmed_date unsubscribed_date".split()
    )

    email = fields.Char(required=True, readonly=True, index=True)
    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, index=True, ondelete="cascade"
    )
    component_ids = fields.Many2many(
        "helpdesk.status.component",
        "helpdesk_status_subscriber_component_rel",
        "subscriber_id",
        "component_id",
        string="Components",
        readonly=True,
        help="The components whose incidents are mailed; none: all of them.",
    )
    lang = fields.Selection(_lang_get, string="Language", readonly=True)
    state = fields.Selection(
        STATES, required=True, default="pending", readonly=True, index=True
    )
    requested_date = fields.Datetime(string="Requested", readonly=True)
    confirmed_date = fields.Datetime(string="Confirmed", readonly=True)
    unsubscribed_date = fields.Datetime(string="Unsubscribed", readonly=True)
    # a confirmation mail is to be sent (by the cron, so that a request
    # costs the same whatever the address's state)
    confirmation_due = fields.Boolean(readonly=True, groups="base.group_system")
    # retire links: a new request or the confirmation replaces the first,
    # the second lasts as long as the subscriber
    confirm_nonce = fields.Char(readonly=True, groups="base.group_system")
    unsubscribe_nonce = fields.Char(
        readonly=True, default=lambda self: _nonce(), groups="base.group_system"
    )

    _sql_constraints = [
        (
            "email_company_uniq",
            "unique(company_id, email)",
            "This address already follows this status page.",
        ),
    ]

    @api.constrains("email")
    def _check_email(self):
        for subscriber in self:
            try:
                normalized = subscription.normalize_email(subscriber.email)
            except subscription.InputError:
                normalized = None
            if normalized != subscriber.email:
                raise ValidationError(self.env._("Give one valid email address."))

    @api.constrains("component_ids", "company_id")
    def _check_components(self):
        for subscriber in self.sudo():
            if subscriber.component_ids.company_id - subscriber.company_id:
                raise ValidationError(
                    self.env._("Choose components of this status page.")
                )

    # -- a visitor's request ----------------------------------------------

    @api.model
    def _request(self, company, email, component_ids, lang):
        """``email`` asks for the updates of ``company``'s page (of
        ``component_ids``, or all). Whatever the address's state, nothing
        tells the caller what it was: a confirmation mail is due unless the
        address is already confirmed or was asked for too often."""
        email, components = self._check_request(company, email, component_ids)
        Throttle = self.env["helpdesk.expedite.throttle"].sudo()
        key = hmac(self.env(su=True), "helpdesk_expedite.subscriber-address", email)
        limited = Throttle._hit(
            f"status-subscribe-address:{key[:32]}",
            ADDRESS_LIMIT_COUNT,
            ADDRESS_LIMIT_WINDOW,
        )
        subscriber = self._find_or_create(company, email, components, lang)
        if subscriber.state != "confirmed":
            subscriber._renew_request(components, lang, due=not limited)
        if subscriber.confirmation_due:
            self.env.ref("helpdesk_expedite.ir_cron_status_subscriber_mail")._trigger()
        return True

    @api.model
    def _check_request(self, company, email, component_ids):
        """(normalised address, components) or ValidationError."""
        try:
            email = subscription.normalize_email(email)
            ids = subscription.parse_component_ids(component_ids)
        except subscription.InputError as error:
            if error.args[0] == "email":
                raise ValidationError(
                    self.env._("Give one valid email address.")
                ) from None
            raise ValidationError(
                self.env._("Choose components of this page.")
            ) from None
        Component = self.env["helpdesk.status.component"].sudo()
        components = Component.search(
            [("id", "in", ids), ("company_id", "=", company.id)]
        )
        if len(components) != len(ids):
            raise ValidationError(self.env._("Choose components of this page."))
        return email, components

    @api.model
    def _find_or_create(self, company, email, components, lang):
        # two requests for one address at once: the second waits here for
        # the first to commit, then finds its subscriber
        self.env.cr.execute(
            "SELECT pg_advisory_xact_lock(%s, hashtext(%s))",
            (ADVISORY_LOCK_CLASS, f"{company.id}:{email}"),
        )
        domain = [("company_id", "=", company.id), ("email", "=", email)]
        subscriber = self.sudo().search(domain)
        if subscriber:
            return subscriber
        return self.sudo().create(
            {
                "company_id": company.id,
                "email": email,
                "component_ids": [fields.Command.set(components.ids)],
                "lang": lang,
                "requested_date": fields.Datetime.now(),
            }
        )

    def _renew_request(self, components, lang, due):
        """A pending or unsubscribed address asked again: pending, with the
        components and language of this request; earlier confirmation
        links stop working when a new one is due."""
        self.ensure_one()
        vals = {
            "state": "pending",
            "component_ids": [fields.Command.set(components.ids)],
            "lang": lang,
            "requested_date": fields.Datetime.now(),
            "unsubscribed_date": False,
        }
        if due:
            vals.update(confirmation_due=True, confirm_nonce=_nonce())
        self.sudo().write(vals)

    # -- links ------------------------------------------------------------

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

    def _confirm(self):
        """The address confirmed: it receives the updates from now on."""
        self.sudo().write(
            {
                "state": "confirmed",
                "confirmed_date": fields.Datetime.now(),
                "confirm_nonce": False,
                "confirmation_due": False,
            }
        )

    def _unsubscribe(self):
        """No more mails, and a pending confirmation link stops working."""
        subscribers = self.sudo().filtered(lambda s: s.state != "unsubscribed")
        subscribers.write(
            {
                "state": "unsubscribed",
                "unsubscribed_date": fields.Datetime.now(),
                "confirm_nonce": False,
                "confirmation_due": False,
            }
        )

    @api.autovacuum
    def _gc_unconfirmed(self):
        """Forget the addresses that never confirmed."""
        limit = fields.Datetime.now() - timedelta(days=PENDING_KEPT_DAYS)
        self.sudo().search(
            [("state", "=", "pending"), ("requested_date", "<", limit)]
        ).unlink()
