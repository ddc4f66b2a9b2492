"""What a visitor gives the subscription form, checked
(lib/subscription.py): no database."""

from hypothesis import given
from hypothesis import strategies as st

from odoo.addons.helpdesk_expedite.lib import subscription

from .common import PROPERTY, PureCase, table


class TestNormalizeEmail(PureCase):
    @table(
        (" Lan.Pham@Example.COM ", "lan.pham@example.com"),
        ("a+tag@sub.example.edu.vn", "a+tag@sub.example.edu.vn"),
        ("o'brien@example.com", "o'brien@example.com"),
    )
    def test_one_mailbox_in_lower_case(self, value, expected):
        self.assertEqual(subscription.normalize_email(value), expected)

    @table(
        ("",),
        ("not an address",),
        ("a@b",),
        ("two@example.com, more@example.com",),
        ("a@@example.com",),
        ("nul\x00@example.com",),
        ("a..b@example.com",),
        (".a@example.com",),
        ("a@-example.com",),
        ("a@example.123",),
        ("Name <a@example.com>",),
        ("x" * 65 + "@example.com",),
        ("a@" + "b" * 250 + ".com",),
        ("lan@exämple.com",),
        (None,),
        (42,),
    )
    def test_anything_else_is_refused(self, value):
        with self.assertRaises(subscription.InputError) as caught:
            subscription.normalize_email(value)
        self.assertEqual(caught.exception.args[0], "email")

    @PROPERTY
    @given(st.text(max_size=300))
    def test_an_accepted_address_is_stable(self, value):
        try:
            address = subscription.normalize_email(value)
        except subscription.InputError:
            return
        self.assertEqual(subscription.normalize_email(address), address)
        self.assertLessEqual(len(address), subscription.MAX_EMAIL_LENGTH)
        self.assertTrue(address.isascii())
        self.assertEqual(address.count("@"), 1)


class TestParseComponentIds(PureCase):
    @table(
        (None, []),
        ([], []),
        ("3", [3]),
        (7, [7]),
        (["3", "1", "3", " 2 "], [1, 2, 3]),
        ([2**31 - 1], [2**31 - 1]),
    )
    def test_sorted_distinct_ids(self, values, expected):
        self.assertEqual(subscription.parse_component_ids(values), expected)

    @table(
        (["1 OR 1=1"],),
        ([0],),
        ([-1],),
        ([2**31],),
        ([True],),
        (["١"],),  # an Arabic-Indic digit: isdigit, not ASCII
        ([1.5],),
        ({"a": 1},),
        (list(range(1, 102)),),
    )
    def test_anything_else_is_refused(self, values):
        with self.assertRaises(subscription.InputError) as caught:
            subscription.parse_component_ids(values)
        self.assertEqual(caught.exception.args[0], "components")
