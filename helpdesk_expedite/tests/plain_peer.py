"""Plain helpdesk_mgmt, in a database of its own, measured in the same test.

Query budgets pin what the add-on adds to an operation, not Odoo's own
count, which changes from one 18.0 build to the next (the nightly of
2025-09-25 spends two more queries than that of 2024-10-02 on every new
ticket). The peer is the same operation on a database where only
helpdesk_mgmt (with demo data, like the add-on's test database) is
installed, run in this process through its own registry and rolled back.

The peer database is ``<test database>_plain_peer``. It is installed on
first use by a child ``odoo -i helpdesk_mgmt`` with this process's
configuration (about half a minute), and reinstalled when it was made by
another Odoo build; tools/run-tests drops it with the test databases.
"""

import os
import subprocess
import sys
import tempfile
from contextlib import contextmanager
from unittest.mock import patch

import odoo
from odoo import SUPERUSER_ID, api, release, sql_db
from odoo.modules.registry import Registry
from odoo.tools import SQL, config

PEER_SUFFIX = "_plain_peer"
BUILD_KEY = "helpdesk_expedite_tests.plain_peer_build"
INSTALL_TIMEOUT = 600  # seconds


def peer_database_name(dbname):
    return dbname + PEER_SUFFIX


@contextmanager
def peer_env(dbname):
    """A superuser environment on the plain peer of database ``dbname``;
    everything done in it is rolled back."""
    peer = peer_database_name(dbname)
    if _peer_build(peer) != release.version:
        _install_peer(peer)
    # loading a registry with tests enabled runs its modules' at_install
    # tests: the peer's are helpdesk_mgmt's, not ours
    with patch.dict(config.options, {"test_enable": False}):
        registry = Registry(peer)
    try:
        with registry.cursor() as cr:
            try:
                yield api.Environment(cr, SUPERUSER_ID, {"tracking_disable": False})
            finally:
                cr.rollback()
    finally:
        # Odoo's runner reports on every registry loaded in the process, and
        # this one ran no tests (it has no report): unload it
        Registry.delete(peer)


def count_queries(env, operation):
    """Queries of ``operation(env)`` once it has run a first time (warm
    caches, as in a running server), the last flush included."""
    operation(env)
    env.flush_all()
    env.invalidate_all()
    before = env.cr.sql_log_count
    operation(env)
    env.flush_all()
    return env.cr.sql_log_count - before


def _peer_build(peer):
    """The Odoo build that installed ``peer``, or None when it is missing
    or unfinished."""
    with sql_db.db_connect("postgres").cursor() as cr:
        cr.execute("SELECT 1 FROM pg_database WHERE datname = %s", [peer])
        if not cr.fetchone():
            return None
    with sql_db.db_connect(peer).cursor() as cr:
        cr.execute("SELECT value FROM ir_config_parameter WHERE key = %s", [BUILD_KEY])
        row = cr.fetchone()
    return row and row[0]


def _install_peer(peer):
    Registry.delete(peer)
    sql_db.close_db(peer)
    with sql_db.db_connect("postgres").cursor() as cr:
        cr._cnx.autocommit = True
        cr.execute(SQL("DROP DATABASE IF EXISTS %s", SQL.identifier(peer)))
    with tempfile.NamedTemporaryFile("w+", suffix=".log") as log:
        done = subprocess.run(
            _install_command(peer),
            stdout=log,
            stderr=subprocess.STDOUT,
            timeout=INSTALL_TIMEOUT,
            check=False,
            env={**os.environ, "PYTHONPATH": _odoo_pythonpath()},
        )
        if done.returncode:
            log.seek(0)
            raise RuntimeError(
                f"installing helpdesk_mgmt into {peer} failed:\n{log.read()[-3000:]}"
            )
    with sql_db.db_connect(peer).cursor() as cr:
        cr.execute(
            "INSERT INTO ir_config_parameter (key, value) VALUES (%s, %s)",
            [BUILD_KEY, release.version],
        )


def _install_command(peer):
    command = [sys.executable, "-m", "odoo"]
    if config.rcfile and os.path.isfile(config.rcfile):
        command += ["-c", config.rcfile]
    for option in ("db_host", "db_port", "db_user", "db_password"):
        value = config[option]
        if value:
            command.append(f"--{option}={value}")
    return command + [
        f"--addons-path={config['addons_path']}",
        f"--data-dir={config['data_dir']}",
        "-d",
        peer,
        f"--db-filter=^{peer}$",
        "-i",
        "helpdesk_mgmt",
        "--without-demo=",
        "--no-http",
        "--max-cron-threads=0",
        "--stop-after-init",
        "--log-level=warn",
    ]


def _odoo_pythonpath():
    """Where this process found Odoo, for the child to find the same."""
    root = os.path.dirname(os.path.dirname(odoo.__file__))
    return os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")]))
