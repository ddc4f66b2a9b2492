"""Plain-Python tests of which mail failures are worth a new attempt."""

from odoo.addons.helpdesk_expedite.lib import mail_failure

from .common import PureCase, table

SMTP = "Mail Delivery Failed\nMail delivery failed via SMTP server '127.0.0.1'.\n"


class TestMailFailure(PureCase):
    @table(
        # the mail server could not be reached: Odoo's own type
        ("mail_smtp", False, True),
        ("mail_smtp", "[Errno 111] Connection refused", True),
        # generic failures, judged on their text
        ("unknown", SMTP + "SMTPRecipientsRefused: {'a@b.c': (451, b'busy')}", True),
        ("unknown", SMTP + "SMTPDataError: (421, b'4.7.0 Try later')", True),
        (
            "unknown",
            SMTP + "SMTPRecipientsRefused: {'a@b.c': (550, b'no user')}",
            False,
        ),
        ("unknown", SMTP + "SMTPSenderRefused: (553, b'bad sender', 'x@y.z')", False),
        # a 5xx beside a 4xx: one recipient refused for good
        ("unknown", SMTP + "{'a@b.c': (450, b'x'), 'd@e.f': (550, b'y')}", False),
        ("unknown", SMTP + "TimeoutError: timed out", True),
        ("unknown", SMTP + "ConnectionResetError: Connection reset by peer", True),
        ("unknown", "SMTPServerDisconnected: Connection unexpectedly closed", True),
        (
            "unknown",
            "Header values may not contain linefeed or carriage return characters",
            False,
        ),
        ("unknown", "Invalid text: Exam down\r\nBcc: x@example.com", False),
        ("unknown", "", False),
        ("unknown", None, False),
        (None, None, False),
        ("", "timed out", True),
        # the addresses: the message's own fault, whatever the text says
        ("mail_email_invalid", "timed out", False),
        ("mail_email_missing", False, False),
        ("mail_from_invalid", "(451, b'busy')", False),
        ("mail_from_missing", None, False),
        # not a failure of sending at all
        ("mail_bl", None, False),
    )
    def test_is_transient(self, failure_type, reason, expected):
        self.assertIs(mail_failure.is_transient(failure_type, reason), expected)
