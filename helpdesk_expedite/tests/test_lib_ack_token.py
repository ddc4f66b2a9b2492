"""The acknowledgement link's token (lib/ack_token.py): no database."""

from datetime import datetime

from odoo.addons.helpdesk_expedite.lib import ack_token

from .common import PureCase, table


def _sign(expiry):
    return f"{expiry:064x}"[-64:]


class TestAckToken(PureCase):
    """The acknowledgement link's token: shape, signature, then expiry."""

    def _check(self, token, now=100):
        return ack_token.check_token(token, now, _sign, lambda a, b: a == b)

    def test_genuine_token_is_valid_until_it_expires(self):
        token = ack_token.make_token(200, _sign(200))
        self.assertEqual(self._check(token, now=199), ack_token.VALID)
        self.assertEqual(self._check(token, now=200), ack_token.EXPIRED)

    def test_altered_expiry_is_invalid_not_expired(self):
        token = ack_token.make_token(50, _sign(200))
        self.assertEqual(self._check(token), ack_token.INVALID)
        token = ack_token.make_token(999, _sign(200))
        self.assertEqual(self._check(token), ack_token.INVALID)

    @table(
        None,
        "",
        12,
        "200",
        "200.",
        ".%s" % ("a" * 64),
        "200.%s" % ("A" * 64),
        "200.%s" % ("a" * 63),
        "200.%s" % ("a" * 65),
        "-200.%s" % ("a" * 64),
        "1" * 13 + ".%s" % ("a" * 64),
        "200.%s\n" % ("a" * 64),
        "x" * 100000,
    )
    def test_malformed_tokens(self, token):
        self.assertEqual(self._check(token), ack_token.MALFORMED)

    def test_timestamp(self):
        self.assertEqual(ack_token.timestamp(datetime(1970, 1, 2)), 86400)
