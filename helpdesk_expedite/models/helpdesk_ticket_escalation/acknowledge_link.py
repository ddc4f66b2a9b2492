"""The one-click acknowledgement link of an escalation: a signed,
expiring token (see lib/ack_token.py and controllers/escalation_ack.py)."""

from datetime import timedelta
from urllib.parse import urlencode

from odoo import fields, models
from odoo.tools import consteq
from odoo.tools.misc import hmac

from ...lib import ack_token
from ..constants import ACK_LINK_HOURS_PARAM

# the acknowledgement link: HMAC scope, route and default lifetime
ACK_SCOPE = "helpdesk_expedite.escalation_ack"
ACK_ROUTE = "/helpdesk_expedite/escalation/%s/acknowledge"
DEFAULT_ACK_LINK_HOURS = 24


class HelpdeskTicketEscalation(models.Model):
    _inherit = "helpdesk.ticket.escalation"

    def _get_acknowledge_url(self):
        """Absolute URL of the one-click acknowledgement page, with a signed
        token that expires (setting helpdesk_expedite.escalation_ack_link_hours,
        24 by default) and works once."""
        self.ensure_one()
        path = ACK_ROUTE % self.id
        query = urlencode({"token": self._get_acknowledge_token()})
        return f"{self.get_base_url()}{path}?{query}"

    def _get_acknowledge_token(self, expires=None):
        """A token valid until ``expires`` (naive UTC datetime; default: now
        plus the link's lifetime)."""
        self.ensure_one()
        if expires is None:
            expires = fields.Datetime.now() + timedelta(
                hours=self._get_acknowledge_link_hours()
            )
        expiry = ack_token.timestamp(expires)
        return ack_token.make_token(expiry, self._sign_acknowledge(expiry))

    def _check_acknowledge_token(self, token):
        """ack_token.VALID, MALFORMED, INVALID or EXPIRED for ``token``."""
        self.ensure_one()
        if not self.sudo().acknowledge_nonce:
            return ack_token.INVALID
        return ack_token.check_token(
            token,
            ack_token.timestamp(fields.Datetime.now()),
            self._sign_acknowledge,
            consteq,
        )

    def _sign_acknowledge(self, expiry):
        nonce = self.sudo().acknowledge_nonce or ""
        return hmac(self.env(su=True), ACK_SCOPE, (self.id, int(expiry), nonce))

    def _get_acknowledge_link_hours(self):
        value = self.env["ir.config_parameter"].sudo().get_param(ACK_LINK_HOURS_PARAM)
        try:
            hours = float(value) if value else DEFAULT_ACK_LINK_HOURS
        except ValueError:
            return DEFAULT_ACK_LINK_HOURS
        return hours if 0 < hours <= 24 * 366 else DEFAULT_ACK_LINK_HOURS
