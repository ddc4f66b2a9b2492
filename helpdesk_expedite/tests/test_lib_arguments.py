"""The checks of values from outside (lib/arguments.py): no database."""

import math

from odoo.addons.helpdesk_expedite.lib import arguments
from odoo.addons.helpdesk_expedite.lib.arguments import ArgumentError

from .common import PureCase, table


class TestArguments(PureCase):
    @table(1, 2**31 - 1)
    def test_id_accepted(self, value):
        self.assertEqual(arguments.check_id(value, "id"), value)

    @table(0, -1, 2**31, 2**40, True, False, None, "1", 1.0, [1], {"id": 1})
    def test_id_refused(self, value):
        with self.assertRaisesRegex(ArgumentError, "target_id: a record id"):
            arguments.check_id(value, "target_id")

    def test_ids(self):
        self.assertEqual(arguments.check_ids((1, 2), "ids"), [1, 2])
        for value in ("12", 5, [1, "2"], [[1]]):
            with self.assertRaises(ArgumentError):
                arguments.check_ids(value, "ids")

    @table("", "ü€😀\u202e", "line 1\r\nline 2", "\r- item\r# heading")
    def test_text_accepted(self, value):
        self.assertEqual(arguments.check_text(value, "body"), value)

    @table(
        (5, "a text is expected"),
        (None, "a text is expected"),
        (["a"], "a text is expected"),
        ("a\x00b", "NUL character"),
        ("\ud800", "lone surrogate"),
        ("x" * 11, "at most 10 characters, not 11"),
    )
    def test_text_refused(self, value, message):
        with self.assertRaisesRegex(ArgumentError, f"body: .*{message}"):
            arguments.check_text(value, "body", max_chars=10)

    def test_integer(self):
        self.assertEqual(arguments.check_integer(3.0, "n"), 3)
        self.assertEqual(arguments.check_integer(-(2**31), "n"), -(2**31))
        for value in (2**31, -(2**31) - 1, 1e308, 3.5, math.nan, True, "3", [3]):
            with self.assertRaises(ArgumentError, msg=repr(value)):
                arguments.check_integer(value, "n")

    def test_number(self):
        self.assertEqual(
            arguments.check_number(99.5, "rate", minimum=0, maximum=100), 99.5
        )
        for value in (math.nan, math.inf, -math.inf, 1e308, 2**63, False, "1", [1]):
            with self.assertRaises(ArgumentError, msg=repr(value)):
                arguments.check_number(value, "rate")
        with self.assertRaisesRegex(ArgumentError, "out of range"):
            arguments.check_number(101, "rate", minimum=0, maximum=100)

    def test_boolean(self):
        self.assertIs(arguments.check_boolean(1, "flag"), True)
        self.assertIs(arguments.check_boolean(False, "flag"), False)
        for value in ("true", 2, 1.0, None, [True]):
            with self.assertRaises(ArgumentError, msg=repr(value)):
                arguments.check_boolean(value, "flag")

    def test_choice(self):
        self.assertEqual(
            arguments.check_choice("phone", ("email", "phone"), "c"), "phone"
        )
        for value in ("fax", True, None, ["phone"], {"phone": 1}):
            with self.assertRaisesRegex(ArgumentError, "one of email, phone"):
                arguments.check_choice(value, ("email", "phone"), "c")

    def test_names(self):
        self.assertEqual(arguments.check_names(["name"], "fields"), ["name"])
        # the server's own callers pass sets and keys (mail's tracking)
        for names in ({"name"}, frozenset({"name"}), {"name": 1}.keys()):
            self.assertEqual(arguments.check_names(names, "fields"), names)
        for value in ("name", [1], None, {"name": 1}, {1}, 7):
            with self.assertRaises(ArgumentError):
                arguments.check_names(value, "fields")

    def test_year(self):
        from datetime import date, datetime

        self.assertEqual(arguments.check_year(date(2030, 1, 1), "d"), date(2030, 1, 1))
        for moment in (date(1, 1, 1), datetime(9999, 12, 31), date(1899, 12, 31)):
            with self.assertRaisesRegex(ArgumentError, "from 1900 to 2999"):
                arguments.check_year(moment, "d")

    def test_messages_are_translated(self):
        def shout(source, *args, **kwargs):
            return (source % (args or kwargs)).upper()

        with self.assertRaisesRegex(ArgumentError, "^BODY: A TEXT IS EXPECTED"):
            arguments.check_text(5, "body", shout)
