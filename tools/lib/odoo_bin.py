"""Run Odoo's command line: ``python3 odoo_bin.py [ODOO ARGUMENTS...]``.

tools/docker-serve starts Odoo through this file, with the python that
imports Odoo, in the image and outside it alike. Not ``python3 -m odoo``:
in prefork mode the server starts its gevent process (the websocket port)
as ``sys.executable sys.argv[0] gevent ...``, and with ``-m odoo``
``sys.argv[0]`` is ``odoo/__main__.py``, which cannot run as a script (the
gevent process dies at once and is started again, endlessly). A script
path, this one or the image's ``odoo``, works.
"""

import os

# Odoo runs in UTC; set before anything reads the time zone.
os.environ["TZ"] = "UTC"

import odoo.cli  # noqa: E402 - after TZ

if __name__ == "__main__":
    odoo.cli.main()
