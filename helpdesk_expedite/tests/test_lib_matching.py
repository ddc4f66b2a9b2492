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


class TestMentions(PureCase):
    """A report's subject and text mention an incident's service or error."""

    def _mentions(self, text, key_text):
        return matching.mentions(matching.text_key(text), matching.match_key(key_text))

    @table(
        (
            "Cannot submit: the Exam-Submission service fails",
            "Exam submission service",
            True,
        ),
        ("Lỗi nộp bài thi từ sáng", "Lỗi nộp bài thi", True),
        ("exam submissions are slow", "Exam submission service", False),
        ("my exam", "Exam", False),  # one word: in too many other reports
        ("", "Exam submission service", False),
        ("Exam submission service", "", False),
    )
    def test_mentions_whole_words_of_two_or_more(self, text, key_text, expected):
        self.assertEqual(self._mentions(text, key_text), expected)

    def test_only_the_beginning_of_a_long_text_is_read(self):
        text = "x " * matching.MAX_TEXT_LENGTH + "exam submission service"
        self.assertFalse(self._mentions(text, "Exam submission service"))
        self.assertLessEqual(len(matching.text_key(text)), matching.MAX_TEXT_LENGTH)
