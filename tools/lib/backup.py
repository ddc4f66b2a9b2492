"""Back up and restore a database of the stack with its filestore (the
steps of tools/backup and tools/restore; see there).

    backup.py backup FILE|-             write one tar archive (- : stdout)
    backup.py restore FILE|- [--replace]
                                        restore such an archive into ODOO_DB

The archive holds backup.txt (what and when), database.dump (pg_dump's
custom format, which pg_restore reads) and filestore/ (the database's
attachments in Odoo's data directory). The database is dumped first, then
the filestore is archived: every file the dump refers to is there.

Environment as tools/docker-serve: HOST, PORT, USER, PASSWORD (PostgreSQL;
defaults db, 5432, odoo, odoo), ODOO_DB (default expedite), ODOO_DATA_DIR
(else the data_dir of the file in ODOO_RC, else Odoo's default).
"""

import datetime
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile

import docker_serve

PROG = "backup"  # the command's name in messages
DUMP = "database.dump"
INFO = "backup.txt"
# Python 3.11.4+ checks extracted names itself too (safe_member does here)
EXTRACT = {"filter": "data"} if hasattr(tarfile, "data_filter") else {}
FILESTORE = "filestore"


def say(message):
    print(f"{PROG}: {message}", file=sys.stderr, flush=True)


def fail(message):
    say(f"ERROR: {message}")
    sys.exit(3)


def setup_environment():
    env = os.environ
    env["PGHOST"] = env.get("HOST") or "db"
    env["PGPORT"] = env.get("PORT") or "5432"
    env["PGUSER"] = env.get("USER") or "odoo"
    env["PGPASSWORD"] = env.get("PASSWORD") or "odoo"
    env.pop("PGDATABASE", None)
    return env.get("ODOO_DB") or "expedite"


def pg_tool(name):
    """pg_dump or pg_restore: from PATH, else the newest server install."""
    found = shutil.which(name)
    if found:
        return found
    root = "/usr/lib/postgresql"
    if os.path.isdir(root):
        for version in sorted(os.listdir(root), key=lambda v: int(v), reverse=True):
            path = os.path.join(root, version, "bin", name)
            if os.access(path, os.X_OK):
                return path
    fail(f"{name} not found (install PostgreSQL's client programs)")
    return None


def database_exists(db):
    conn = docker_serve.connect("postgres", wait=True)
    try:
        with conn.cursor() as cr:
            cr.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db])
            return bool(cr.fetchone())
    finally:
        conn.close()


def backup(target):
    db = setup_environment()
    if not database_exists(db):
        fail(f"database {db} does not exist")
    filestore = os.path.join(docker_serve.data_dir(), "filestore", db)
    with tempfile.TemporaryDirectory(prefix="backup-") as scratch:
        dump = os.path.join(scratch, DUMP)
        subprocess.run(
            [pg_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges",
             f"--file={dump}", db],
            check=True,
        )  # fmt: skip
        info = os.path.join(scratch, INFO)
        with open(info, "w", encoding="utf-8") as handle:
            handle.write(
                f"database: {db}\n"
                f"created: {datetime.datetime.now(datetime.timezone.utc).isoformat()}\n"
                f"contents: {DUMP} (pg_dump custom format), {FILESTORE}/\n"
            )
        stream = sys.stdout.buffer if target == "-" else open(target, "wb")  # noqa: SIM115
        try:
            with tarfile.open(fileobj=stream, mode="w|") as archive:
                archive.add(info, arcname=INFO)
                archive.add(dump, arcname=DUMP)
                if os.path.isdir(filestore):
                    archive.add(filestore, arcname=FILESTORE)
        finally:
            if stream is not sys.stdout.buffer:
                stream.close()
    say(f"backed up {db} and its filestore to {'stdout' if target == '-' else target}")


def safe_member(member):
    """Only the archive's own names; nothing outside the target folder, no
    links or devices."""
    name = member.name
    parts = name.split("/")
    if name.startswith("/") or ".." in parts:
        return False
    if name in (INFO, DUMP):
        return member.isfile()
    return parts[0] == FILESTORE and (member.isfile() or member.isdir())


def restore(source, replace):
    db = setup_environment()
    filestores = os.path.join(docker_serve.data_dir(), "filestore")
    target_store = os.path.join(filestores, db)
    if database_exists(db) and not replace:
        fail(f"database {db} exists: restore with --replace to drop it first")
    os.makedirs(filestores, exist_ok=True)
    with tempfile.TemporaryDirectory(
        prefix=f".restore-{db}-", dir=filestores
    ) as scratch:
        stream = sys.stdin.buffer if source == "-" else open(source, "rb")  # noqa: SIM115
        try:
            with tarfile.open(fileobj=stream, mode="r|") as archive:
                for member in archive:
                    if not safe_member(member):
                        fail(f"unexpected member in the archive: {member.name}")
                    member.mode = 0o700 if member.isdir() else 0o600
                    archive.extract(member, scratch, set_attrs=False, **EXTRACT)
        finally:
            if stream is not sys.stdin.buffer:
                stream.close()
        dump = os.path.join(scratch, DUMP)
        if not os.path.isfile(dump):
            fail(f"no {DUMP} in the archive")
        recreate_database(db)
        subprocess.run(
            [pg_tool("pg_restore"), "--no-owner", "--no-privileges",
             "--exit-on-error", f"--dbname={db}", dump],
            check=True,
        )  # fmt: skip
        shutil.rmtree(target_store, ignore_errors=True)
        restored_store = os.path.join(scratch, FILESTORE)
        if os.path.isdir(restored_store):
            os.rename(restored_store, target_store)
    say(f"restored {db} and its filestore ({target_store})")


def recreate_database(db):
    from psycopg2 import sql

    conn = docker_serve.connect("postgres", wait=True)
    conn.autocommit = True
    try:
        with conn.cursor() as cr:
            name = sql.Identifier(db)
            cr.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
            cr.execute(
                sql.SQL(
                    "CREATE DATABASE {} ENCODING 'UTF8' LC_COLLATE 'C' TEMPLATE template0"
                ).format(name)
            )
    finally:
        conn.close()


def main(argv):
    global PROG
    PROG = argv[0] if argv else PROG
    if len(argv) == 2 and argv[0] == "backup":
        return backup(argv[1])
    if argv[:1] == ["restore"] and len(argv) in (2, 3):
        extra = argv[2:]
        if extra not in ([], ["--replace"]):
            sys.exit(__doc__)
        return restore(argv[1], bool(extra))
    sys.exit(__doc__)


if __name__ == "__main__":
    try:
        main(sys.argv[1:])
    except subprocess.CalledProcessError as error:
        fail(f"{os.path.basename(error.cmd[0])} failed (exit code {error.returncode})")
    except docker_serve.Refused as error:
        fail(str(error))
