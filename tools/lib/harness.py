"""The one harness of everything that runs Odoo from the outside: free
ports of 127.0.0.1, processes in a process group of their own (started,
waited for, stopped as a whole), Odoo servers started through the one
launcher (odoo_bin.py), web sessions and JSON-RPC calls, PostgreSQL as an
Odoo configuration file names it, and a throwaway PostgreSQL cluster.

Used by the system tests (tests/, through pytest's ``pythonpath``), the
reliability suite (tests/reliability/), tools/lib/screenshots.py,
tools/lib/pg_admin.py, tools/lib/odoo_conf.py, tools/lib/postgres.sh (the
``cluster-start`` and ``cluster-stop`` commands below),
tools/update-translations and benchmarks/. Keep one copy of each here. No
Odoo import; psycopg2 and requests (Odoo's own dependencies) are imported
where they are needed.

    harness.py cluster-start DIR   start a throwaway cluster in DIR; print
                                   its PG* variables (NAME=VALUE lines)
    harness.py cluster-stop DIR    stop the cluster in DIR
"""

import configparser
import glob
import itertools
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
LOOPBACK = "127.0.0.1"
# Odoo's command line as a script: in prefork mode the server starts its
# gevent process as ``sys.executable sys.argv[0] gevent``, which
# ``python -m odoo`` cannot be (the gevent process dies and is respawned).
ODOO_BIN = REPO_ROOT / "tools" / "lib" / "odoo_bin.py"
START_TIMEOUT = 120  # seconds for a server to answer /web/health
# stop_process(): these signals in turn, each with its wait, then SIGKILL
STOP_WAITS = ((signal.SIGINT, 15), (signal.SIGTERM, 10))


class NotReady(AssertionError):
    """What was waited for did not come: a timeout, or the process exited."""


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
def odoo_test_config():
    """The Odoo configuration file of a tools/run-tests run."""
    path = os.environ.get("ODOO_TEST_CONFIG")
    if not path or not os.path.isfile(path):
        raise NotReady(
            f"ODOO_TEST_CONFIG={path or ''} names no file: run the tests "
            "through tools/run-tests, or export ODOO_TEST_CONFIG (an Odoo "
            "config file) and ODOO_SYSTEM_DB (a database with "
            "helpdesk_expedite and demo data)"
        )
    return path


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


def pg_connect(config_path=None, dbname="postgres"):
    """An autocommit connection: to the server of ``config_path``, or of
    the PG* variables when it is None."""
    import psycopg2  # Odoo's own dependency

    params = pg_params(config_path) if config_path else {}
    conn = psycopg2.connect(dbname=dbname, **params)
    conn.autocommit = True
    return conn


def drop_db(cr, name):
    from psycopg2 import sql

    cr.execute(
        sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
    )


def copy_db(cr, source, target):
    from psycopg2 import sql

    drop_db(cr, target)
    cr.execute(
        sql.SQL("CREATE DATABASE {} WITH TEMPLATE {}").format(
            sql.Identifier(target), sql.Identifier(source)
        )
    )


def filestore(config_path, dbname):
    data_dir = config_options(config_path).get("data_dir", "")
    if data_dir and data_dir != "False":
        return Path(data_dir) / "filestore" / dbname
    return None


def drop_database(config_path, dbname):
    """Drop the database and its filestore, if they exist."""
    conn = pg_connect(config_path)
    try:
        with conn.cursor() as cr:
            drop_db(cr, dbname)
    finally:
        conn.close()
    store = filestore(config_path, dbname)
    if store:
        shutil.rmtree(store, ignore_errors=True)


def copy_database(config_path, source, target):
    """``target`` as a copy of ``source``, with its filestore; False when
    PostgreSQL refuses (``source`` missing or in use)."""
    import psycopg2

    conn = pg_connect(config_path)
    try:
        with conn.cursor() as cr:
            copy_db(cr, source, target)
    except psycopg2.Error:
        return False
    finally:
        conn.close()
    src, dst = filestore(config_path, source), filestore(config_path, target)
    if src and dst and src.is_dir():
        shutil.copytree(src, dst, dirs_exist_ok=True)
    return True


# ----------------------------------------------------------------------
# A throwaway PostgreSQL cluster
# ----------------------------------------------------------------------
CLUSTER_SETTINGS = {
    "listen_addresses": "''",  # no TCP: the port only names the socket file
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
}


def pg_bin():
    """The directory of initdb and pg_ctl (pg_config's, the newest of
    /usr/lib/postgresql, or PATH's)."""
    candidates = []
    if shutil.which("pg_config"):
        out = subprocess.run(
            ["pg_config", "--bindir"], capture_output=True, text=True, check=False
        )
        candidates.append(out.stdout.strip())
    candidates += sorted(
        glob.glob("/usr/lib/postgresql/*/bin"),
        key=lambda path: (
            int(path.split("/")[-2]) if path.split("/")[-2].isdigit() else 0
        ),
        reverse=True,
    )
    if shutil.which("initdb"):
        candidates.append(os.path.dirname(shutil.which("initdb")))
    for path in candidates:
        if path and all(
            os.access(Path(path, exe), os.X_OK) for exe in ("initdb", "pg_ctl")
        ):
            return path
    raise RuntimeError(
        "no PostgreSQL server binaries (initdb, pg_ctl) found; install them "
        "or set PGHOST/PGPORT/PGUSER/PGPASSWORD"
    )


def pg_os_user():
    """initdb and postgres refuse to run as root: an unprivileged user for
    them (postgres, else odoo-pgtest, created if need be)."""
    for user in ("postgres", "odoo-pgtest"):
        if subprocess.run(["id", "-u", user], capture_output=True).returncode == 0:
            return user
    subprocess.run(
        ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin"]
        + ["odoo-pgtest"],
        check=True,
    )
    return "odoo-pgtest"


class Cluster:
    """A socket-only cluster in ``directory`` (user odoo, trust), run by an
    unprivileged OS user when started as root; ``settings`` add to or
    override CLUSTER_SETTINGS."""

    PORT = 5432

    def __init__(self, directory, settings=None):
        self.dir = str(directory)
        self.data = os.path.join(self.dir, "data")
        self.settings = {**CLUSTER_SETTINGS, **(settings or {})}
        self.port = self.PORT
        self.bin = pg_bin()
        self.prefix = []
        os.makedirs(self.dir, exist_ok=True)
        if os.geteuid() == 0:
            user = pg_os_user()
            shutil.chown(self.dir, user)
            os.chmod(self.dir, 0o700)
            self.prefix = ["runuser", "-u", user, "--"]

    def _run(self, exe, *args, check=True):
        return subprocess.run(
            [*self.prefix, os.path.join(self.bin, exe), *args],
            cwd=self.dir,
            capture_output=True,
            text=True,
            check=check,
        )

    def start(self):
        init = self._run(
            "initdb",
            *("-D", self.data, "-A", "trust", "-U", "odoo", "-E", "UTF8"),
            *("--no-locale", "--no-sync"),
            check=False,
        )
        if init.returncode:
            raise RuntimeError(f"initdb failed:\n{init.stdout}{init.stderr}")
        options = " ".join(f"-c {key}={value}" for key, value in self.settings.items())
        log = os.path.join(self.dir, "server.log")
        started = self._run(
            "pg_ctl",
            *("-D", self.data, "-l", log, "-w", "-t", "60"),
            *("-o", f"-k {self.dir} -p {self.port} {options}", "start"),
            check=False,
        )
        if started.returncode:
            self.stop()
            raise RuntimeError(f"PostgreSQL did not start:\n{tail(log)}")
        return self

    @property
    def env(self):
        return {"PGHOST": self.dir, "PGPORT": str(self.port), "PGUSER": "odoo"}

    def stop(self, remove=False):
        """Fast shutdown, else immediate, else SIGKILL to the postmaster."""
        for mode, wait in (("fast", "60"), ("immediate", "30")):
            stop = ["-D", self.data, "-m", mode, "-w", "-t", wait, "stop"]
            if not self._run("pg_ctl", *stop, check=False).returncode:
                break
        try:
            pid = Path(self.data, "postmaster.pid").read_text().split("\n")[0]
            os.kill(int(pid), signal.SIGKILL)
        except (OSError, ValueError):
            pass
        if remove:
            shutil.rmtree(self.dir, ignore_errors=True)

    def version(self):
        return self._run("postgres", "--version").stdout.strip()


# ----------------------------------------------------------------------
# Processes
# ----------------------------------------------------------------------
def start_process(command, log_file, env=None, cwd=REPO_ROOT):
    """Start ``command`` with its output in ``log_file`` (an open binary
    file), in a session of its own: stop_process() stops it and everything
    it started (workers, a gevent process, nginx workers, a browser's)."""
    return subprocess.Popen(
        command,
        stdout=log_file,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        cwd=cwd,
        env=env,
        start_new_session=True,
    )


def stop_process(process, waits=STOP_WAITS):
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


def serve_in_thread(server):
    """Run a socketserver server (a stand-in) in a daemon thread."""
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True
    )
    thread.start()
    return thread


def stop_serving(server, thread):
    server.shutdown()
    server.server_close()
    thread.join(10)


class StandIn:
    """A socketserver stand-in for the outside world on a fixed port of
    127.0.0.1, served in a thread: ``up()``, and again after ``down()``
    (connections refused meanwhile) on the same port. Subclasses name
    ``server_class`` and ``handler_class``; a handler finds the stand-in
    as ``self.server.stand_in``."""

    server_class = handler_class = None

    def __init__(self, port=None):
        self.port = port or free_port()
        self._server = self._thread = None

    @property
    def running(self):
        return self._server is not None

    def up(self):
        if self._server:
            return
        self._server = self.server_class((LOOPBACK, self.port), self.handler_class)
        self._server.stand_in = self
        self._thread = serve_in_thread(self._server)

    def down(self):
        if not self._server:
            return
        stop_serving(self._server, self._thread)
        self._server = self._thread = None


# ----------------------------------------------------------------------
# Waiting
# ----------------------------------------------------------------------
def wait_until(predicate, timeout, interval=0.25, message="condition"):
    """Poll ``predicate`` until it returns a true value (returned), for at
    most ``timeout`` seconds; NotReady after that."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise NotReady(f"timed out after {timeout}s waiting for {message}")
        time.sleep(interval)


def wait_for(process, probe, timeout, what, log_path, interval=0.3):
    """Call ``probe()`` until it returns a true value (returned), an OSError
    counting as not yet; NotReady, with the tail of ``log_path``, when
    ``process`` exits first or ``timeout`` seconds pass."""

    def ready():
        if process.poll() is not None:
            raise NotReady(
                f"{what}: the process exited with code {process.returncode}:\n"
                f"{tail(log_path)}"
            )
        try:
            return probe()
        except OSError:
            return None

    try:
        return wait_until(ready, timeout, interval, what)
    except NotReady as error:
        if process.poll() is not None:
            raise
        raise NotReady(f"{what}: not within {timeout}s:\n{tail(log_path)}") from error


def health_passes(url, timeout=2):
    """Whether Odoo at ``url`` answers /web/health with status "pass"."""
    try:
        with urllib.request.urlopen(f"{url}/web/health", timeout=timeout) as response:
            body = json.loads(response.read() or b"{}")
            return response.status == 200 and body.get("status") == "pass"
    except (OSError, ValueError):
        return False


# ----------------------------------------------------------------------
# Odoo: the command line, a database installed, a server
# ----------------------------------------------------------------------
def odoo_command(config_path, dbname, *options, workers=0, crons=0, python=None):
    """Odoo through the one launcher, on ``dbname`` alone."""
    return [
        python or odoo_python(),
        str(ODOO_BIN),
        *("-c", str(config_path), "-d", dbname),
        f"--db-filter=^{dbname}$",
        f"--workers={workers}",
        f"--max-cron-threads={crons}",
        *options,
    ]


def install_database(config_path, dbname, addon, log_path, timeout=900):
    """A fresh ``dbname`` with ``addon`` (and demo data) installed; dropped
    again and NotReady when the install fails."""
    drop_database(config_path, dbname)
    with open(log_path, "wb") as log:
        result = subprocess.run(
            odoo_command(
                config_path,
                dbname,
                *("-i", addon, "--stop-after-init", "--log-level=warn"),
            ),
            stdout=log,
            stderr=subprocess.STDOUT,
            timeout=timeout,
            cwd=REPO_ROOT,
            check=False,
        )
    if result.returncode:
        drop_database(config_path, dbname)
        raise NotReady(f"installing {addon} into {dbname} failed:\n{tail(log_path)}")


class OdooProcess:
    """``odoo_bin.py`` serving ``db`` alone on a free port of 127.0.0.1
    (no cron unless ``crons``, threaded unless ``workers``), its output in
    ``log_path``."""

    def __init__(self, config_path, db, log_path, *options, workers=0, crons=0):
        self.config_path, self.db = str(config_path), db
        self.log_path = log_path
        self.options = options
        self.workers, self.crons = workers, crons
        self.port = free_port()
        self.url = f"http://{LOOPBACK}:{self.port}"
        self.process = None
        self._log = None

    def command(self):
        return odoo_command(
            self.config_path,
            self.db,
            f"--http-port={self.port}",
            f"--gevent-port={free_port()}",
            f"--http-interface={LOOPBACK}",
            *self.options,
            workers=self.workers,
            crons=self.crons,
        )

    def start(self, timeout=START_TIMEOUT):
        self._log = open(self.log_path, "ab")  # noqa: SIM115 - closed in stop()
        self.process = start_process(self.command(), self._log)
        wait_for(
            self.process,
            lambda: health_passes(self.url),
            timeout,
            f"Odoo's /web/health ({self.db})",
            self.log_path,
        )
        return self

    def read_log(self):
        try:
            return Path(self.log_path).read_text(errors="replace")
        except OSError:
            return ""

    def stop(self, waits=STOP_WAITS):
        if self.process:
            stop_process(self.process, waits)
        if self._log:
            self._log.close()
            self._log = None


# ----------------------------------------------------------------------
# The web: sessions and JSON-RPC
# ----------------------------------------------------------------------
_ids = itertools.count(1)


class RpcError(RuntimeError):
    """A refused JSON-RPC call: ``args[0]`` is Odoo's error object (or
    {"message": body} when the HTTP status is not 200)."""

    def __init__(self, status, error):
        self.status = status
        self.error = error or {}
        data = self.error.get("data") or {}
        self.name = data.get("name") or ""
        self.message = data.get("message") or self.error.get("message") or ""
        super().__init__(self.error)

    def __str__(self):
        return f"{self.status} {self.name}: {self.message[:300]}"


def jsonrpc_payload(service, method, *args):
    return {
        "jsonrpc": "2.0",
        "method": "call",
        "params": {"service": service, "method": method, "args": list(args)},
        "id": next(_ids),
    }


def jsonrpc(url, service, method, *args, session=None, timeout=60):
    """Call /jsonrpc; the result, or RpcError. The body is Python's JSON:
    NaN and Infinity go as they are, as an attacker may send them."""
    import requests

    response = (session or requests).post(
        f"{url}/jsonrpc",
        data=json.dumps(jsonrpc_payload(service, method, *args)).encode(),
        headers={"Content-Type": "application/json"},
        timeout=timeout,
    )
    if response.status_code != 200:
        raise RpcError(response.status_code, {"message": response.text[:500]})
    body = response.json()
    if "error" in body:
        raise RpcError(200, body["error"])
    return body["result"]


def web_session(url, db, login, password, timeout=60):
    """A requests session logged in to the web client as ``login``."""
    import requests

    session = requests.Session()
    response = session.post(
        f"{url}/web/session/authenticate",
        json={
            "jsonrpc": "2.0",
            "method": "call",
            "params": {"db": db, "login": login, "password": password},
        },
        timeout=timeout,
    )
    response.raise_for_status()
    body = response.json()
    if "error" in body or not (body.get("result") or {}).get("uid"):
        session.close()
        raise NotReady(f"cannot log in as {login!r} on {db}: {response.text[:300]}")
    return session


def csrf_token(html):
    """The CSRF token of a page's form (or of its session info), or None."""
    match = re.search(r'name="csrf_token"\s+value="([^"]+)"', html) or re.search(
        r'csrf_token:\s*"([^"]+)"', html
    )
    return match and match.group(1)


class Rpc:
    """JSON-RPC ``execute_kw`` as one user, over one HTTP session."""

    def __init__(self, url, db, login, password, timeout=300):
        import requests

        self.url, self.db = url, db
        self.login, self.password = login, password
        self.timeout = timeout
        self.session = requests.Session()
        self.uid = self.call("common", "authenticate", db, login, password, {})
        if not self.uid:
            raise NotReady(f"cannot log in as {login!r} on {db}")

    def call(self, service, method, *args):
        return jsonrpc(
            self.url, service, method, *args, session=self.session, timeout=self.timeout
        )

    def __call__(self, model, method, *args, **kwargs):
        return self.call(
            "object",
            "execute_kw",
            *(self.db, self.uid, self.password, model, method),
            list(args),
            kwargs,
        )

    def ref(self, xmlid):
        module, name = xmlid.split(".", 1)
        rows = self(
            "ir.model.data",
            "search_read",
            [("module", "=", module), ("name", "=", name)],
            fields=["res_id"],
        )
        if not rows:
            raise NotReady(f"no XML-ID {xmlid} in {self.db}")
        return rows[0]["res_id"]

    def close(self):
        self.session.close()


def main(argv):
    if len(argv) != 2 or argv[0] not in ("cluster-start", "cluster-stop"):
        sys.exit(__doc__)
    command, directory = argv
    try:
        cluster = Cluster(directory)
        if command == "cluster-stop":
            cluster.stop()
            return
        for name, value in cluster.start().env.items():
            print(f"{name}={value}")
    except (RuntimeError, OSError, subprocess.CalledProcessError) as error:
        sys.exit(f"harness.py {command} {directory}: {error}")


if __name__ == "__main__":
    main(sys.argv[1:])
