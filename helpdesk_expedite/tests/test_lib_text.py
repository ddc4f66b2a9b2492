"""The default translator and one-line titles (lib/text.py): no database."""

from hypothesis import given
from hypothesis import strategies as st

from odoo.addons.helpdesk_expedite.lib import text

from .common import PROPERTY, PureCase, table


class TestIdentity(PureCase):
    def test_formats_like_odoos_translator_without_translating(self):
        self.assertEqual(text.identity("plain %s"), "plain %s")
        self.assertEqual(text.identity("%s of %s", 2, 3), "2 of 3")
        self.assertEqual(text.identity("%(n)s users", n=53), "53 users")


class TestSingleLine(PureCase):
    @table(
        ("LMS exam\r\nBcc: victim@example.com", "LMS exam Bcc: victim@example.com"),
        ("  two\n\nbreaks\n", "two breaks"),
        ("line\u2028separator\x85next", "line separator next"),
        ("  no break keeps its spaces ", "  no break keeps its spaces "),
        (None, None),
        (42, 42),
    )
    def test_single_line(self, value, expected):
        self.assertEqual(text.single_line(value), expected)

    @PROPERTY
    @given(st.text())
    def test_no_line_break_is_left(self, value):
        line = text.single_line(value)
        self.assertEqual(len(line.splitlines()), min(len(line.splitlines()), 1))
        self.assertEqual(text.single_line(line), line)
