"""A scratch PostgreSQL cluster for the benchmark, removed afterwards.

Same settings for both databases (they live in the same cluster). Like
tools/run-tests: a socket-only cluster in a temporary directory, run by an
unprivileged OS user when started as root, fsync off (we measure the
add-on's cost, not the disk). ``shared_buffers`` is raised so that the
100,000-ticket tables stay in memory for both databases.
"""

import glob
import os
import shutil
import socket
import subprocess
import tempfile

PG_SETTINGS = {
    "listen_addresses": "''",
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "shared_buffers": "512MB",
    "work_mem": "16MB",
    "max_connections": "200",
}


def _pg_bin():
    try:
        out = subprocess.run(
            ["pg_config", "--bindir"], capture_output=True, text=True, check=True
        ).stdout.strip()
        if os.path.exists(os.path.join(out, "initdb")):
            return out
    except (OSError, subprocess.CalledProcessError):
        pass
    for path in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if os.path.exists(os.path.join(path, "initdb")):
            return path
    raise RuntimeError("no PostgreSQL server binaries (initdb, pg_ctl) found")


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ScratchCluster:
    def __init__(self, base_dir=None):
        self.bin = _pg_bin()
        self.dir = tempfile.mkdtemp(prefix="expedite-bench-pg.", dir=base_dir)
        os.chmod(self.dir, 0o755)
        self.data = os.path.join(self.dir, "data")
        self.port = _free_port()
        self.os_user = None
        if os.geteuid() == 0:
            for name in ("postgres", "odoo-pgtest"):
                if (
                    subprocess.run(["id", "-u", name], capture_output=True).returncode
                    == 0
                ):
                    self.os_user = name
                    break
            if not self.os_user:
                subprocess.run(
                    [
                        "useradd",
                        "--system",
                        "--no-create-home",
                        "--shell",
                        "/usr/sbin/nologin",
                        "odoo-pgtest",
                    ],
                    check=True,
                )
                self.os_user = "odoo-pgtest"
            shutil.chown(self.dir, self.os_user)
        self.started = False

    def _run(self, *cmd, **kwargs):
        if self.os_user:
            cmd = ("runuser", "-u", self.os_user, "--", *cmd)
        return subprocess.run(cmd, cwd=self.dir, **kwargs)

    def start(self):
        self._run(
            f"{self.bin}/initdb",
            "-D",
            self.data,
            "-A",
            "trust",
            "-U",
            "odoo",
            "-E",
            "UTF8",
            "--no-locale",
            "--no-sync",
            check=True,
            capture_output=True,
        )
        options = " ".join(f"-c {key}={value}" for key, value in PG_SETTINGS.items())
        self._run(
            f"{self.bin}/pg_ctl",
            "-D",
            self.data,
            "-l",
            os.path.join(self.dir, "server.log"),
            "-w",
            "-t",
            "60",
            "-o",
            f"-k {self.dir} -p {self.port} {options}",
            "start",
            check=True,
            capture_output=True,
        )
        self.started = True
        return self

    @property
    def env(self):
        return {"PGHOST": self.dir, "PGPORT": str(self.port), "PGUSER": "odoo"}

    def stop(self, remove=True):
        if self.started:
            self._run(
                f"{self.bin}/pg_ctl",
                "-D",
                self.data,
                "-m",
                "fast",
                "-w",
                "-t",
                "60",
                "stop",
                capture_output=True,
            )
            self.started = False
        if remove:
            shutil.rmtree(self.dir, ignore_errors=True)

    def version(self):
        out = subprocess.run(
            [f"{self.bin}/postgres", "--version"], capture_output=True, text=True
        )
        return out.stdout.strip()
