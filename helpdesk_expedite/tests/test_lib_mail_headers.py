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
