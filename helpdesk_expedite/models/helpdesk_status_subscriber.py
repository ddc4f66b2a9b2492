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
from odoo.tools.misc import hmac

from odoo.addons.base.models.res_partner import _lang_get

from ..lib import subscription

# confirmation mails per address (counted on every request for it)
ADDRESS_LIMIT_COUNT = 3
ADDRESS_LIMIT_WINDOW = 24 * 3600
PENDING_KEPT_DAYS = 30  # an address never confirmed, or gone, is forgotten after this
# pg_advisory_xact_lock(class, key) of a request for an address
ADVISORY_LOCK_CLASS = 2201
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
        address is already confirmed. The seconds to wait when the address
        was asked for too often (counted whatever its state), else 0."""
        email, components = self._check_request(company, email, component_ids)
        Throttle = self.env["helpdesk.expedite.throttle"].sudo()
        key = hmac(self.env(su=True), "helpdesk_expedite.subscriber-address", email)
        wait = Throttle._hit(
            f"status-subscribe-address:{key[:32]}",
            ADDRESS_LIMIT_COUNT,
            ADDRESS_LIMIT_WINDOW,
        )
        if wait:
            return wait
        subscriber = self._find_or_create(company, email, components, lang)
        if subscriber.state != "confirmed":
            subscriber._renew_request(components, lang)
            self.env.ref("helpdesk_expedite.ir_cron_status_subscriber_mail")._trigger()
        return 0

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

    def _renew_request(self, components, lang):
        """A pending or unsubscribed address asked again: pending, with the
        components and language of this request, a new confirmation mail
        due; earlier confirmation and unsubscribe links stop working (one
        kept from a mail of an earlier subscription would end this one)."""
        self.ensure_one()
        self.sudo().write(
            {
                "state": "pending",
                "component_ids": [fields.Command.set(components.ids)],
                "lang": lang,
                "requested_date": fields.Datetime.now(),
                "unsubscribed_date": False,
                "confirmation_due": True,
                "confirm_nonce": _nonce(),
                "unsubscribe_nonce": _nonce(),
            }
        )

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
        """Forget the addresses that never confirmed, and those that left."""
        limit = fields.Datetime.now() - timedelta(days=PENDING_KEPT_DAYS)
        self.sudo().search(
            [
                "|",
                "&",
                ("state", "=", "pending"),
                ("requested_date", "<", limit),
                "&",
                ("state", "=", "unsubscribed"),
                ("unsubscribed_date", "<", limit),
            ]
        ).unlink()
