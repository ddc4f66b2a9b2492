"""What the system tests share to run servers: free ports of 127.0.0.1,
processes in a process group of their own (started, waited for, stopped as
a whole), and PostgreSQL as the Odoo configuration file of the run
(ODOO_TEST_CONFIG) names it. No Odoo import.

The session server of conftest.py and the deployment test
(test_system_deploy.py) use these; keep one copy of each here.
"""

import configparser
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
LOOPBACK = "127.0.0.1"


def free_port(host=LOOPBACK):
    with socket.socket() as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def odoo_python():
    return os.environ.get("ODOO_PYTHON") or sys.executable


def tail(path, lines=60):
    try:
        return "".join(Path(path).read_text(errors="replace").splitlines(True)[-lines:])
    except OSError:
        return ""


# ----------------------------------------------------------------------
# PostgreSQL, as the Odoo configuration file names it
# ----------------------------------------------------------------------
def config_options(config_path):
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(config_path)
    return dict(parser["options"]) if parser.has_section("options") else {}


def pg_params(config_path):
    """libpq keywords (host, port, user, password) of the configuration."""
    options = config_options(config_path)
    params = {}
    for key in ("host", "port", "user", "password"):
        value = options.get(f"db_{key}")
        if value and value != "False":
            params[key] = value
    return params


def pg_connect(config_path, dbname="postgres"):
    import psycopg2  # Odoo's own dependency

    conn = psycopg2.connect(dbname=dbname, **pg_params(config_path))
    conn.autocommit = True
    return conn


def drop_database(config_path, dbname):
    """Drop the database and its filestore, if they exist."""
    conn = pg_connect(config_path)
    try:
        with conn.cursor() as cr:
            cr.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
    finally:
        conn.close()
    data_dir = config_options(config_path).get("data_dir", "")
    if data_dir and data_dir != "False":
        shutil.rmtree(Path(data_dir) / "filestore" / dbname, ignore_errors=True)


# ----------------------------------------------------------------------
# Server processes
# ----------------------------------------------------------------------
def start_process(command, log_file, env=None, cwd=REPO_ROOT):
    """Start ``command`` with its output in ``log_file`` (an open binary
    file), in a session of its own: stop_process() stops it and everything
    it started (workers, a gevent process, nginx workers)."""
    return subprocess.Popen(
        command,
        stdout=log_file,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        cwd=cwd,
        env=env,
        start_new_session=True,
    )


def stop_process(process, waits=((signal.SIGINT, 15), (signal.SIGTERM, 10))):
    """Stop the process group of ``process``: each signal of ``waits`` in
    turn, waiting that long for the leader to exit, then SIGKILL."""
    if process.poll() is not None:
        _kill_group(process.pid, signal.SIGKILL)  # leftovers of an exited leader
        return
    for sig, wait in (*waits, (signal.SIGKILL, 10)):
        if not _kill_group(process.pid, sig):
            return
        try:
            process.wait(timeout=wait)
            break
        except subprocess.TimeoutExpired:
            continue
    _kill_group(process.pid, signal.SIGKILL)


def _kill_group(pgid, sig):
    try:
        os.killpg(pgid, sig)
        return True
    except ProcessLookupError:
        return False


def health_passes(url, timeout=2):
    """Whether Odoo at ``url`` answers /web/health with status "pass"."""
    try:
        with urllib.request.urlopen(f"{url}/web/health", timeout=timeout) as response:
            body = json.loads(response.read() or b"{}")
            return response.status == 200 and body.get("status") == "pass"
    except (OSError, ValueError):
        return False


def wait_for(process, probe, timeout, what, log_path):
    """Call ``probe()`` until it returns a true value (returned); fail the
    test when ``process`` exits first or ``timeout`` seconds pass."""
    deadline = time.monotonic() + timeout
    while True:
        if process.poll() is not None:
            pytest.fail(
                f"{what}: the process exited with code {process.returncode}:\n"
                f"{tail(log_path)}",
                pytrace=False,
            )
        try:
            value = probe()
        except OSError:
            value = None
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(
                f"{what}: not within {timeout}s:\n{tail(log_path)}", pytrace=False
            )
        time.sleep(0.3)
