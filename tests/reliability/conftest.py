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

import itertools
import os
import shutil
import tempfile
import time
from pathlib import Path

import harness
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


class Reliability:
    """What the cases share: the server, the stand-ins, admin RPC, SQL."""

    def __init__(self, server, smtp, teams, config_path, admin):
        self.server, self.smtp, self.teams = server, smtp, teams
        self.config_path = config_path
        self.admin = admin
        self.db = server.db
        self.url = server.url
        self._sql = None

    # -- SQL from the outside (observing, locking, moving time) -----------
    def sql(self, query, params=None):
        if self._sql is None or self._sql.closed:
            self._sql = harness.pg_connect(self.config_path, self.db)
        with self._sql.cursor() as cr:
            cr.execute(query, params)
            return cr.fetchall() if cr.description else None

    def connect(self):
        """A connection of its own (autocommit), e.g. to hold a lock."""
        return harness.pg_connect(self.config_path, self.db)

    def trigger_cron(self, *cron_ids):
        """What ``ir.cron._trigger()`` does: a trigger row and a NOTIFY."""
        for cron_id in cron_ids:
            self.sql(
                "INSERT INTO ir_cron_trigger (cron_id, call_at) "
                "VALUES (%s, now() AT TIME ZONE 'UTC')",
                (cron_id,),
            )
        # Cron workers LISTEN on the "postgres" database, as Odoo notifies.
        conn = harness.pg_connect(self.config_path)
        try:
            with conn.cursor() as cr:
                cr.execute("SELECT pg_notify('cron_trigger', %s)", (self.db,))
        finally:
            conn.close()

    def rpc(self, login, password):
        return harness.Rpc(self.url, self.db, login, password)

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
            except harness.RpcError as error:
                if "currently being executed" not in error.message:
                    raise
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.5)

    def cron_states(self):
        return self.sql("SELECT id, active, failure_count FROM ir_cron ORDER BY id")


@pytest.fixture(scope="session")
def rel(tmp_path_factory):
    config_path = harness.odoo_test_config()
    log_dir = tempfile.mkdtemp(prefix="expedite-reliability-")
    given = os.environ.get("ODOO_RELIABILITY_DB")
    dbname = given or f"{os.environ.get('ODOO_TEST_DB') or 'expedite_test'}_reliability"
    if not given:
        source = os.environ.get("ODOO_SYSTEM_DB")
        if not (source and harness.copy_database(config_path, source, dbname)):
            harness.install_database(
                config_path, dbname, ADDON, Path(log_dir) / "install.log"
            )
    smtp = relkit.SmtpSink()
    teams = relkit.TeamsStandIn()
    server = relkit.PreforkServer(
        config_path, dbname, Path(log_dir) / "server.log", smtp.port
    )
    admin = None
    try:
        smtp.up()
        teams.up()
        server.start()
        admin = harness.Rpc(server.url, dbname, "admin", "admin")
        admin(
            "ir.config_parameter",
            "set_param",
            "helpdesk_expedite.webhook_allowed_hosts",
            "127.0.0.1,localhost",
        )
        admin(
            "ir.config_parameter", "set_param", "helpdesk_expedite.teams_timeout", "2,3"
        )
        env = Reliability(server, smtp, teams, config_path, admin)
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
            harness.drop_database(config_path, dbname)
