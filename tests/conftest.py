"""System tests: a real Odoo server over HTTP, XML-RPC and JSON-RPC.

A session fixture starts Odoo (tools/lib/odoo_bin.py, through
tools/lib/harness.py) on a free port of 127.0.0.1 against ``$ODOO_SYSTEM_DB`` (a copy of the test database with
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

import json
import os
import shutil
import tempfile
import urllib.request
import xmlrpc.client
from pathlib import Path

import harness
import pytest

ADDON = "helpdesk_expedite"
ADMIN_LOGIN = ADMIN_PASSWORD = "admin"
INSTALL_TIMEOUT = 600
# the scenario's classes: 53 students in three groups
SCENARIO_GROUPS = [
    ("WEB102-HN", "Hanoi", 20),
    ("DATA101-SG", "Saigon", 18),
    ("MOBILE201-HN", "Hanoi", 15),
]


class OdooServer:
    """Connection details and RPC helpers for the running server."""

    def __init__(self, url, db, log_path):
        self.url = url
        self.db = db
        self.log_path = log_path
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
    @staticmethod
    def jsonrpc_payload(service, method, *args):
        return harness.jsonrpc_payload(service, method, *args)

    def jsonrpc(self, service, method, *args, session=None, timeout=60):
        """Call /jsonrpc; the result, or harness.RpcError (a RuntimeError
        whose first argument is Odoo's error object)."""
        return harness.jsonrpc(
            self.url, service, method, *args, session=session, timeout=timeout
        )

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
        return harness.web_session(self.url, self.db, login, password, timeout=30)

    def pg_connection(self, autocommit=True):
        """A connection of its own to the server's database (close it)."""
        conn = harness.pg_connect(harness.odoo_test_config(), self.db)
        conn.autocommit = autocommit
        return conn

    def sql(self, query, params=()):
        """Run one statement on the server's database, as test setup that
        stands for time passing (not something a user could do)."""
        conn = harness.pg_connect(harness.odoo_test_config(), self.db)
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


def _install_throwaway_db(log_dir):
    """A fresh database with the add-on and demo data (ODOO_SYSTEM_DB unset)."""
    dbname = f"{os.environ.get('ODOO_TEST_DB') or 'expedite_test'}_system"
    harness.install_database(
        harness.odoo_test_config(),
        dbname,
        ADDON,
        Path(log_dir) / "install.log",
        INSTALL_TIMEOUT,
    )
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
    config_path = harness.odoo_test_config()
    log_dir = tempfile.mkdtemp(prefix="expedite-system-")
    dbname = os.environ.get("ODOO_SYSTEM_DB")
    throwaway = not dbname
    if throwaway:
        dbname = _install_throwaway_db(log_dir)
    process = harness.OdooProcess(
        config_path, dbname, Path(log_dir) / "server.log", "--log-level=info"
    )
    try:
        process.start()
        yield OdooServer(process.url, dbname, process.log_path)
    finally:
        process.stop()
        if throwaway:
            harness.drop_database(config_path, dbname)
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
