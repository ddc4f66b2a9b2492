"""A real SMTP server on 127.0.0.1 that keeps the bytes of every message it
receives: the network edge of the mail tests. Messages reach it through
Python's smtplib, as Odoo's ``ir.mail_server.send_email`` sends them.

It offers 8BITMIME but not SMTPUTF8, as many relays do: non-ASCII headers
then travel as RFC 2047 encoded words.
"""

import email
import email.policy
import smtplib
import socketserver
import threading

MAX_COMMANDS = 1000  # per connection
MAX_LINES = 100_000  # per message


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
        self._reply("220 sink ready")
        for _i in range(MAX_COMMANDS):
            line = self.rfile.readline(1 << 16)
            if not line:
                return
            verb = line[:4].upper()
            if verb == b"EHLO":
                self.wfile.write(b"250-sink\r\n250 8BITMIME\r\n")
            elif verb == b"DATA":
                self._reply("354 go ahead")
                self.server.received.append(self._read_data())
                self._reply("250 queued")
            elif verb == b"QUIT":
                self._reply("221 bye")
                return
            else:  # HELO, MAIL, RCPT, RSET, NOOP
                self._reply("250 OK")


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


class SmtpSink:
    """``with SmtpSink() as sink: sink.send(env, message)``; then
    ``sink.parsed()`` gives the received messages, parsed back."""

    def __init__(self):
        self.server = _Server(("127.0.0.1", 0), _Handler)
        self.server.received = []
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(10)

    @property
    def received(self):
        return self.server.received

    def send(self, env, message):
        """Send ``message`` (an email.message.EmailMessage built by Odoo's
        ``build_email``) as ``ir.mail_server.send_email`` does, through a
        real SMTP connection; Odoo skips this step while tests run."""
        host, port = self.server.server_address
        with smtplib.SMTP(host, port, timeout=30) as smtp:
            smtp_from, smtp_to, message = env["ir.mail_server"]._prepare_email_message(
                message, smtp
            )
            smtp.send_message(message, smtp_from, smtp_to)

    def parsed(self):
        return [
            email.message_from_bytes(raw, policy=email.policy.default)
            for raw in self.received
        ]
