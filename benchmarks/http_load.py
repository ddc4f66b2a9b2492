"""HTTP cases: a real 2-worker Odoo server per database, over loopback.

- JSON-RPC: tickets created one by one (``execute_kw create``), timed
  end to end from the client;
- portal: ``clients`` threads, each logged in as the portal customer,
  fetching ``/my/ticket/<id>`` in a loop for ``duration`` seconds; the
  latency of every request is kept (p50, p95).
"""

import itertools
import os
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time

import requests
from pgcluster import _free_port

_ids = itertools.count(1)


def odoo_launcher():
    """Command that starts Odoo as a script: with ``python -m odoo`` the
    prefork server cannot re-launch itself for its gevent process."""
    import odoo

    odoo_bin = os.path.join(os.path.dirname(os.path.dirname(odoo.__file__)), "odoo-bin")
    if os.path.isfile(odoo_bin):
        return [sys.executable, odoo_bin]
    script = shutil.which("odoo")
    if script:
        return [script]
    return [sys.executable, "-m", "odoo"]


class Server:
    def __init__(self, config, dbname, log_dir, workers=2):
        self.dbname = dbname
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = os.path.join(log_dir, f"server-{dbname}.log")
        self.process = subprocess.Popen(
            [
                *odoo_launcher(),
                "-c",
                config,
                "-d",
                dbname,
                f"--db-filter=^{dbname}$",
                f"--workers={workers}",
                "--max-cron-threads=0",
                f"--http-port={self.port}",
                f"--gevent-port={_free_port()}",
                "--http-interface=127.0.0.1",
                "--log-level=" + os.environ.get("BENCH_SERVER_LOG", "warn"),
                f"--logfile={self.log_path}",
                "--limit-time-real=600",
                "--limit-time-cpu=600",
            ],
            start_new_session=True,
        )
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if requests.get(f"{self.url}/web/health", timeout=2).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.5)
        self.stop()
        raise RuntimeError(f"server for {dbname} did not start, see {self.log_path}")

    def stop(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()

    def jsonrpc(self, session, service, method, *args):
        payload = {
            "jsonrpc": "2.0",
            "method": "call",
            "id": next(_ids),
            "params": {"service": service, "method": method, "args": list(args)},
        }
        response = session.post(f"{self.url}/jsonrpc", json=payload, timeout=120)
        body = response.json()
        if "error" in body:
            raise RuntimeError(
                body["error"].get("data", {}).get("message", body["error"])
            )
        return body["result"]


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
        session = requests.Session()
        response = session.post(
            f"{server.url}/web/session/authenticate",
            json={
                "jsonrpc": "2.0",
                "params": {"db": server.dbname, "login": login, "password": password},
            },
            timeout=60,
        )
        response.raise_for_status()
        if response.json().get("error"):
            raise RuntimeError(f"portal login failed: {response.json()['error']}")
        sessions.append(session)
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
    import psycopg2

    conn = psycopg2.connect(dbname=dbname)
    try:
        with conn, conn.cursor() as cr:
            cr.execute(
                "INSERT INTO ir_config_parameter (key, value) VALUES (%s, %s) "
                "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
                [key, value],
            )
    finally:
        conn.close()


def pdf_download(server, ticket_id, report="helpdesk_expedite.report_incident"):
    """Seconds and bytes of the PDF report of ``ticket_id``, as admin."""
    with requests.Session() as session:
        response = session.post(
            f"{server.url}/web/session/authenticate",
            json={
                "jsonrpc": "2.0",
                "params": {"db": server.dbname, "login": "admin", "password": "admin"},
            },
            timeout=60,
        )
        response.raise_for_status()
        started = time.perf_counter()
        response = session.get(
            f"{server.url}/report/pdf/{report}/{ticket_id}", timeout=300
        )
        elapsed = time.perf_counter() - started
        if response.status_code != 200 or not response.content.startswith(b"%PDF"):
            raise RuntimeError(f"PDF report: HTTP {response.status_code}")
        return {"time": elapsed, "bytes": len(response.content)}
