"""Steps of tools/docker-serve, run with the python that imports Odoo.

    docker_serve.py prepare APP_DIR        write the Odoo configuration file
                                           of the server; print its path
    docker_serve.py source-hash DIR        SHA-256 of an add-on directory
    docker_serve.py db-state DB ADDON KEY  "<module state> <recorded hash>
                                           <demo data: 0|1>" (waits for
                                           PostgreSQL)
    docker_serve.py record-hash DB KEY VALUE
    docker_serve.py secure-admin DB        production profile: replace the
                                           admin user's password when it is
                                           Odoo's default "admin"

The database server is the one in the PG* variables. Settings come from the
environment (tools/docker-serve documents them). Messages go to stderr,
prefixed like docker-serve's own; a refusal exits with status 3.

Secrets: the master password comes from ODOO_MASTER_PASSWORD or the file
named by ODOO_MASTER_PASSWORD_FILE; when neither is set, one is generated
on the first start, kept in <data dir>/helpdesk_expedite/master-password
(readable by its owner only) and printed once. Odoo's default, "admin", is
refused, as is anything short. The same goes for the admin user's password
of the production profile (ODOO_ADMIN_PASSWORD, ODOO_ADMIN_PASSWORD_FILE,
else generated and kept in admin-password-<database> there): an install
without demo data leaves "admin" as the password of the user "admin", and
every start of the production profile replaces it if it is still that.
"""

import configparser
import hashlib
import os
import secrets
import sys
import tempfile
import time

ADDON = "helpdesk_expedite"
PROFILES = ("demo", "production")
MIN_SECRET_LENGTH = 12
WEAK_SECRETS = {"admin", "odoo", "password", "changeme"}
PG_WAIT_SECONDS = 90

# Odoo's server settings for both profiles (extra arguments of docker-serve
# override them). Memory limits are per worker process: above the soft one
# a worker is replaced after its request, above the hard one the request
# fails. The reverse proxy waits longer than limit_time_real.
SERVER_OPTIONS = {
    "http_port": "8069",
    "gevent_port": "8072",
    "proxy_mode": "True",
    "list_db": "False",
    "limit_memory_soft": str(1024 * 1024 * 1024),
    "limit_memory_hard": str(2048 * 1024 * 1024),
    "limit_time_cpu": "120",
    "limit_time_real": "300",
    "limit_time_real_cron": "900",
    "limit_request": "8192",
    "log_level": "info",
}


class Refused(Exception):
    """A setting docker-serve will not start with."""


def say(message):
    print(f"docker-serve: {message}", file=sys.stderr, flush=True)


# ----------------------------------------------------------------------
# Settings
# ----------------------------------------------------------------------
def data_dir():
    """Odoo's data directory: ODOO_DATA_DIR, else the data_dir of the
    configuration file in ODOO_RC (the official image's says
    /var/lib/odoo), else Odoo's default."""
    given = os.environ.get("ODOO_DATA_DIR")
    if given:
        return os.path.abspath(given)
    rc_file = os.environ.get("ODOO_RC")
    if rc_file and os.path.isfile(rc_file):
        parser = configparser.RawConfigParser()
        parser.read(rc_file)
        value = parser.get("options", "data_dir", fallback="")
        if value and value != "False":
            return os.path.abspath(os.path.expanduser(value))
    from odoo.tools import config

    return os.path.abspath(config["data_dir"])


def secrets_dir(create=True):
    path = os.path.join(data_dir(), ADDON)
    if create:
        os.makedirs(path, mode=0o700, exist_ok=True)
    return path


def check_secret(value, source):
    if len(value) < MIN_SECRET_LENGTH or value.strip().lower() in WEAK_SECRETS:
        raise Refused(
            f"{source}: refused, it must have at least {MIN_SECRET_LENGTH} "
            "characters and must not be Odoo's default"
        )
    return value


def given_secret(variable):
    """(value, where it came from) from VARIABLE or the file named by
    VARIABLE_FILE, or (None, None) when neither is set; an empty variable
    counts as unset."""
    value = os.environ.get(variable) or None
    file_variable = f"{variable}_FILE"
    path = os.environ.get(file_variable) or None
    if value and path:
        raise Refused(f"{variable} and {file_variable} are both set: set one")
    if path:
        source = f"{file_variable} ({path})"
        try:
            with open(path, encoding="utf-8") as handle:
                value = handle.read().rstrip("\r\n")
        except OSError as error:
            raise Refused(f"{source}: cannot read it: {error}") from None
        return check_secret(value, source), source
    if value:
        return check_secret(value, variable), variable
    return None, None


def kept_secret(name):
    """(value, path, generated now) of a generated secret in the data
    directory; generated on the first call, kept afterwards. Created with
    O_EXCL, so two servers starting at once on one volume share one."""
    path = os.path.join(secrets_dir(), name)
    candidate = secrets.token_urlsafe(24)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        with open(path, encoding="utf-8") as handle:
            value = handle.read().strip()
        return check_secret(value, path), path, False
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(candidate + "\n")
    return candidate, path, True


def master_password():
    value, source = given_secret("ODOO_MASTER_PASSWORD")
    if value:
        say(f"master password: from {source}")
        return value
    value, path, generated = kept_secret("master-password")
    if generated:
        say(
            "master password: generated; shown this once, kept in "
            f"{path} (owner only): {value}"
        )
    else:
        say(f"master password: the one generated on the first start ({path})")
    return value


def addons_path(app_dir):
    """The checkout first, /mnt/extra-addons when add-ons are mounted there
    (Odoo rejects an entry without any add-on), then Odoo's own add-on
    directories (its core and the pip-installed wheels)."""
    import odoo.addons

    paths = [os.path.realpath(app_dir)]
    extra = "/mnt/extra-addons"
    if os.path.isdir(extra) and any(
        os.path.isfile(os.path.join(extra, name, "__manifest__.py"))
        for name in os.listdir(extra)
    ):
        paths.append(extra)
    for path in odoo.addons.__path__:
        path = os.path.realpath(path)
        if path not in paths and os.path.isdir(path):
            paths.append(path)
    return ",".join(paths)


def positive_int(variable, default):
    raw = os.environ.get(variable) or str(default)
    if not raw.isdigit():
        raise Refused(f"{variable}={raw!r}: a number is expected")
    return raw


def options(app_dir, profile, db, master_hash):
    env = os.environ
    workers = positive_int("ODOO_WORKERS", 2)
    if workers == "0":
        raise Refused("ODOO_WORKERS=0: the server runs with prefork workers")
    return {
        "addons_path": addons_path(app_dir),
        "data_dir": data_dir(),
        "db_host": env.get("PGHOST") or "False",
        "db_port": env.get("PGPORT") or "False",
        "db_user": env.get("PGUSER") or "False",
        "db_password": env.get("PGPASSWORD") or "False",
        "db_name": db,
        "dbfilter": f"^{db}$",
        "admin_passwd": master_hash,
        "workers": workers,
        "max_cron_threads": positive_int("ODOO_CRON_THREADS", 1),
        "without_demo": "all" if profile == "production" else "False",
        **SERVER_OPTIONS,
    }


def prepare(app_dir):
    profile = os.environ.get("ODOO_PROFILE") or "demo"
    if profile not in PROFILES:
        raise Refused(
            f"ODOO_PROFILE={profile!r}: expected one of {', '.join(PROFILES)}"
        )
    db = os.environ.get("ODOO_DB") or "expedite"
    if profile == "production":
        given_secret("ODOO_ADMIN_PASSWORD")  # refused now, not after an install
    from odoo.tools.config import crypt_context

    master_hash = crypt_context.hash(master_password())
    config = configparser.RawConfigParser()
    config["options"] = options(app_dir, profile, db, master_hash)
    # Private to this process (it holds the database password): not in the
    # data volume, which a second server may share.
    folder = tempfile.mkdtemp(prefix="docker-serve-")
    path = os.path.join(folder, "odoo.conf")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        config.write(handle)
    print(path)


# ----------------------------------------------------------------------
# Database
# ----------------------------------------------------------------------
def source_hash(root):
    digest = hashlib.sha256()
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(files):
            if name.endswith((".pyc", ".pyo")):
                continue
            path = os.path.join(folder, name)
            digest.update(os.path.relpath(path, root).encode() + b"\0")
            with open(path, "rb") as handle:
                digest.update(hashlib.sha256(handle.read()).digest())
    print(digest.hexdigest())


def connect(dbname, wait=False):
    import psycopg2

    attempts = PG_WAIT_SECONDS if wait else 1
    for attempt in range(attempts):
        try:
            return psycopg2.connect(dbname=dbname)
        except psycopg2.OperationalError as error:
            if attempt == attempts - 1:
                raise Refused(f"PostgreSQL not reachable: {error}".strip()) from None
            time.sleep(1)
    raise AssertionError("unreachable")


def db_state(db, addon, key):
    conn = connect("postgres", wait=True)
    with conn.cursor() as cr:
        cr.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db])
        exists = cr.fetchone()
    conn.close()
    state, recorded, demo = "missing", "-", "0"
    if exists:
        conn = connect(db)
        with conn.cursor() as cr:
            cr.execute(
                "SELECT to_regclass('ir_module_module'), "
                "to_regclass('ir_config_parameter')"
            )
            modules, params = cr.fetchone()
            if modules:
                cr.execute(
                    "SELECT name, state, demo FROM ir_module_module "
                    "WHERE name IN (%s, 'base')",
                    [addon],
                )
                for name, module_state, module_demo in cr.fetchall():
                    if name == addon:
                        state = module_state.replace(" ", "_")
                    elif module_demo:
                        demo = "1"
            if params:
                cr.execute(
                    "SELECT value FROM ir_config_parameter WHERE key = %s", [key]
                )
                row = cr.fetchone()
                recorded = row[0] if row else "-"
        conn.close()
    print(state, recorded, demo)


def record_hash(db, key, value):
    conn = connect(db)
    with conn, conn.cursor() as cr:
        cr.execute(
            """INSERT INTO ir_config_parameter (key, value, create_date, write_date)
               VALUES (%s, %s, now() at time zone 'UTC', now() at time zone 'UTC')
               ON CONFLICT (key) DO UPDATE
               SET value = EXCLUDED.value, write_date = EXCLUDED.write_date""",
            [key, value],
        )
    conn.close()


def secure_admin(db):
    """Production: the password of base.user_admin (login "admin") when it
    is Odoo's default, "admin", as an install without demo data leaves it."""
    from odoo.tools.config import crypt_context

    conn = connect(db)
    try:
        with conn.cursor() as cr:
            cr.execute(
                """SELECT u.id, u.password FROM res_users u
                   JOIN ir_model_data d ON d.res_id = u.id AND d.model = 'res.users'
                   WHERE d.module = 'base' AND d.name = 'user_admin'"""
            )
            row = cr.fetchone()
        if not row:
            raise Refused(f"{db}: no base.user_admin")
        user_id, stored = row
        if not stored or not crypt_context.verify("admin", stored):
            return  # no password (no login) or one of its own
        value, source = given_secret("ODOO_ADMIN_PASSWORD")
        if value:
            message = f"admin password of {db} (login admin): from {source}"
        else:
            value, path, generated = kept_secret(f"admin-password-{db}")
            message = (
                f"admin password of {db} (login admin): generated; shown this "
                f"once, kept in {path} (owner only; change the password after the "
                f"first login, then delete the file): {value}"
                if generated
                else f"admin password of {db} (login admin): the one kept in {path}"
            )
        with conn, conn.cursor() as cr:
            cr.execute(
                "UPDATE res_users SET password = %s WHERE id = %s",
                [crypt_context.hash(value), user_id],
            )
    finally:
        conn.close()
    say(message)


COMMANDS = {
    "prepare": (prepare, 1),
    "source-hash": (source_hash, 1),
    "db-state": (db_state, 3),
    "record-hash": (record_hash, 3),
    "secure-admin": (secure_admin, 1),
}


def main(argv):
    if not argv or argv[0] not in COMMANDS or len(argv) - 1 != COMMANDS[argv[0]][1]:
        sys.exit(__doc__)
    function, _count = COMMANDS[argv[0]]
    try:
        function(*argv[1:])
    except Refused as error:
        say(f"ERROR: {error}")
        sys.exit(3)


if __name__ == "__main__":
    main(sys.argv[1:])
