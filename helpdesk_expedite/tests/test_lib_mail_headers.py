"""Folded mail headers keep every character (lib/mail_headers.py): no
database."""

import email
import email.policy

from hypothesis import given
from hypothesis import strategies as st

from ..lib.mail_headers import fold_keeping_words
from .common import PROPERTY, PureCase

VIETNAMESE = "aăâbcdđeêghiklmnoôơpqrstuưvxyàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵĐ"


class TestFoldingKeepsEveryCharacter(PureCase):
    @PROPERTY
    @given(
        st.text(
            alphabet=st.sampled_from(VIETNAMESE + " []:()-.,0123456789"), max_size=300
        )
    )
    def test_a_folded_subject_parses_back_as_written(self, text):
        raw = fold_keeping_words("Subject", text).encode("ascii") + b"\r\nbody"
        parsed = email.message_from_bytes(raw, policy=email.policy.default)
        self.assertEqual(parsed["Subject"], text)
        self.assertTrue(all(len(line) <= 78 for line in raw.split(b"\r\n")))


class TestUnsubscribeHeaders(PureCase):
    """RFC 2369 and RFC 8058: the one-click unsubscribe headers."""

    def test_the_headers_of_a_url(self):
        from ..lib.mail_headers import unsubscribe_headers

        url = (
            "https://status.example.com/status/subscription/u7."
            + "a" * 64
            + "/unsubscribe"
        )
        self.assertEqual(
            unsubscribe_headers(url),
            {
                "List-Unsubscribe": f"<{url}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            },
        )

    def test_what_is_not_an_absolute_http_url_is_refused(self):
        from ..lib.mail_headers import unsubscribe_headers

        for url in (
            "/status/x",
            "mailto:x@example.com",
            "https://example.com/a b",
            "https://example.com/<x>",
            "https://example.com/\r\nBcc: x@example.com",
            "https://exämple.com/",
            "https://example.com/" + "a" * 1000,
            None,
        ):
            with self.subTest(url=url), self.assertRaises(ValueError):
                unsubscribe_headers(url)

    def test_only_the_unsubscribe_headers_stay_unfolded(self):
        from ..lib.mail_headers import keeps_unfolded, unfolded

        long_url = "<https://example.com/" + "a" * 200 + ">"
        self.assertTrue(keeps_unfolded("List-Unsubscribe", long_url))
        self.assertTrue(
            keeps_unfolded("list-unsubscribe-post", "List-Unsubscribe=One-Click")
        )
        self.assertFalse(keeps_unfolded("Subject", long_url))
        self.assertFalse(keeps_unfolded("List-Unsubscribe", "<https://é.example/>"))
        self.assertEqual(
            unfolded("List-Unsubscribe", long_url), f"List-Unsubscribe: {long_url}\r\n"
        )
        # parsed back as one header, as written
        message = email.message_from_string(
            unfolded("List-Unsubscribe", long_url) + "\r\nbody",
            policy=email.policy.SMTP,
        )
        self.assertEqual(message["List-Unsubscribe"], long_url)
