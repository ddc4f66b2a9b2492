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
        reporter = self.env["res.partner"].create(
            {"name": "Giảng viên Lan", "email": "lan@example.com", "lang": "vi_VN"}
        )
        with self.mock_mail_gateway():
            tickets = self.Ticket.create(
                [
                    self._ticket_vals(name=title, affected_service=False)
                    for title in TITLES
                ]
            )
            report = self._create_ticket(
                groups=[], name="Không nộp được bài thi", partner_id=reporter.id
            )
            report.action_link_to_major_incident(tickets[0].id)
            tickets[0].action_post_status_update("Chúng tôi đang khôi phục dịch vụ.")
            tickets[0].write({"closure_override_reason": "Wire test"})
            tickets[0].action_close()
            # the linked customers' mails are queued: sent, as the queue would
            self._new_mails.filtered(lambda mail: mail.state == "outgoing").send()
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
        for subject in (
            "] Cập nhật: Lỗi nộp bài thi",
            "] Cập nhật sự cố: Không nộp được bài thi",
            "] Đã khắc phục và đóng: Lỗi nộp bài thi",
        ):
            self.assertTrue(any(subject in s for s in vietnamese), subject)
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
