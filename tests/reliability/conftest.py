"""Fixtures of the reliability suite: a prefork Odoo server and stand-ins.

One server for the whole suite, in prefork mode (2 HTTP workers, 2 cron
workers) on 127.0.0.1, on its own database, with real local stand-ins for
the outside world: an SMTP sink (``--smtp`` points at it) and a Teams-like
HTTP endpoint (an escalation target posts to it; its host is listed in
``helpdesk_expedite.webhook_allowed_hosts``).

Scale: the default run is a fast subset for CI; ``RELIABILITY=full`` runs
every case at the size the issue asks for (see README, "Reliability").

Database: ``$ODOO_RELIABILITY_DB`` when set (tools/run-tests makes it, a
fresh copy of the installed test database), else a copy of
``$ODOO_SYSTEM_DB`` or, failing that, a fresh install; dropped at the end.
"""

import configparser
import itertools
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import pytest
import relkit

ADDON = "helpdesk_expedite"
_NAMES = itertools.count(1001)


def pytest_terminal_summary(terminalreporter):
    if not relkit.FIGURES:
        return
    terminalreporter.section(
        f"reliability figures ({'full' if relkit.FULL else 'fast CI subset'})"
    )
    for case, figure, value in relkit.FIGURES:
        terminalreporter.write_line(f"{case:<28} {figure:<48} {value}")


def _config():
    path = os.environ.get("ODOO_TEST_CONFIG")
    if not path or not os.path.isfile(path):
        pytest.fail(
            "ODOO_TEST_CONFIG is not set: run the reliability suite through "
            "tools/run-tests",
            pytrace=False,
        )
    parser = configparser.ConfigParser()
    parser.read(path)
    return path, dict(parser["options"]) if parser.has_section("options") else {}


def pg_connect(options, dbname="postgres"):
    import psycopg2

    params = {"dbname": dbname}
    for key in ("host", "port", "user", "password"):
        value = options.get(f"db_{key}")
        if value and value != "False":
            params[key] = value
    conn = psycopg2.connect(**params)
    conn.autocommit = True
    return conn


def _filestore(options, dbname):
    data_dir = options.get("data_dir")
    if data_dir and data_dir != "False":
        return Path(data_dir) / "filestore" / dbname
    return None


def _drop(options, dbname):
    conn = pg_connect(options)
    try:
        with conn.cursor() as cr:
            cr.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
    finally:
        conn.close()
    store = _filestore(options, dbname)
    if store:
        shutil.rmtree(store, ignore_errors=True)


def _copy(options, source, target):
    import psycopg2

    conn = pg_connect(options)
    try:
        with conn.cursor() as cr:
            cr.execute(f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)')
            cr.execute(f'CREATE DATABASE "{target}" WITH TEMPLATE "{source}"')
    except psycopg2.Error:
        return False
    finally:
        conn.close()
    src, dst = _filestore(options, source), _filestore(options, target)
    if src and dst and src.is_dir():
        shutil.copytree(src, dst, dirs_exist_ok=True)
    return True


def _install(python, config_path, options, dbname, log_dir):
    import subprocess

    _drop(options, dbname)
    log_path = Path(log_dir) / "install.log"
    with open(log_path, "wb") as log:
        result = subprocess.run(
            [
                python,
                "-m",
                "odoo",
                "-c",
                config_path,
                "-d",
                dbname,
                "-i",
                ADDON,
                "--stop-after-init",
                "--workers=0",
                "--max-cron-threads=0",
                "--log-level=warn",
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            timeout=900,
            check=False,
        )
    if result.returncode:
        pytest.fail(f"installing {ADDON} into {dbname} failed", pytrace=False)


class Reliability:
    """What the cases share: the server, the stand-ins, admin RPC, SQL."""

    def __init__(self, server, smtp, teams, options, admin):
        self.server, self.smtp, self.teams = server, smtp, teams
        self.options = options
        self.admin = admin
        self.db = server.db
        self.url = server.url
        self._sql = None

    # -- SQL from the outside (observing, locking, moving time) -----------
    def sql(self, query, params=None):
        if self._sql is None or self._sql.closed:
            self._sql = pg_connect(self.options, self.db)
        with self._sql.cursor() as cr:
            cr.execute(query, params)
            return cr.fetchall() if cr.description else None

    def connect(self):
        """A connection of its own (autocommit), e.g. to hold a lock."""
        return pg_connect(self.options, self.db)

    def trigger_cron(self, *cron_ids):
        """What ``ir.cron._trigger()`` does: a trigger row and a NOTIFY."""
        for cron_id in cron_ids:
            self.sql(
                "INSERT INTO ir_cron_trigger (cron_id, call_at) "
                "VALUES (%s, now() AT TIME ZONE 'UTC')",
                (cron_id,),
            )
        # Cron workers LISTEN on the "postgres" database, as Odoo notifies.
        conn = pg_connect(self.options)
        try:
            with conn.cursor() as cr:
                cr.execute("SELECT pg_notify('cron_trigger', %s)", (self.db,))
        finally:
            conn.close()

    def rpc(self, login, password):
        return relkit.Rpc(self.url, self.db, login, password)

    def new_user(self, login, groups, company_ids=None, **extra):
        vals = {
            "name": login.replace("_", " ").title(),
            "login": login,
            "password": login + "-pw-4711",
            "groups_id": [(6, 0, [self.admin.ref(xmlid) for xmlid in groups])],
            **extra,
        }
        if company_ids:
            vals["company_ids"] = [(6, 0, company_ids)]
            vals["company_id"] = company_ids[0]
        user_id = self.admin("res.users", "create", vals)
        return user_id, vals["password"]

    def create_incidents(self, count, partner_id=False, users=30, **extra):
        """``count`` Expedite tickets (more than 25 affected users), created
        in one call; names are unique keys the Teams stand-in recognises."""
        names = [f"RELK{next(_NAMES)}X" for _i in range(count)]
        vals = [
            {
                "name": name,
                "description": f"<p>Reliability suite incident {name}</p>",
                "team_id": self.team_id,
                "partner_id": partner_id[index]
                if isinstance(partner_id, list)
                else partner_id,
                "impact_line_ids": [(0, 0, {"name": "G1", "affected_users": users})],
                **extra,
            }
            for index, name in enumerate(names)
        ]
        ids = []
        for start in range(0, count, 200):  # bounded requests
            ids += self.admin("helpdesk.ticket", "create", vals[start : start + 200])
        return dict(zip(ids, names, strict=True))

    def set_crons(self, cron_ids, active):
        """Activate or pause crons; a cron that is running refuses changes
        for a moment, so try again (bounded)."""
        deadline = time.monotonic() + 120
        while True:
            try:
                return self.admin(
                    "ir.cron", "write", list(cron_ids), {"active": active}
                )
            except relkit.RpcError as error:
                if "currently being executed" not in error.message:
                    raise
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.5)

    def cron_states(self):
        return self.sql("SELECT id, active, failure_count FROM ir_cron ORDER BY id")


@pytest.fixture(scope="session")
def rel(tmp_path_factory):
    config_path, options = _config()
    python = os.environ.get("ODOO_PYTHON") or sys.executable
    log_dir = tempfile.mkdtemp(prefix="expedite-reliability-")
    given = os.environ.get("ODOO_RELIABILITY_DB")
    dbname = given or f"{os.environ.get('ODOO_TEST_DB') or 'expedite_test'}_reliability"
    if not given:
        source = os.environ.get("ODOO_SYSTEM_DB")
        if not (source and _copy(options, source, dbname)):
            _install(python, config_path, options, dbname, log_dir)
    smtp = relkit.SmtpSink()
    teams = relkit.TeamsStandIn()
    server = relkit.PreforkServer(
        python, config_path, dbname, Path(log_dir) / "server.log", smtp.port
    )
    admin = None
    try:
        smtp.up()
        teams.up()
        server.start()
        admin = relkit.Rpc(server.url, dbname, "admin", "admin")
        admin(
            "ir.config_parameter",
            "set_param",
            "helpdesk_expedite.webhook_allowed_hosts",
            "127.0.0.1,localhost",
        )
        admin(
            "ir.config_parameter", "set_param", "helpdesk_expedite.teams_timeout", "2,3"
        )
        env = Reliability(server, smtp, teams, options, admin)
        env.team_id = admin.ref("helpdesk_expedite.team_technical_support")
        env.target_id = admin(
            "helpdesk.escalation.target",
            "create",
            {
                "name": "Dev Team (stand-in)",
                "channel": "teams",
                "teams_webhook_url": teams.url,
                "sequence": 1,
            },
        )
        env.watchdog_id = admin.ref("helpdesk_expedite.ir_cron_update_watchdog")
        env.delivery_id = admin.ref("helpdesk_expedite.ir_cron_escalation_delivery")
        env.mail_cron_id = admin.ref("mail.ir_cron_mail_scheduler_action")
        yield env
    finally:
        if admin:
            admin.close()
        server.stop()
        teams.down()
        smtp.down()
        if os.environ.get("KEEP_SYSTEM_LOGS"):
            print(f"reliability server log kept in {log_dir}")
        else:
            shutil.rmtree(log_dir, ignore_errors=True)
        if not given:
            _drop(options, dbname)
