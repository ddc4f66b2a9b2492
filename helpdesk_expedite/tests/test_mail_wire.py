"""The mails as they travel: built by Odoo's ``build_email``, sent through a
real SMTP connection to a local sink (smtp_sink.py) and parsed back, the
way a reader's mail program gets them."""

import email
import email.policy

from hypothesis import given
from hypothesis import strategies as st

from odoo.tests import tagged

from ..lib.mail_headers import fold_keeping_words
from .common import PROPERTY, ExpediteCase, PureCase
from .smtp_sink import SmtpSink

# the subject, then longer ones: each folds at another place
TITLES = ["Lỗi nộp bài thi"] + [
    "Lỗi nộp bài thi cuối kỳ " + " ".join(["lớp học trực tuyến"] * count) + " ở Hà Nội"
    for count in range(1, 7)
]


@tagged("post_install", "-at_install")
class TestSubjectsOnTheWire(ExpediteCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._load_vietnamese()
        cls.customer.write({"lang": "vi_VN", "tz": "Asia/Ho_Chi_Minh"})

    def _through_the_sink(self):
        """(subject as Odoo wrote it, subject as received) of every message
        Odoo sent in the mock_mail_gateway block before."""
        sent = [call.args[1] for call in self.send_email_mocked.call_args_list]
        written = [str(message["Subject"]) for message in sent]
        with SmtpSink() as sink:
            for message in sent:
                sink.send(self.env, message)
        received = [message["Subject"] for message in sink.parsed()]
        self.assertEqual(len(received), len(written))
        return list(zip(written, received, strict=True))

    def test_vietnamese_subjects_arrive_as_written(self):
        with self.mock_mail_gateway():
            tickets = self.Ticket.create(
                [
                    self._ticket_vals(name=title, affected_service=False)
                    for title in TITLES
                ]
            )
            tickets[0].action_post_status_update("Chúng tôi đang khôi phục dịch vụ.")
        subjects = self._through_the_sink()
        # in encoded words on the wire: every acknowledgement and the update
        vietnamese = [
            written for written, _received in subjects if not written.isascii()
        ]
        acknowledged = [s for s in vietnamese if "] Chúng tôi đang xử lý: Lỗi nộp" in s]
        self.assertGreaterEqual(len(acknowledged), len(TITLES))
        self.assertTrue(
            any(
                s.endswith("] Chúng tôi đang xử lý: Lỗi nộp bài thi")
                for s in vietnamese
            )
        )
        self.assertTrue(any("] Cập nhật: Lỗi nộp bài thi" in s for s in vietnamese))
        self.assertFalse([(w, r) for w, r in subjects if w != r], "changed on the way")


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
