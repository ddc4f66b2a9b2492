"""Building blocks of the reliability suite (no Odoo import).

- ``SmtpSink``: a small SMTP server on 127.0.0.1 that keeps every message it
  accepts, can refuse given recipients (a 4xx or 5xx reply), and can be
  taken down (connections refused) and brought back on the same port.
- ``TeamsStandIn``: an HTTP endpoint on 127.0.0.1 that takes Teams cards and
  can be told to misbehave (500, 429 + Retry-After, stall past the client's
  timeout, a slow body, refuse connections, hold an answer until released).
- ``PreforkServer``: Odoo (harness.OdooProcess) with HTTP and cron workers.
- ``Stats``: latency figures per route.

Ports, processes, waiting, JSON-RPC and web sessions are the harness's
(tools/lib/harness.py). Every loop in here is bounded and every server
stops in ``stop()``.
"""

import email
import json
import os
import re
import signal
import socketserver
import statistics
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from harness import LOOPBACK, OdooProcess, StandIn, wait_until

FULL = os.environ.get("RELIABILITY", "").lower() == "full"
FIGURES = []  # (case, figure, value), printed at the end of the session


def scale(fast, full):
    """A count or duration: ``fast`` in the CI subset, ``full`` otherwise."""
    return full if FULL else fast


def record(case, figure, value):
    FIGURES.append((case, figure, value))


TICKET_KEY = re.compile(r"RELK[0-9]+X")  # unique ticket names, free of Markdown


# ----------------------------------------------------------------------
# SMTP sink
# ----------------------------------------------------------------------
class _SmtpHandler(socketserver.StreamRequestHandler):
    timeout = 30

    def _reply(self, line):
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self):
        sink = self.server.stand_in
        self._reply("220 relkit SMTP sink")
        envelope = {"from": None, "to": []}
        for _i in range(10_000):  # bounded: commands per connection
            raw = self.rfile.readline(65536)
            if not raw:
                return
            line = raw.decode("utf-8", "replace").rstrip("\r\n")
            verb = line[:4].upper()
            if verb == "EHLO":
                self.wfile.write(b"250-relkit\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n")
            elif verb == "HELO":
                self._reply("250 relkit")
            elif verb == "MAIL":
                envelope = {"from": line[10:].strip(), "to": []}
                self._reply("250 OK")
            elif verb == "RCPT":
                address = line[8:].strip()
                refusal = sink.refusal(address)
                if refusal:
                    self._reply(refusal)
                else:
                    envelope["to"].append(address)
                    self._reply("250 OK")
            elif verb == "DATA":
                self._reply("354 End data with <CR><LF>.<CR><LF>")
                chunks = []
                for _j in range(1_000_000):  # bounded: lines per message
                    data = self.rfile.readline(1 << 20)
                    if not data or data in (b".\r\n", b".\n"):
                        break
                    if data.startswith(b".."):
                        data = data[1:]
                    chunks.append(data)
                sink._store(envelope, b"".join(chunks))
                envelope = {"from": None, "to": []}
                self._reply("250 OK queued")
            elif verb == "RSET":
                envelope = {"from": None, "to": []}
                self._reply("250 OK")
            elif verb == "NOOP":
                self._reply("250 OK")
            elif verb == "QUIT":
                self._reply("221 Bye")
                return
            else:
                self._reply("502 Command not implemented")


class _ThreadingTCPServer(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True


class SmtpSink(StandIn):
    """Keeps every accepted message; ``down()`` refuses connections."""

    server_class, handler_class = _ThreadingTCPServer, _SmtpHandler

    def __init__(self, port=None):
        super().__init__(port)
        self.messages = []
        # address: SMTP reply refusing it ("550 5.1.1 ...", "451 4.3.0 ...")
        self.refusals = {}
        self._lock = threading.Lock()

    def _store(self, envelope, data):
        message = email.message_from_bytes(data)
        with self._lock:
            self.messages.append(
                {
                    "message_id": (message.get("Message-Id") or "").strip(),
                    "subject": str(message.get("Subject") or ""),
                    "to": envelope["to"],
                    "time": time.time(),
                }
            )

    def refusal(self, address):
        with self._lock:
            for refused, reply in self.refusals.items():
                if refused in address:
                    return reply
        return None

    def snapshot(self):
        with self._lock:
            return list(self.messages)


# ----------------------------------------------------------------------
# Teams stand-in
# ----------------------------------------------------------------------
class _TeamsHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):  # noqa: A002 - quiet
        pass

    def do_POST(self):  # noqa: N802 - http.server's naming
        stand_in = self.server.stand_in
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(min(length, 1 << 20))
        text = body.decode("utf-8", "replace")
        match = TICKET_KEY.search(text)
        key = match.group(0) if match else None
        mode = stand_in._next_mode(key)
        received = time.monotonic()
        client_port = self.client_address[1]
        outcome = mode
        try:
            if mode == "ok":
                self._answer(200, b"1")
            elif mode == "error500":
                self._answer(500, b"Internal error (stand-in)")
            elif mode == "retry_after":
                self._answer(429, b"Too many requests", {"Retry-After": "1"})
            elif mode == "stall":
                # longer than the client's read timeout, then nothing
                time.sleep(stand_in.stall_seconds)
                outcome = "stalled"
                self.close_connection = True
                return
            elif mode == "slow_body":
                payload = b"1" * 8
                self.send_response(200)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                # The card is accepted once 200 is sent; a client that does
                # not wait for the rest of the body changes nothing.
                outcome = "ok"
                for byte in payload:  # under the read timeout between bytes
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()
                    time.sleep(stand_in.slow_body_seconds / len(payload))
                outcome = "ok"
            elif mode == "hold":
                stand_in._held_port = client_port
                stand_in._holding.set()
                stand_in._release.wait(60)  # bounded
                stand_in._holding.clear()
                stand_in._release.clear()
                if stand_in._client_gone:
                    outcome = "client_gone"
                    self.close_connection = True
                    return
                self._answer(200, b"1")
                outcome = "ok"
            else:
                raise ValueError(mode)
        except (BrokenPipeError, ConnectionResetError):
            if outcome != "ok":
                outcome = "client_gone"
        finally:
            stand_in._record(key, outcome, received)

    def _answer(self, status, payload, headers=None):
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)


class _TeamsServer(ThreadingHTTPServer):
    allow_reuse_address = True
    daemon_threads = True


class TeamsStandIn(StandIn):
    """A Teams-like webhook: ``received`` logs (key, outcome) per POST.

    ``outcome`` "ok" is a card accepted (answered 2xx); anything else is a
    refused or failed delivery. ``script`` gives the modes of the next
    requests in order, ``mode`` the one after the script runs out.
    """

    server_class, handler_class = _TeamsServer, _TeamsHandler

    def __init__(self, port=None):
        super().__init__(port)
        self.mode = "ok"
        self.script = []
        self.plans = {}  # key: modes of that key's next requests
        self.stall_seconds = 4.0
        self.slow_body_seconds = 1.0
        self.received = []
        self._lock = threading.Lock()
        self._holding = threading.Event()
        self._release = threading.Event()
        self._client_gone = False
        self._held_port = None

    @property
    def url(self):
        return f"http://{LOOPBACK}:{self.port}/webhook/relkit"

    def _next_mode(self, key=None):
        with self._lock:
            plan = self.plans.get(key)
            if plan:
                return plan.pop(0)
            return self.script.pop(0) if self.script else self.mode

    def _record(self, key, outcome, received):
        with self._lock:
            self.received.append(
                {
                    "key": key,
                    "outcome": outcome,
                    "at": received,
                    "done": time.monotonic(),
                }
            )

    def set(self, mode="ok", script=()):
        """The modes to come; a hold left over by an earlier case (a
        release, a down() or a client gone) is forgotten."""
        with self._lock:
            self.mode = mode
            self.script = list(script)
            self.plans = {}
            self._release.clear()
            self._client_gone = False

    def clear(self):
        with self._lock:
            self.received = []

    def accepted(self):
        """Number of accepted cards per key."""
        with self._lock:
            counts = {}
            for entry in self.received:
                if entry["outcome"] == "ok":
                    counts[entry["key"]] = counts.get(entry["key"], 0) + 1
            return counts

    def log(self):
        with self._lock:
            return list(self.received)

    def down(self):
        if self.running:
            self._release.set()  # a held answer goes first
        super().down()

    # hold / release: catch a delivery in flight
    def wait_holding(self, timeout):
        return self._holding.wait(timeout)

    def release(self, client_gone=False):
        self._client_gone = client_gone
        self._release.set()


# ----------------------------------------------------------------------
# Latency figures
# ----------------------------------------------------------------------
class Stats:
    def __init__(self):
        self._lock = threading.Lock()
        self.samples = {}
        self.errors = {}

    def add(self, route, seconds, ok, detail=None):
        with self._lock:
            self.samples.setdefault(route, []).append(seconds)
            if not ok:
                self.errors.setdefault(route, []).append(detail)

    def error_count(self):
        return sum(len(v) for v in self.errors.values())

    def table(self, elapsed):
        rows = []
        for route, timings in sorted(self.samples.items()):
            ordered = sorted(timings)
            p50 = statistics.median(ordered)
            p95 = ordered[min(len(ordered) - 1, int(round(0.95 * len(ordered))) - 1)]
            rows.append(
                (
                    route,
                    len(ordered),
                    len(self.errors.get(route, ())),
                    len(ordered) / elapsed,
                    p50 * 1000,
                    p95 * 1000,
                )
            )
        return rows

    @staticmethod
    def format(rows):
        lines = [
            f"{'route':<42} {'requests':>8} {'errors':>6} {'req/s':>7} "
            f"{'p50 ms':>8} {'p95 ms':>8}"
        ]
        for route, count, errors, rate, p50, p95 in rows:
            lines.append(
                f"{route:<42} {count:>8} {errors:>6} {rate:>7.1f} {p50:>8.1f} {p95:>8.1f}"
            )
        return "\n".join(lines)


# ----------------------------------------------------------------------
# The prefork server
# ----------------------------------------------------------------------
class PreforkServer(OdooProcess):
    """Odoo with ``workers`` HTTP and ``crons`` cron workers, mailing
    through the SMTP sink on ``smtp_port``."""

    def __init__(self, config, db, log_path, smtp_port, workers=2, crons=2):
        super().__init__(
            config,
            db,
            log_path,
            f"--smtp={LOOPBACK}",
            f"--smtp-port={smtp_port}",
            "--limit-time-real-cron=600",
            "--log-level=info",
            workers=workers,
            crons=crons,
        )

    def start(self, timeout=120):
        super().start(timeout)
        wait_until(
            lambda: len(self.cron_worker_pids()) >= self.crons,
            60,
            0.3,
            "the cron workers",
        )
        return self

    def children(self):
        import psutil  # an Odoo dependency

        try:
            return psutil.Process(self.process.pid).children()
        except psutil.NoSuchProcess:
            return []

    def cron_worker_pids(self):
        """Live cron worker pids, from the master's log of its workers."""
        text = self.read_log()
        pids = {int(p) for p in re.findall(r"Worker WorkerCron \((\d+)\) alive", text)}
        live = {child.pid for child in self.children()}
        return sorted(pids & live)

    def pid_of_client_port(self, port):
        """The process that owns the local TCP port ``port`` (an outgoing call)."""
        import psutil

        for child in self.children():
            try:
                lister = getattr(child, "net_connections", None) or child.connections
                for conn in lister(kind="tcp"):
                    if conn.laddr and conn.laddr.port == port:
                        return child.pid
            except psutil.NoSuchProcess:
                continue
        return None

    def tail(self, lines=80):
        return "".join(self.read_log().splitlines(True)[-lines:])

    def stop(self, waits=((signal.SIGINT, 20), (signal.SIGTERM, 10))):
        super().stop(waits)


def dumps(value):
    return json.dumps(value, default=str)
