"""The subscription links' tokens read and judged
(lib/subscription_token.py): no database, no key (the signature is given)."""

import hmac
from datetime import datetime

from odoo.addons.helpdesk_expedite.lib import subscription_token as tokens

from .common import PureCase, table

SIGNATURE = "ab" * 32
NOW = 1_800_000_000


def sign(genuine):
    return lambda subscriber_id, expires: genuine.get((subscriber_id, expires))


class TestTokens(PureCase):
    def test_timestamp(self):
        self.assertEqual(tokens.timestamp(datetime(1970, 1, 2)), 86400)

    def test_made_then_parsed(self):
        confirm = tokens.make_token(tokens.CONFIRM, 7, SIGNATURE, NOW + 60)
        self.assertEqual(confirm, f"c7.{NOW + 60}.{SIGNATURE}")
        self.assertEqual(
            tokens.parse_token(confirm, tokens.CONFIRM),
            tokens.Token("c", 7, NOW + 60, SIGNATURE),
        )
        unsubscribe = tokens.make_token(tokens.UNSUBSCRIBE, 7, SIGNATURE)
        self.assertEqual(unsubscribe, f"u7.{SIGNATURE}")
        self.assertEqual(
            tokens.parse_token(unsubscribe, tokens.UNSUBSCRIBE),
            tokens.Token("u", 7, 0, SIGNATURE),
        )
        with self.assertRaises(ValueError):
            tokens.make_token("x", 7, SIGNATURE)

    @table(
        (None,),
        ("",),
        ("c7",),
        (f"u7.{SIGNATURE}",),  # another scope
        (f"c7.{SIGNATURE}",),  # a confirmation expires
        (f"c0.{NOW}.{SIGNATURE}",),
        (f"c{2**31}.{NOW}.{SIGNATURE}",),
        (f"c7.{NOW}.{SIGNATURE.upper()}",),
        (f"c7.{NOW}.{SIGNATURE}x",),
        (f"c7.{NOW}.{SIGNATURE} ",),
        ("c" + "7" * 100,),
    )
    def test_what_is_not_a_confirmation_token(self, token):
        self.assertIsNone(tokens.parse_token(token, tokens.CONFIRM))
        verdict = tokens.check_token(
            token, tokens.CONFIRM, NOW, sign({}), hmac.compare_digest
        )
        self.assertEqual(verdict, tokens.MALFORMED)

    def test_verdicts(self):
        genuine = sign(
            {(7, NOW + 60): SIGNATURE, (7, NOW - 1): SIGNATURE, (7, 0): SIGNATURE}
        )
        check = tokens.check_token
        equal = hmac.compare_digest
        valid = f"c7.{NOW + 60}.{SIGNATURE}"
        self.assertEqual(check(valid, "c", NOW, genuine, equal), tokens.VALID)
        self.assertEqual(check(valid, "c", NOW + 60, genuine, equal), tokens.EXPIRED)
        self.assertEqual(
            check(f"c7.{NOW - 1}.{SIGNATURE}", "c", NOW, genuine, equal), tokens.EXPIRED
        )
        # an expiry moved forward is not signed: invalid, not merely expired
        self.assertEqual(
            check(f"c7.{NOW + 3600}.{SIGNATURE}", "c", NOW, genuine, equal),
            tokens.INVALID,
        )
        self.assertEqual(
            check(f"c7.{NOW + 60}.{'cd' * 32}", "c", NOW, genuine, equal),
            tokens.INVALID,
        )
        self.assertEqual(
            check(f"c8.{NOW + 60}.{SIGNATURE}", "c", NOW, genuine, equal),
            tokens.INVALID,
        )
        # an unsubscribe link does not expire
        self.assertEqual(
            check(f"u7.{SIGNATURE}", "u", NOW * 10, genuine, equal), tokens.VALID
        )
