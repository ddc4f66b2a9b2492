"""System tests: a real Odoo server over HTTP, XML-RPC and JSON-RPC.

A session fixture starts ``$ODOO_PYTHON -m odoo`` on a free port of
127.0.0.1 against ``$ODOO_SYSTEM_DB`` (a copy of the test database with
helpdesk_expedite and demo data, made by tools/run-tests before pytest
starts), waits for ``/web/health`` and stops the server at the end.

Environment:
  ODOO_TEST_CONFIG  Odoo configuration file (database connection, addons path)
  ODOO_SYSTEM_DB    database the server uses; when unset, a throwaway one,
                    "${ODOO_TEST_DB:-expedite_test}_system", is installed
                    here (helpdesk_expedite with demo data) and dropped at
                    the end
  ODOO_PYTHON       python that imports Odoo 18.0 (default: this python)

These are plain pytest tests (no Odoo import): they also run in the same
pytest session as the add-on's pytest-odoo tests.
"""

import itertools
import json
import os
import shutil
import subprocess
import tempfile
import urllib.error
import urllib.request
import xmlrpc.client
from pathlib import Path

import pytest
from harness import (
    REPO_ROOT,
    drop_database,
    free_port,
    health_passes,
    odoo_python,
    pg_connect,
    start_process,
    stop_process,
    tail,
    wait_for,
)

ADDON = "helpdesk_expedite"
ADMIN_LOGIN = ADMIN_PASSWORD = "admin"
START_TIMEOUT = 120  # seconds for the server to answer /web/health
INSTALL_TIMEOUT = 600
# the scenario's classes: 53 students in three groups
SCENARIO_GROUPS = [
    ("WEB102-HN", "Hanoi", 20),
    ("DATA101-SG", "Saigon", 18),
    ("MOBILE201-HN", "Hanoi", 15),
]


def _config_path():
    path = os.environ.get("ODOO_TEST_CONFIG")
    if not path:
        pytest.fail(
            "ODOO_TEST_CONFIG is not set: run the system tests through "
            "tools/run-tests, or export ODOO_TEST_CONFIG (an Odoo config file) "
            "and ODOO_SYSTEM_DB (a database with helpdesk_expedite + demo data)",
            pytrace=False,
        )
    if not os.path.isfile(path):
        pytest.fail(f"ODOO_TEST_CONFIG={path}: no such file", pytrace=False)
    return path


class OdooServer:
    """Connection details and RPC helpers for the running server."""

    def __init__(self, url, db, log_path):
        self.url = url
        self.db = db
        self.log_path = log_path
        self._ids = itertools.count(1)
        self._uids = {}

    # -- XML-RPC -------------------------------------------------------
    def xmlrpc(self, service):
        return xmlrpc.client.ServerProxy(
            f"{self.url}/xmlrpc/2/{service}", allow_none=True
        )

    def login(self, login=ADMIN_LOGIN, password=ADMIN_PASSWORD):
        key = (login, password)
        if key not in self._uids:
            uid = self.xmlrpc("common").authenticate(self.db, login, password, {})
            assert uid, f"cannot log in as {login!r} on {self.db}"
            self._uids[key] = uid
        return self._uids[key]

    def execute(
        self, model, method, *args, login=ADMIN_LOGIN, password=ADMIN_PASSWORD, **kwargs
    ):
        """execute_kw over XML-RPC (raises xmlrpc.client.Fault)."""
        uid = self.login(login, password)
        return self.xmlrpc("object").execute_kw(
            self.db, uid, password, model, method, list(args), kwargs
        )

    # -- JSON-RPC ------------------------------------------------------
    def jsonrpc_payload(self, service, method, *args):
        return {
            "jsonrpc": "2.0",
            "method": "call",
            "params": {"service": service, "method": method, "args": list(args)},
            "id": next(self._ids),
        }

    def jsonrpc(self, service, method, *args, session=None, timeout=60):
        """Call /jsonrpc; return the result or raise RuntimeError(error)."""
        import requests

        poster = session or requests
        response = poster.post(
            f"{self.url}/jsonrpc",
            json=self.jsonrpc_payload(service, method, *args),
            timeout=timeout,
        )
        response.raise_for_status()
        body = response.json()
        if "error" in body:
            raise RuntimeError(body["error"])
        return body["result"]

    def json_execute(self, model, method, *args, session=None, **kwargs):
        uid = self.login()
        return self.jsonrpc(
            "object",
            "execute_kw",
            self.db,
            uid,
            ADMIN_PASSWORD,
            model,
            method,
            list(args),
            kwargs,
            session=session,
        )

    def ref(self, xmlid):
        module, name = xmlid.split(".", 1)
        rows = self.execute(
            "ir.model.data",
            "search_read",
            [("module", "=", module), ("name", "=", name)],
            fields=["model", "res_id"],
        )
        return (rows[0]["model"], rows[0]["res_id"]) if rows else (None, None)

    def ref_id(self, xmlid):
        model, res_id = self.ref(xmlid)
        assert res_id, f"XML-ID {xmlid} not found"
        return res_id

    # -- incident steps over RPC ----------------------------------------
    def create_incident(self, refs, name, **extra):
        """The scenario's Expedite ticket (53 students, executives), created
        over JSON-RPC; ``extra`` overrides its values. Returns its id."""
        vals = {
            "name": name,
            "description": "<p>Students cannot submit their final exams.</p>",
            "team_id": refs["team"],
            "user_id": refs["agent"],
            "partner_id": refs["customer"],
            "affected_service": "Exam submission service",
            "error_message": "System error – please contact administrator",
            "failure_rate": 100.0,
            "critical_activity_blocked": True,
            "executive_partner_ids": [(6, 0, [refs["executive"]])],
            "business_impact": "Final exams blocked",
            "monitoring_window": 1,
            "impact_line_ids": [
                (0, 0, {"name": group, "location": location, "affected_users": users})
                for group, location, users in SCENARIO_GROUPS
            ],
            **extra,
        }
        return self.json_execute("helpdesk.ticket", "create", vals)

    def resolve(self, ticket_id, root_cause="Deployment", summary="Rollback"):
        """Write the root cause and resolution, then mark the ticket resolved."""
        self.execute(
            "helpdesk.ticket",
            "write",
            [ticket_id],
            {"root_cause": root_cause, "resolution_summary": summary},
        )
        self.execute("helpdesk.ticket", "action_mark_resolved", [ticket_id])

    def log_check(self, ticket_id, rate=100.0, timeouts=0, recurrence=False, note=None):
        """action_log_monitoring with positional arguments, as RPC callers send them."""
        self.execute(
            "helpdesk.ticket",
            "action_log_monitoring",
            [ticket_id],
            rate,
            timeouts,
            not recurrence,  # manual_test_ok
            recurrence,
            note,
        )

    def web_session(self, login, password):
        """A requests session logged in to the web client as ``login``."""
        import requests

        session = requests.Session()
        response = session.post(
            f"{self.url}/web/session/authenticate",
            json={
                "jsonrpc": "2.0",
                "method": "call",
                "params": {"db": self.db, "login": login, "password": password},
            },
            timeout=30,
        )
        response.raise_for_status()
        result = response.json()
        assert "error" not in result, result
        assert result["result"]["uid"], result
        return session

    def pg_connection(self, autocommit=True):
        """A connection of its own to the server's database (close it)."""
        conn = pg_connect(_config_path(), self.db)
        conn.autocommit = autocommit
        return conn

    def sql(self, query, params=()):
        """Run one statement on the server's database, as test setup that
        stands for time passing (not something a user could do)."""
        conn = pg_connect(_config_path(), self.db)
        try:
            with conn.cursor() as cr:
                cr.execute(query, params)
        finally:
            conn.close()

    def health(self, timeout=5):
        with urllib.request.urlopen(
            f"{self.url}/web/health", timeout=timeout
        ) as response:
            return response.status, json.loads(response.read() or b"{}")


def _odoo_command(python, config_path, dbname, *options):
    """An Odoo command on ``dbname`` alone, without workers or crons."""
    return [
        python,
        "-m",
        "odoo",
        "-c",
        config_path,
        "-d",
        dbname,
        f"--db-filter=^{dbname}$",
        "--workers=0",
        "--max-cron-threads=0",
        *options,
    ]


def _install_throwaway_db(python, config_path, log_dir):
    """A fresh database with the add-on and demo data (ODOO_SYSTEM_DB unset)."""
    dbname = f"{os.environ.get('ODOO_TEST_DB') or 'expedite_test'}_system"
    drop_database(config_path, dbname)
    log_path = Path(log_dir) / "install.log"
    with open(log_path, "wb") as log:
        result = subprocess.run(
            _odoo_command(
                python,
                config_path,
                dbname,
                "-i",
                ADDON,
                "--stop-after-init",
                "--log-level=warn",
            ),
            stdout=log,
            stderr=subprocess.STDOUT,
            timeout=INSTALL_TIMEOUT,
            cwd=REPO_ROOT,
            check=False,
        )
    if result.returncode:
        drop_database(config_path, dbname)
        pytest.fail(f"installing {ADDON} into {dbname} failed:\n{tail(log_path)}")
    return dbname


# pytest-odoo's autouse session fixtures load an in-process registry (and an
# HTTP server) for the add-on's tests. These tests talk to their own server
# process instead: override them here, so that the system tests run with or
# without the --odoo-* options, alone or next to the add-on's tests.
@pytest.fixture(scope="session", autouse=True)
def load_registry():
    yield


@pytest.fixture(scope="session", autouse=True)
def load_http():
    yield


@pytest.fixture(scope="session")
def odoo_server():
    config_path = _config_path()
    python = odoo_python()
    log_dir = tempfile.mkdtemp(prefix="expedite-system-")
    dbname = os.environ.get("ODOO_SYSTEM_DB")
    throwaway = not dbname
    if throwaway:
        dbname = _install_throwaway_db(python, config_path, log_dir)
    port = free_port()
    log_path = Path(log_dir) / "server.log"
    log = open(log_path, "wb")  # noqa: SIM115 - closed in the finally below
    command = _odoo_command(
        python,
        config_path,
        dbname,
        f"--http-port={port}",
        f"--gevent-port={free_port()}",
        "--http-interface=127.0.0.1",
        "--log-level=info",
    )
    process = start_process(command, log)
    server = OdooServer(f"http://127.0.0.1:{port}", dbname, log_path)
    try:
        wait_for(
            process,
            lambda: health_passes(server.url),
            START_TIMEOUT,
            "Odoo's /web/health",
            log_path,
        )
        yield server
    finally:
        stop_process(process)
        log.close()
        if throwaway:
            drop_database(config_path, dbname)
        if not os.environ.get("KEEP_SYSTEM_LOGS"):
            shutil.rmtree(log_dir, ignore_errors=True)


@pytest.fixture(scope="session")
def refs(odoo_server):
    """Ids of the demo's team, people, escalation target and stages."""
    ref = odoo_server.ref_id
    return {
        "team": ref("helpdesk_expedite.team_technical_support"),
        "agent": ref("helpdesk_expedite.user_trung"),
        "customer": ref("helpdesk_expedite.partner_campus_contact"),
        "executive": ref("helpdesk_expedite.partner_campus_executive"),
        "dev_team": ref("helpdesk_expedite.escalation_target_dev_team"),
        "new": ref("helpdesk_mgmt.helpdesk_ticket_stage_new"),
        "in_progress": ref("helpdesk_mgmt.helpdesk_ticket_stage_in_progress"),
        "done": ref("helpdesk_mgmt.helpdesk_ticket_stage_done"),
        "monitoring": ref("helpdesk_expedite.helpdesk_ticket_stage_monitoring"),
        "portal_group": ref("base.group_portal"),
    }


@pytest.fixture(scope="session")
def admin_uid(odoo_server):
    return odoo_server.login()
