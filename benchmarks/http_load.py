"""HTTP cases: a real 2-worker Odoo server per database, over loopback.

- JSON-RPC: tickets created one by one (``execute_kw create``), timed
  end to end from the client;
- portal: ``clients`` threads, each logged in as the portal customer,
  fetching ``/my/ticket/<id>`` in a loop for ``duration`` seconds; the
  latency of every request is kept (p50, p95).
"""

import os
import signal
import statistics
import threading
import time

import harness
import requests


class Server(harness.OdooProcess):
    """A prefork server (``workers`` HTTP workers, no cron) on ``dbname``,
    started at once; its log in ``log_dir``."""

    def __init__(self, config, dbname, log_dir, workers=2):
        super().__init__(
            config,
            dbname,
            os.path.join(log_dir, f"server-{dbname}.log"),
            "--log-level=" + os.environ.get("BENCH_SERVER_LOG", "warn"),
            "--limit-time-real=600",
            "--limit-time-cpu=600",
            workers=workers,
        )
        self.dbname = dbname
        try:
            self.start()
        except harness.NotReady:
            self.stop()
            raise

    def stop(self, waits=((signal.SIGTERM, 30),)):
        super().stop(waits)

    def jsonrpc(self, session, service, method, *args):
        return harness.jsonrpc(
            self.url, service, method, *args, session=session, timeout=120
        )


def jsonrpc_creates(server, count, vals_for):
    """Seconds to create ``count`` tickets one call at a time."""
    with requests.Session() as session:
        uid = server.jsonrpc(
            session, "common", "login", server.dbname, "admin", "admin"
        )
        started = time.perf_counter()
        for i in range(count):
            server.jsonrpc(
                session,
                "object",
                "execute_kw",
                server.dbname,
                uid,
                "admin",
                "helpdesk.ticket",
                "create",
                [vals_for(i)],
                {"context": {"mail_notify_force_send": False}},
            )
        return time.perf_counter() - started


def portal_load(server, login, password, ticket_id, clients, duration):
    """Latencies (s) of /my/ticket/<id> fetched by ``clients`` threads."""
    sessions = []
    for _i in range(clients):
        sessions.append(harness.web_session(server.url, server.db, login, password))
    url = f"{server.url}/my/ticket/{ticket_id}"
    # one untimed fetch per client first (sessions, caches)
    for session in sessions:
        assert session.get(url, timeout=60).status_code == 200
    latencies, errors = [], []
    lock = threading.Lock()
    stop_at = time.perf_counter() + duration

    def client(session):
        mine, bad = [], 0
        while time.perf_counter() < stop_at:
            started = time.perf_counter()
            response = session.get(url, timeout=60)
            elapsed = time.perf_counter() - started
            if (
                response.status_code == 200
                and "LMS exam submission failure" in response.text
            ):
                mine.append(elapsed)
            else:
                bad += 1
        with lock:
            latencies.extend(mine)
            errors.append(bad)

    threads = [threading.Thread(target=client, args=(s,)) for s in sessions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for session in sessions:
        session.close()
    quantiles = statistics.quantiles(latencies, n=100)
    return {
        "p50": quantiles[49],
        "p95": quantiles[94],
        "requests": len(latencies),
        "errors": sum(errors),
        "rps": len(latencies) / duration,
    }


def set_param(dbname, key, value):
    """Set a system parameter directly (before any worker caches it)."""
    conn = harness.pg_connect(None, dbname)
    try:
        with conn.cursor() as cr:
            cr.execute(
                "INSERT INTO ir_config_parameter (key, value) VALUES (%s, %s) "
                "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
                [key, value],
            )
    finally:
        conn.close()


def pdf_download(server, ticket_id, report="helpdesk_expedite.report_incident"):
    """Seconds and bytes of the PDF report of ``ticket_id``, as admin."""
    with harness.web_session(server.url, server.db, "admin", "admin") as session:
        started = time.perf_counter()
        response = session.get(
            f"{server.url}/report/pdf/{report}/{ticket_id}", timeout=300
        )
        elapsed = time.perf_counter() - started
        if response.status_code != 200 or not response.content.startswith(b"%PDF"):
            raise RuntimeError(f"PDF report: HTTP {response.status_code}")
        return {"time": elapsed, "bytes": len(response.content)}
