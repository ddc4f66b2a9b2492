"""The compose stack as a university puts it on a server, without Docker:
tools/docker-serve in the production profile (first install into a fresh
database, generated master and admin passwords, prefork workers, the
websocket on the gevent port, proxy mode) on 127.0.0.1, behind Debian's
nginx running the stack's own proxy configuration (deploy/nginx, the files
the compose "proxy" service mounts; tools/lib/nginx_site.py writes the
loopback site around them).

Checked over HTTP: pages through the proxy, compressed; the websocket
upgrade reaching the gevent port; the database manager and backups refused
at the proxy and at Odoo; the forwarded client address reaching Odoo's rate
limits (and a client unable to choose it); a restart of Odoo behind the
proxy; backup and restore. The cache policy of the public status pages is
checked against a stand-in upstream (the status routes come with issue 22).

Needs nginx: skipped without it, except under CI (EXPEDITE_REQUIRE_NGINX
or CI set, as .ci/run does), where it fails.
"""

import base64
import hashlib
import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import threading
import time
import xmlrpc.client
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import harness
import nginx_site
import pytest
import requests

DOCKER_SERVE = harness.REPO_ROOT / "tools" / "docker-serve"
INSTALL_TIMEOUT = 900  # first start: install without demo data, then serve
START_TIMEOUT = 120
FEED = "/helpdesk_expedite/monitoring"
ACK = "/helpdesk_expedite/escalation/{}/acknowledge"
FAILED_LIMIT = 20  # refused attempts per client address and minute (both routes)
WINDOW = 60
STRONG_SECRET = "correct-horse-battery-staple-4711"
GENERATED = re.compile(r"master password: generated; .*: (\S+)$", re.M)
ADMIN_GENERATED = re.compile(
    r"admin password of \S+ \(login admin\): generated; .*: (\S+)$", re.M
)


def nginx_binary():
    nginx = nginx_site.find_nginx()
    if nginx:
        return nginx
    if os.environ.get("EXPEDITE_REQUIRE_NGINX") or os.environ.get("CI"):
        pytest.fail("nginx is not installed (apt-get install nginx)", pytrace=False)
    pytest.skip("nginx is not installed (apt-get install nginx; .ci/run does)")
    return None


class Deployment:
    """docker-serve (Odoo) and nginx on 127.0.0.1, in ``folder``."""

    def __init__(self, nginx, folder, db):
        self.nginx = nginx
        self.folder = folder
        self.db = db
        self.config = harness.odoo_test_config()
        self.data_dir = folder / "data"
        self.http_port = harness.free_port()
        self.bus_port = harness.free_port()
        self.proxy_port = harness.free_port()
        self.odoo_url = f"http://{harness.LOOPBACK}:{self.http_port}"
        self.url = f"http://{harness.LOOPBACK}:{self.proxy_port}"
        self.odoo = self.proxy = None
        self.log_path = folder / "docker-serve.log"
        self._logs = []
        self.master_password = self.admin_password = None
        self.served_config = None

    # -- docker-serve -------------------------------------------------
    def environment(self, data_dir=None, **settings):
        """docker-serve's environment: PostgreSQL of the test run, the
        production profile, nothing of this environment's ODOO_*."""
        params = harness.pg_params(self.config)
        env = {k: v for k, v in os.environ.items() if not k.startswith("ODOO_")}
        env.update(
            HOST=params.get("host", "localhost"),
            PORT=params.get("port", "5432"),
            USER=params.get("user", "odoo"),
            PASSWORD=params.get("password", "odoo"),
            ODOO_PYTHON=harness.odoo_python(),
            ODOO_DB=self.db,
            ODOO_PROFILE="production",
            ODOO_DATA_DIR=str(data_dir or self.data_dir),
            ODOO_WORKERS="2",
            ODOO_CRON_THREADS="1",
            TMPDIR=str(self.folder / "tmp"),
        )
        env.update(settings)
        return env

    def run_docker_serve(self, *args, data_dir=None, **settings):
        """docker-serve to its end (extra arguments like --version make
        Odoo stop at once): CompletedProcess with the output as text."""
        return subprocess.run(
            [str(DOCKER_SERVE), *args],
            env=self.environment(data_dir, **settings),
            cwd=self.folder,
            capture_output=True,
            text=True,
            timeout=START_TIMEOUT,
            check=False,
        )

    def serve(self, timeout=START_TIMEOUT):
        """Start docker-serve as the compose service does; wait for Odoo."""
        log = open(self.log_path, "ab")  # noqa: SIM115 - closed in stop_odoo()
        self._logs.append(log)
        start = self.log_path.stat().st_size
        self.odoo = harness.start_process(
            [
                str(DOCKER_SERVE),
                f"--http-interface={harness.LOOPBACK}",
                f"--http-port={self.http_port}",
                f"--gevent-port={self.bus_port}",
            ],
            log,
            env=self.environment(),
            cwd=self.folder,
        )
        harness.wait_for(
            self.odoo,
            lambda: harness.health_passes(self.odoo_url),
            timeout,
            "docker-serve: Odoo's /web/health",
            self.log_path,
        )
        self.served_config = newest_config(self.folder / "tmp")
        return self.log_path.read_text(errors="replace")[start:]

    def stop_odoo(self):
        if self.odoo:
            harness.stop_process(self.odoo)
            self.odoo = None
        while self._logs:
            self._logs.pop().close()

    # -- nginx ----------------------------------------------------------
    def start_proxy(self):
        conf = nginx_site.loopback_site(
            str(self.folder / "nginx"), self.proxy_port, self.http_port, self.bus_port
        )
        log = open(self.folder / "nginx.out", "ab")  # noqa: SIM115 - closed in stop
        self._proxy_log = log
        self.proxy = harness.start_process(
            [self.nginx, "-c", conf], log, cwd=self.folder
        )
        harness.wait_for(
            self.proxy,
            lambda: harness.health_passes(self.url),
            30,
            "nginx in front of Odoo",
            self.folder / "nginx" / "error.log",
        )

    def stop_proxy(self):
        if self.proxy:
            harness.stop_process(self.proxy, waits=((signal.SIGTERM, 10),))
            self.proxy = None
            self._proxy_log.close()

    def log(self):
        return self.log_path.read_text(errors="replace")

    def sql(self, query, params=()):
        conn = harness.pg_connect(self.config, self.db)
        try:
            with conn.cursor() as cr:
                cr.execute(query, params)
                return cr.fetchall() if cr.description else None
        finally:
            conn.close()


@pytest.fixture(scope="module")
def deploy(tmp_path_factory):
    nginx = nginx_binary()
    folder = tmp_path_factory.mktemp("deploy")
    (folder / "tmp").mkdir()
    db = f"{os.environ.get('ODOO_TEST_DB') or 'expedite_test'}_deploy"
    stack = Deployment(nginx, folder, db)
    harness.drop_database(stack.config, db)
    try:
        output = stack.serve(INSTALL_TIMEOUT)
        stack.first_output = output
        master, admin = GENERATED.search(output), ADMIN_GENERATED.search(output)
        assert master and admin, f"no generated passwords printed:\n{output[-3000:]}"
        stack.master_password, stack.admin_password = master.group(1), admin.group(1)
        stack.start_proxy()
        yield stack
    finally:
        stack.stop_proxy()
        stack.stop_odoo()
        harness.drop_database(stack.config, db)
        if os.environ.get("KEEP_SYSTEM_LOGS"):
            print(f"deployment logs kept in {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)


def via(source, url, method, path, body=None, headers=None, timeout=30):
    """One request to ``url`` from the local address ``source`` (any
    127.0.0.0/8 address is this machine): (status, headers, body)."""
    host, port = url.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(
        host, int(port), timeout=timeout, source_address=(source, 0)
    )
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


def inside_one_window(seconds_needed=20):
    """Wait, if need be, so that the next ``seconds_needed`` seconds fall in
    one fixed window of the rate limits (they align to the minute)."""
    left = WINDOW - time.time() % WINDOW
    if left < seconds_needed:
        time.sleep(left + 0.5)


def verify_master_password(conf, *candidates):
    """Odoo's own verdict, from its configuration API, on each candidate
    master password for the configuration file ``conf``."""
    code = (
        "import sys\n"
        "from odoo.tools import config\n"
        "config.parse_config(['-c', sys.argv[1]])\n"
        "print(*(bool(config.verify_admin_password(p)) for p in sys.argv[2:]),\n"
        "      config['list_db'], config['proxy_mode'], config['workers'])\n"
    )
    result = subprocess.run(
        [harness.odoo_python(), "-c", code, conf, *candidates],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return result.stdout.split()


def newest_config(folder):
    """The configuration file docker-serve wrote last under ``folder``."""
    found = sorted(
        Path(folder).glob("docker-serve-*/odoo.conf"), key=lambda p: p.stat().st_mtime
    )
    assert found, f"docker-serve wrote no configuration under {folder}"
    return str(found[-1])


# ----------------------------------------------------------------------
# Configuration of the proxy
# ----------------------------------------------------------------------
def test_nginx_accepts_the_stacks_configuration():
    """nginx -t on deploy/nginx with each site: the compose stack's
    (compose.conf), the scale-out override's and the loopback one."""
    assert nginx_site.check_all(nginx_binary()) == []


# ----------------------------------------------------------------------
# The served stack
# ----------------------------------------------------------------------
def test_production_profile_installs_without_demo_and_serves_prefork(deploy):
    output = deploy.first_output
    assert "installing helpdesk_expedite into" in output
    assert "without demo data (production profile)" in output
    assert "DEMO" not in output
    assert deploy.sql("SELECT demo FROM ir_module_module WHERE name = 'base'") == [
        (False,)
    ]
    # both secrets printed once, kept in the data directory, owner only
    for name in ("master-password", f"admin-password-{deploy.db}"):
        kept = deploy.data_dir / "helpdesk_expedite" / name
        assert kept.stat().st_mode & 0o077 == 0, oct(kept.stat().st_mode)
    assert output.count(deploy.master_password) == 1
    # prefork: HTTP workers, a cron worker, the gevent (websocket) process
    deadline = time.monotonic() + 30
    while True:
        log = deploy.log()
        started = (
            log.count("Worker WorkerHTTP") >= 2
            and "Worker WorkerCron" in log
            and f"running on {harness.LOOPBACK}:{deploy.bus_port}" in log
        )
        if started or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert started, log[-3000:]
    # the generated admin password logs in over the proxy; "admin" does not
    proxy = xmlrpc.client.ServerProxy(f"{deploy.url}/xmlrpc/2/common")
    assert proxy.authenticate(deploy.db, "admin", deploy.admin_password, {})
    assert not proxy.authenticate(deploy.db, "admin", "admin", {})


def test_pages_are_served_through_the_proxy_compressed(deploy):
    response = requests.get(
        f"{deploy.url}/web/login", headers={"Accept-Encoding": "gzip"}, timeout=30
    )
    assert response.status_code == 200
    assert response.headers["Server"] == "nginx"
    assert response.headers.get("Content-Encoding") == "gzip"
    assert "X-Cache-Status" not in response.headers  # never cached
    assert 'name="login"' in response.text
    assert requests.get(f"{deploy.url}/web/health", timeout=10).json() == {
        "status": "pass"
    }


def test_websocket_upgrade_reaches_the_gevent_port(deploy):
    key = base64.b64encode(os.urandom(16)).decode()
    expected = base64.b64encode(
        hashlib.sha1((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").encode()).digest()
    ).decode()

    def handshake(port):
        with socket.create_connection((harness.LOOPBACK, port), timeout=15) as sock:
            sock.sendall(
                (
                    "GET /websocket?version=18.0-5 HTTP/1.1\r\n"
                    f"Host: {harness.LOOPBACK}:{port}\r\n"
                    f"Origin: http://{harness.LOOPBACK}:{port}\r\n"
                    "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                    f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
                ).encode()
            )
            head = b""
            while b"\r\n\r\n" not in head:
                chunk = sock.recv(4096)
                if not chunk:
                    break
                head += chunk
        return head.decode("latin-1")

    head = handshake(deploy.proxy_port)
    assert head.startswith("HTTP/1.1 101"), head
    fields = dict(
        line.split(": ", 1) for line in head.split("\r\n")[1:] if ": " in line
    )
    fields = {name.lower(): value for name, value in fields.items()}
    assert fields["upgrade"].lower() == "websocket", head
    assert fields["sec-websocket-accept"] == expected, head
    # Odoo's HTTP workers cannot upgrade: the proxy is what routes it
    assert not handshake(deploy.http_port).startswith("HTTP/1.1 101")


def test_database_manager_and_backups_are_refused(deploy):
    """Over HTTP, with Odoo's default master password and with the real
    one: refused by the proxy, and by Odoo itself on its own port."""
    refused_paths = [
        ("GET", "/web/database/manager", None),
        ("GET", "/web/database/selector", None),
        ("POST", "/web/database/list", "{}"),
        ("POST", "/xmlrpc/2/db", "<methodCall/>"),
        ("POST", "/xmlrpc/db", "<methodCall/>"),
    ]
    for password in ("admin", deploy.master_password):
        form = f"master_pwd={password}&name={deploy.db}&backup_format=zip"
        refused_paths.append(("POST", "/web/database/backup", form))
        refused_paths.append(("POST", "/web/database/drop", form))
    for method, path, body in refused_paths:
        status, _headers, payload = via(
            harness.LOOPBACK,
            deploy.url,
            method,
            path,
            body,
            {"Content-Type": "application/x-www-form-urlencoded"},
        )
        assert status == 404, (path, status)
        assert not payload.startswith(b"PK")

    # if the proxy were bypassed: Odoo serves no dump either
    for password in ("admin", deploy.master_password):
        response = requests.post(
            f"{deploy.odoo_url}/web/database/backup",
            data={"master_pwd": password, "name": deploy.db, "backup_format": "zip"},
            timeout=60,
        )
        assert not response.content.startswith(b"PK"), password
        assert "attachment" not in response.headers.get("Content-Disposition", "")
        assert "application/zip" not in response.headers.get("Content-Type", "")
        assert "Access Denied" in response.text
    for method, args in (
        ("list", []),
        ("dump", [deploy.master_password, deploy.db, "zip"]),
        ("change_admin_password", ["admin", "hijacked-master-password"]),
    ):
        body = requests.post(
            f"{deploy.odoo_url}/jsonrpc",
            json={
                "jsonrpc": "2.0",
                "method": "call",
                "params": {"service": "db", "method": method, "args": args},
            },
            timeout=60,
        ).json()
        assert "error" in body and "result" not in body, (method, body)
    assert deploy.sql("SELECT 1 FROM pg_database WHERE datname = %s", [deploy.db])


def test_master_password_is_never_admin(deploy, tmp_path):
    """docker-serve with the master password in the variable, in a file,
    and neither (generated): Odoo's configuration verifies the secret and
    never "admin"; "admin" itself is refused before anything starts."""
    secret_file = tmp_path / "master.secret"
    secret_file.write_text(STRONG_SECRET + "\n")
    weak_file = tmp_path / "weak.secret"
    weak_file.write_text("admin\n")

    # refused before anything else: nothing written, nothing served
    for settings in (
        {"ODOO_MASTER_PASSWORD": "admin"},
        {"ODOO_MASTER_PASSWORD_FILE": str(weak_file)},
        {"ODOO_MASTER_PASSWORD": "short"},
        {"ODOO_MASTER_PASSWORD": STRONG_SECRET, "ODOO_ADMIN_PASSWORD": "admin"},
        {
            "ODOO_MASTER_PASSWORD": STRONG_SECRET,
            "ODOO_MASTER_PASSWORD_FILE": str(secret_file),
        },
    ):
        result = deploy.run_docker_serve(
            "--version", data_dir=tmp_path / "refused", **settings
        )
        assert result.returncode == 3, (settings, result.stdout, result.stderr)
        assert "ERROR" in result.stderr, result.stderr
        assert "Odoo Server" not in result.stdout
        assert not (tmp_path / "refused" / "helpdesk_expedite").exists()

    # given: the variable, then the file (a Docker secret)
    for settings in (
        {"ODOO_MASTER_PASSWORD": STRONG_SECRET},
        {"ODOO_MASTER_PASSWORD_FILE": str(secret_file)},
    ):
        result = deploy.run_docker_serve(
            "--version", data_dir=tmp_path / "given", **settings
        )
        assert result.returncode == 0, result.stderr[-3000:]
        assert "Odoo Server 18.0" in result.stdout
        assert STRONG_SECRET not in result.stdout + result.stderr
        verdict = verify_master_password(
            newest_config(deploy.folder / "tmp"), "admin", STRONG_SECRET
        )
        assert verdict == ["False", "True", "False", "True", "2"], settings

    # nothing set: the served stack's, generated on its first start
    assert len(deploy.master_password) >= 24
    verdict = verify_master_password(
        deploy.served_config, "admin", deploy.master_password
    )
    assert verdict == ["False", "True", "False", "True", "2"]


def test_forwarded_client_address_reaches_the_rate_limits(deploy):
    """Odoo counts refused attempts per client address: through the proxy,
    per address of the proxy's client, which a client cannot choose with
    its own X-Forwarded-For."""
    feed = f"{FEED}/2147483000"
    json_headers = {"Content-Type": "application/json", "X-Monitoring-Token": "nope"}

    def feed_from(source, **headers):
        status, answer, _body = via(
            source, deploy.url, "POST", feed, "{}", {**json_headers, **headers}
        )
        return status, answer

    inside_one_window()
    statuses = [feed_from("127.0.0.2")[0] for _i in range(FAILED_LIMIT)]
    assert statuses == [404] * FAILED_LIMIT
    status, answer = feed_from("127.0.0.2")
    assert status == 429 and int(answer["Retry-After"]) > 0
    # another client of the proxy is counted apart
    assert feed_from("127.0.0.3")[0] == 404
    # the limited client cannot escape by naming another address ...
    assert feed_from("127.0.0.2", **{"X-Forwarded-For": "127.0.0.9"})[0] == 429
    # ... nor get someone else limited by naming theirs
    assert feed_from("127.0.0.4", **{"X-Forwarded-For": "127.0.0.2"})[0] == 404
    keys = dict(
        deploy.sql(
            "SELECT key, sum(hits) FROM helpdesk_expedite_throttle "
            "WHERE key LIKE 'feed-failed:%%' GROUP BY key"
        )
    )
    assert keys == {
        "feed-failed:127.0.0.2": FAILED_LIMIT + 2,
        "feed-failed:127.0.0.3": 1,
        "feed-failed:127.0.0.4": 1,
    }

    # the acknowledgement link's 429, the same way
    inside_one_window()
    link = ACK.format(2147483000) + "?token=not-a-token"
    statuses = [
        via("127.0.0.5", deploy.url, "GET", link)[0] for _i in range(FAILED_LIMIT)
    ]
    assert statuses == [400] * FAILED_LIMIT
    status, answer, _body = via("127.0.0.5", deploy.url, "GET", link)
    assert status == 429 and int(answer["Retry-After"]) > 0
    assert via("127.0.0.6", deploy.url, "GET", link)[0] == 400
    spoofed = {"X-Forwarded-For": "127.0.0.7"}
    assert via("127.0.0.5", deploy.url, "GET", link, headers=spoofed)[0] == 429


def test_backup_and_restore(deploy):
    """tools/backup while Odoo serves; tools/restore into another database."""
    archive = deploy.folder / "backup.tar"
    env = deploy.environment()
    result = subprocess.run(
        [str(harness.REPO_ROOT / "tools" / "backup"), str(archive)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    restored = f"{deploy.db}_restored"
    restore_env = {**env, "ODOO_DB": restored}
    restore = [str(harness.REPO_ROOT / "tools" / "restore"), "-"]
    try:
        for extra, expected in (([], 0), ([], 3), (["--replace"], 0)):
            with open(archive, "rb") as stdin:
                result = subprocess.run(
                    [*restore, *extra],
                    env=restore_env,
                    stdin=stdin,
                    capture_output=True,
                    text=True,
                    timeout=300,
                    check=False,
                )
            assert result.returncode == expected, (extra, result.stderr)
        counts = (
            "SELECT (SELECT count(*) FROM ir_attachment WHERE store_fname IS NOT NULL),"
            " (SELECT count(*) FROM res_users),"
            " (SELECT count(*) FROM helpdesk_ticket_stage)"
        )
        original = deploy.sql(counts)
        conn = harness.pg_connect(deploy.config, restored)
        try:
            with conn.cursor() as cr:
                cr.execute(counts)
                assert cr.fetchall() == original
        finally:
            conn.close()
        store = deploy.data_dir / "filestore"

        def stored_files(db):
            # "checklist/" is the bookkeeping of Odoo's filestore garbage
            # collector, which the served database's cron may run meanwhile
            return {
                p.relative_to(store / db)
                for p in (store / db).rglob("*")
                if p.is_file() and p.relative_to(store / db).parts[0] != "checklist"
            }

        files = stored_files(deploy.db)
        assert files and files == stored_files(restored)
    finally:
        harness.drop_database(deploy.config, restored)
        shutil.rmtree(deploy.data_dir / "filestore" / restored, ignore_errors=True)


def test_odoo_restarts_behind_the_proxy(deploy):
    """Odoo stopped for a moment: the proxy answers at once (502), and the
    second start neither reinstalls nor prints the master password again;
    the admin's password, set back to "admin" meanwhile, is replaced. The
    status page's JSON, cached by the proxy before, is still served."""
    status_json = f"{deploy.url}/status/api/v2/status.json"
    fresh = requests.get(status_json, timeout=30)
    assert fresh.status_code == 200 and "Set-Cookie" not in fresh.headers
    assert fresh.json()["status"]["indicator"] == "none"
    cached = requests.get(status_json, timeout=30)
    assert cached.headers["X-Cache-Status"] in ("HIT", "UPDATING", "REVALIDATED")
    deploy.stop_odoo()
    while_down = requests.get(status_json, timeout=30)
    assert while_down.status_code == 200, "served by the proxy while Odoo is down"
    assert while_down.headers["X-Cache-Status"] in ("HIT", "STALE")
    assert while_down.json() == fresh.json()
    deploy.sql("UPDATE res_users SET password = 'admin' WHERE login = 'admin'")
    started = time.monotonic()
    assert requests.get(f"{deploy.url}/web/login", timeout=30).status_code == 502
    assert time.monotonic() - started < 5
    output = deploy.serve()
    assert "is up to date with this checkout" in output
    assert "installing" not in output and "upgrading" not in output
    assert deploy.master_password not in output
    assert "the one generated on the first start" in output
    assert "admin password of" in output and deploy.admin_password not in output
    assert requests.get(f"{deploy.url}/web/login", timeout=30).status_code == 200
    common = xmlrpc.client.ServerProxy(f"{deploy.url}/xmlrpc/2/common")
    assert not common.authenticate(deploy.db, "admin", "admin", {})
    assert common.authenticate(deploy.db, "admin", deploy.admin_password, {})


def test_production_profile_refuses_a_database_with_demo_data(deploy):
    demo_db = os.environ.get("ODOO_SYSTEM_DB") or os.environ.get("ODOO_TEST_DB")
    if not demo_db:
        pytest.fail("ODOO_SYSTEM_DB is not set: run through tools/run-tests")
    result = deploy.run_docker_serve("--version", ODOO_DB=demo_db)
    assert result.returncode == 3, result.stdout + result.stderr
    assert "holds demo data" in result.stderr
    assert "Odoo Server" not in result.stdout


# ----------------------------------------------------------------------
# The status cache, against a stand-in upstream
# ----------------------------------------------------------------------
class StandIn(ThreadingHTTPServer):
    """Answers like Odoo's public status JSON would, and records what the
    proxy forwarded."""

    daemon_threads = True

    def __init__(self):
        super().__init__((harness.LOOPBACK, 0), _StandInHandler)
        self.seen = []  # (method, path, headers)
        self.thread = threading.Thread(target=self.serve_forever, daemon=True)

    def hits(self, path):
        return sum(1 for _m, p, _h in self.seen if p == path)


class _StandInHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"

    def log_message(self, format, *args):  # noqa: A002 - quiet
        pass

    def _answer(self):
        self.server.seen.append((self.command, self.path, dict(self.headers)))
        body = json.dumps(
            {
                "page": {"id": "expedite", "name": "Helpdesk"},
                "status": {"indicator": "none", "description": "All good " * 200},
                "served": len(self.server.seen),
            }
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        if self.path.startswith("/status/api/v2/"):
            self.send_header("Cache-Control", "public, max-age=2")
        if self.path == "/status/with-cookie":
            self.send_header("Set-Cookie", "session_id=fresh; Path=/")
        if self.path.startswith("/web/"):
            self.send_header("Cache-Control", "public, max-age=60")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    do_GET = do_POST = do_HEAD = _answer  # noqa: N815 - http.server's naming


def test_status_responses_are_cached_briefly_and_served_while_upstream_is_down(
    tmp_path,
):
    nginx = nginx_binary()
    upstream = StandIn()
    upstream.thread.start()
    port = harness.free_port()
    conf = nginx_site.loopback_site(
        str(tmp_path / "nginx"), port, upstream.server_port, upstream.server_port
    )
    with open(tmp_path / "nginx.out", "wb") as log:
        proxy = harness.start_process([nginx, "-c", conf], log, cwd=tmp_path)
        try:
            url = f"http://{harness.LOOPBACK}:{port}"
            status_json = "/status/api/v2/status.json"
            harness.wait_for(
                proxy,
                lambda: requests.get(url + "/web/ready", timeout=2).ok,
                30,
                "nginx",
                tmp_path / "nginx" / "error.log",
            )
            gzip = {"Accept-Encoding": "gzip"}
            first = requests.get(url + status_json, headers=gzip, timeout=10)
            second = requests.get(url + status_json, headers=gzip, timeout=10)
            assert first.headers["X-Cache-Status"] == "MISS"
            assert second.headers["X-Cache-Status"] == "HIT"
            assert second.json() == first.json()
            assert second.headers["Content-Encoding"] == "gzip"
            assert upstream.hits(status_json) == 1
            # stored uncompressed; forwarded headers set by the proxy
            _method, _path, seen = upstream.seen[-1]
            assert "Accept-Encoding" not in seen or not seen["Accept-Encoding"]
            assert seen["X-Forwarded-Host"] == f"{harness.LOOPBACK}:{port}"
            assert seen["X-Forwarded-Proto"] == "http"

            # a logged-in browser: past the cache, and not stored
            cookie = {"Cookie": "frontend_lang=en_US; session_id=abc"}
            bypass = requests.get(url + status_json, headers=cookie, timeout=10)
            assert bypass.headers["X-Cache-Status"] == "BYPASS"
            assert upstream.hits(status_json) == 2
            # never cached: POST, responses that set a cookie, /web
            for method, path in (
                ("POST", "/status/subscribe"),
                ("GET", "/status/with-cookie"),
                ("GET", "/web/cacheable"),
            ):
                for _i in range(2):
                    requests.request(method, url + path, timeout=10)
                assert upstream.hits(path) == 2, path

            # X-Forwarded-For: set to the client's address, never appended
            requests.get(
                url + "/web/whoami",
                headers={"X-Forwarded-For": "203.0.113.9"},
                timeout=10,
            )
            _method, _path, seen = upstream.seen[-1]
            assert seen["X-Forwarded-For"] == harness.LOOPBACK

            # upstream gone: the cached answer is still served, then stale
            upstream.shutdown()
            upstream.server_close()
            down = requests.get(url + status_json, timeout=10)
            assert down.status_code == 200 and down.json() == first.json()
            time.sleep(2.5)  # past max-age=2
            stale = requests.get(url + status_json, timeout=10)
            assert stale.status_code == 200 and stale.json() == first.json()
            assert stale.headers["X-Cache-Status"] == "STALE"
            assert requests.get(url + "/web/login", timeout=10).status_code == 502
        finally:
            harness.stop_process(proxy, waits=((signal.SIGTERM, 10),))
            upstream.server_close()
