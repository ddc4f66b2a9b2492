"""Response, customer mails on the wire: Vietnamese subjects arrive as
written through a real SMTP exchange."""

from odoo.tests import tagged

from .common import ExpediteCase
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
