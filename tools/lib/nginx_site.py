"""The reverse proxy's configuration (deploy/nginx) outside its container.

    nginx_site.py check    nginx -t on every site of deploy/nginx

In the compose stack, the official nginx image loads deploy/nginx/compose.conf
(or compose-scale.conf) with deploy/nginx mounted at /etc/nginx/expedite.
Here the same files run with Debian's nginx, from a directory of their own:
a main nginx.conf (foreground, pid, logs and temporary files in that
directory) whose http block holds a site, and "expedite" there pointing at
deploy/nginx, so that the sites' "include expedite/..." find the policy files
(nginx resolves relative includes against the main file's directory).

- loopback_site(): the policy (http.conf, server.conf, proxy-headers.conf)
  in front of an Odoo on 127.0.0.1 ports; the deployment system test serves
  it.
- compose_site(): compose.conf or compose-scale.conf as they are, except the
  Docker host names (odoo, odoo-2), which only resolve in the compose
  network, and the cache directory; for "nginx -t".
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
NGINX_DIR = os.path.join(REPO_ROOT, "deploy", "nginx")
COMPOSE_SITES = ("compose.conf", "compose-scale.conf")
LOOPBACK = "127.0.0.1"


def find_nginx():
    """Debian's nginx binary, or None."""
    found = shutil.which("nginx")
    if found:
        return found
    for path in ("/usr/sbin/nginx", "/usr/local/sbin/nginx"):
        if os.access(path, os.X_OK):
            return path
    return None


def _main_conf(folder, http_body, worker_processes=1):
    user = "user root;\n" if os.geteuid() == 0 else ""
    temp = "\n".join(
        f"    {kind}_temp_path {os.path.join(folder, 'tmp', kind)};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    return f"""# written by tools/lib/nginx_site.py
daemon off;
worker_processes {worker_processes};
{user}pid {os.path.join(folder, "nginx.pid")};
error_log {os.path.join(folder, "error.log")} info;
events {{
    worker_connections 512;
}}
http {{
    default_type application/octet-stream;
    access_log {os.path.join(folder, "access.log")};
{temp}
{http_body}
}}
"""


def _write(folder, http_body, policy_dir):
    """nginx.conf in ``folder`` with ``http_body``; "expedite" there is
    ``policy_dir``. Returns the path of nginx.conf."""
    os.makedirs(os.path.join(folder, "tmp"), exist_ok=True)
    link = os.path.join(folder, "expedite")
    if policy_dir != link:
        if os.path.lexists(link):
            os.remove(link)
        os.symlink(policy_dir, link)
    # nginx workers (nobody, or root's "user root") must reach the files
    os.chmod(folder, 0o755)
    path = os.path.join(folder, "nginx.conf")
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(_main_conf(folder, http_body))
    return path


def loopback_site(folder, listen_port, odoo_port, bus_port):
    """The policy of deploy/nginx listening on 127.0.0.1:``listen_port`` in
    front of Odoo's HTTP port ``odoo_port`` and gevent port ``bus_port``
    on 127.0.0.1. Returns the path of the main configuration file."""
    cache = os.path.join(folder, "cache")
    body = f"""
    upstream expedite_odoo {{
        server {LOOPBACK}:{odoo_port};
    }}
    upstream expedite_bus {{
        server {LOOPBACK}:{bus_port};
    }}
    proxy_cache_path {cache} levels=1:2 keys_zone=expedite_status:10m
                     max_size=64m inactive=1h use_temp_path=off;
    include expedite/http.conf;
    server {{
        listen {LOOPBACK}:{listen_port};
        server_name _;
        include expedite/server.conf;
    }}"""
    return _write(folder, body, NGINX_DIR)


def compose_site(folder, site):
    """deploy/nginx copied into ``folder``/expedite with the compose host
    names pointed at 127.0.0.1 and the cache in ``folder``; the main file
    includes ``site`` (compose.conf, compose-scale.conf) like the image's
    conf.d does. Returns the path of the main configuration file."""
    copy = os.path.join(folder, "expedite")
    shutil.copytree(NGINX_DIR, copy)
    for name in os.listdir(copy):
        path = os.path.join(copy, name)
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
        text = re.sub(
            r"(\bserver\s+)[a-z][a-z0-9-]*(:\d+;)", rf"\g<1>{LOOPBACK}\g<2>", text
        )
        text = text.replace("/var/cache/nginx/expedite", os.path.join(folder, "cache"))
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(text)
    return _write(folder, f"    include expedite/{site};", copy)


def nginx_test(nginx, conf_path):
    """(ok, output) of ``nginx -t`` on ``conf_path``."""
    result = subprocess.run(
        [nginx, "-t", "-q", "-e", "stderr", "-c", conf_path],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    return result.returncode == 0, (result.stdout + result.stderr).strip()


def check_all(nginx):
    """Error messages of ``nginx -t`` on the loopback site and on every
    compose site (none when all pass)."""
    errors = []
    with tempfile.TemporaryDirectory(prefix="nginx-check-") as scratch:
        sites = [
            ("loopback site", loopback_site(os.path.join(scratch, "loopback"), 1, 2, 3))
        ]
        for site in COMPOSE_SITES:
            sites.append((site, compose_site(os.path.join(scratch, site), site)))
        for name, conf_path in sites:
            ok, output = nginx_test(nginx, conf_path)
            if not ok:
                errors.append(f"nginx -t, deploy/nginx with {name}: {output}")
    return errors


def main(argv):
    if argv != ["check"]:
        sys.exit(__doc__)
    nginx = find_nginx()
    if not nginx:
        sys.exit("nginx_site.py: no nginx binary (apt-get install nginx)")
    errors = check_all(nginx)
    for error in errors:
        print(error, file=sys.stderr)
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main(sys.argv[1:])
