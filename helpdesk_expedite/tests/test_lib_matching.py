"""The match keys that let reports of one outage meet (lib/matching.py): no
database."""

from hypothesis import given
from hypothesis import strategies as st

from odoo.addons.helpdesk_expedite.lib import matching

from .common import PROPERTY, PureCase, table


class TestMatchKey(PureCase):
    @table(
        ("Exam-Submission  service", "exam submission service"),
        ("exam submission Service!", "exam submission service"),
        ("Lỗi nộp bài thi", "loi nop bai thi"),
        ("Đăng nhập", "dang nhap"),
        ("---", ""),
        ("", ""),
        ("𝑨𝒍𝒆𝒓𝒕 ℡", "alert tel"),
        (None, ""),
    )
    def test_match_key(self, text, expected):
        self.assertEqual(matching.match_key(text), expected)

    def test_match_key_is_bounded(self):
        self.assertEqual(
            len(matching.match_key("word " * 1000)), matching.MAX_KEY_LENGTH
        )

    @PROPERTY
    @given(st.text())
    def test_match_key_is_stable(self, text):
        key = matching.match_key(text)
        self.assertLessEqual(len(key), matching.MAX_KEY_LENGTH)
        if len(key) < matching.MAX_KEY_LENGTH:  # a cut key may end in a space
            self.assertEqual(matching.match_key(key), key)
