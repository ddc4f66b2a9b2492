"""A real SMTP server on 127.0.0.1 that keeps the bytes of every message it
receives: the network edge of the mail tests. Messages reach it through
Python's smtplib, as Odoo's ``ir.mail_server.send_email`` sends them.

It offers 8BITMIME but not SMTPUTF8, as many relays do: non-ASCII headers
then travel as RFC 2047 encoded words. It can also answer recipients with a
temporary or permanent refusal (``rcpt_reply``), and be taken down (its port
closed: connections refused) and brought back on the same port.

Odoo's test mode does not talk to SMTP servers: either send through
``SmtpSink.send``, or lift the mode for a block with ``real_smtp()``, as
Odoo's own mail tests do, and point an outgoing mail server at the sink.
"""

import email
import email.policy
import smtplib
import socketserver
import threading
from contextlib import contextmanager
from unittest.mock import patch

from odoo.modules import module

MAX_COMMANDS = 1000  # per connection
MAX_LINES = 100_000  # per message
ACCEPT = "250 2.1.5 OK"
DEFER = "451 4.3.0 Mailbox busy, try again later"
REJECT = "550 5.1.1 No such user here"


class _Handler(socketserver.StreamRequestHandler):
    timeout = 30

    def _reply(self, line):
        self.wfile.write(line.encode("ascii") + b"\r\n")

    def _read_data(self):
        lines = []
        for _i in range(MAX_LINES):
            line = self.rfile.readline(1 << 20)
            if not line or line == b".\r\n":
                break
            lines.append(line[1:] if line.startswith(b"..") else line)
        return b"".join(lines)

    def handle(self):
        sink = self.server.sink
        recipients = []
        self._reply("220 sink ready")
        for _i in range(MAX_COMMANDS):
            line = self.rfile.readline(1 << 16)
            if not line:
                return
            verb = line[:4].upper()
            if verb == b"EHLO":
                self.wfile.write(b"250-sink\r\n250 8BITMIME\r\n")
            elif verb == b"RCPT":
                reply = sink.rcpt_reply
                if reply.startswith("2"):
                    recipients.append(line[8:].decode().strip(" <>\r\n"))
                self._reply(reply)
            elif verb == b"DATA":
                self._reply("354 go ahead")
                sink.received.append(self._read_data())
                sink.recipients.append(recipients)
                recipients = []
                self._reply("250 queued")
            elif verb == b"QUIT":
                self._reply("221 bye")
                return
            else:  # HELO, MAIL, RSET, NOOP
                self._reply("250 OK")


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


class SmtpSink:
    """``with SmtpSink() as sink: sink.send(env, message)``; then
    ``sink.parsed()`` gives the received messages, parsed back, and
    ``sink.recipients`` the accepted recipients of each."""

    def __init__(self):
        self.received = []
        self.recipients = []
        self.rcpt_reply = ACCEPT
        self.server = None
        self.thread = None
        self.port = 0

    def __enter__(self):
        self.up()
        return self

    def __exit__(self, *exc):
        self.down()

    def up(self):
        """Listen (again, on the same port once it had one)."""
        if self.server is None:
            self.server = _Server(("127.0.0.1", self.port), _Handler)
            self.server.sink = self
            self.port = self.server.server_address[1]
            self.thread = threading.Thread(
                target=self.server.serve_forever, daemon=True
            )
            self.thread.start()

    def down(self):
        """Close the port: connections are refused until ``up()``."""
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.thread.join(10)
            self.server = None

    def send(self, env, message):
        """Send ``message`` (an email.message.EmailMessage built by Odoo's
        ``build_email``) as ``ir.mail_server.send_email`` does, through a
        real SMTP connection; Odoo skips this step while tests run."""
        with smtplib.SMTP("127.0.0.1", self.port, timeout=30) as smtp:
            smtp_from, smtp_to, message = env["ir.mail_server"]._prepare_email_message(
                message, smtp
            )
            smtp.send_message(message, smtp_from, smtp_to)

    def parsed(self):
        return [
            email.message_from_bytes(raw, policy=email.policy.default)
            for raw in self.received
        ]


@contextmanager
def real_smtp():
    """Odoo's test mode lifted: mails go to the configured mail server."""
    with patch.object(module, "current_test", False):
        yield
