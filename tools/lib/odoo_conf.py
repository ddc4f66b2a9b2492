"""Write the Odoo configuration file of a tools/run-tests run.

    odoo_conf.py CONF_FILE REPO_ROOT DATA_DIR DB

The add-ons path is the repository (for helpdesk_expedite) followed by the
add-on directories of the Odoo this python imports; the database server is
the one in the PG* variables; HTTP listens on free ports of 127.0.0.1 only.
No cron threads race the tests: a system test that needs them starts its
own server with --max-cron-threads=1.
"""

import configparser
import os
import sys

from harness import free_port


def addons_paths(repo_root):
    import odoo.addons

    paths = [os.path.realpath(repo_root)]
    for path in odoo.addons.__path__:
        path = os.path.realpath(path)
        if path not in paths and os.path.isdir(path):
            paths.append(path)
    return paths


def options(repo_root, data_dir, db):
    env = os.environ
    return {
        "addons_path": ",".join(addons_paths(repo_root)),
        "data_dir": data_dir,
        "db_host": env.get("PGHOST") or "False",
        "db_port": env.get("PGPORT") or "5432",
        "db_user": env.get("PGUSER") or "False",
        "db_password": env.get("PGPASSWORD") or "False",
        "db_name": db,
        "dbfilter": f"^{db}$",
        "without_demo": "False",
        "http_interface": "127.0.0.1",
        "http_port": str(free_port()),
        "gevent_port": str(free_port()),
        "workers": "0",
        "max_cron_threads": "0",
    }


def main(argv):
    if len(argv) != 4:
        sys.exit(__doc__)
    conf_file, repo_root, data_dir, db = argv
    config = configparser.RawConfigParser()
    config["options"] = options(repo_root, data_dir, db)
    with open(conf_file, "w", encoding="utf-8") as handle:
        config.write(handle)


if __name__ == "__main__":
    main(sys.argv[1:])
