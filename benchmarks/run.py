#!/usr/bin/env python3
"""Cost of helpdesk_expedite on everyday ticket operations.

Installs two throwaway databases, ``bench_plain`` (helpdesk_mgmt only) and
``bench_expedite`` (helpdesk_expedite), without demo data, then measures in
the same process, alternating between the two, through the ORM:

- ticket create without impact lines;
- ticket create with 3 impact lines (53 users: classified Expedite, so it
  is acknowledged, gets its checklist and mails; on plain helpdesk_mgmt,
  where impact lines do not exist, the same ticket without them);
- an unrelated write (``name``);
- a kanban-style read: ``search_read`` of the kanban view's fields on 500
  tickets (cache invalidated before each read).

Each operation includes the flush of its writes. Everything runs in one
transaction per database that is rolled back. Prints, per operation, the
mean time and the SQL queries per call on each database, and the ratio
add-on / plain. No assertions: numbers to look at, run on a quiet machine.

    python3 benchmarks/run.py -c /path/to/odoo.conf [--iterations 30] [--keep]
"""

import argparse
import os
import statistics
import subprocess
import sys
import time

DATABASES = {
    "plain": ("bench_plain", "helpdesk_mgmt"),
    "expedite": ("bench_expedite", "helpdesk_expedite"),
}
GROUPS = [
    ("WEB102-HN", "Hanoi", 20),
    ("DATA101-SG", "Saigon", 18),
    ("MOBILE201-HN", "Hanoi", 15),
]
KANBAN_TICKETS = 500


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "-c",
        "--config",
        default=os.environ.get("ODOO_TEST_CONFIG") or os.environ.get("ODOO_RC"),
        help="Odoo config file (database connection, addons path with this repository); "
        "default: $ODOO_TEST_CONFIG",
    )
    parser.add_argument(
        "--iterations", type=int, default=30, help="timed calls per operation"
    )
    parser.add_argument("--warmup", type=int, default=3, help="untimed calls first")
    parser.add_argument(
        "--reuse", action="store_true", help="use existing bench_* databases"
    )
    parser.add_argument(
        "--keep", action="store_true", help="do not drop the databases at the end"
    )
    args = parser.parse_args()
    if not args.config:
        parser.error("give the Odoo config file with -c (or set ODOO_TEST_CONFIG)")
    return args


def install(python, config, dbname, module):
    print(f"installing {module} into {dbname} ...", flush=True)
    started = time.monotonic()
    subprocess.run(
        [
            python,
            "-m",
            "odoo",
            "-c",
            config,
            "-d",
            dbname,
            "-i",
            module,
            "--without-demo=all",
            "--stop-after-init",
            "--log-level=warn",
            "--max-cron-threads=0",
            "--workers=0",
        ],
        check=True,
    )
    print(f"  done in {time.monotonic() - started:.0f}s", flush=True)


def drop(dbname):
    import odoo.service.db

    odoo.sql_db.close_db(dbname)
    odoo.service.db.exp_drop(dbname)


class Bench:
    """One database: an environment in a transaction that is rolled back."""

    def __init__(self, key, dbname):
        import odoo
        from odoo.modules.registry import Registry

        self.key = key
        self.registry = Registry(dbname)
        self.cr = self.registry.cursor()
        self.env = odoo.api.Environment(
            self.cr,
            odoo.SUPERUSER_ID,
            {"mail_notify_force_send": False, "lang": "en_US"},
        )
        self.has_lines = "impact_line_ids" in self.env["helpdesk.ticket"]._fields
        self.counter = 0
        env = self.env
        self.team = env["helpdesk.ticket.team"].create(
            {
                "name": "Bench team",
                "user_ids": [(6, 0, [env.ref("base.user_admin").id])],
            }
        )
        self.partner = env["res.partner"].create(
            {"name": "Bench customer", "email": "bench@example.com"}
        )
        self.ticket = self._create(False)
        self.kanban_fields = self._kanban_fields()
        tickets = env["helpdesk.ticket"].create(
            [self._vals(False) for _i in range(KANBAN_TICKETS)]
        )
        env.flush_all()
        self.kanban_domain = [("id", "in", tickets.ids)]

    def _vals(self, with_lines):
        self.counter += 1
        vals = {
            "name": f"Bench ticket {self.counter}",
            "description": "<p>Cannot submit.</p>",
            "team_id": self.team.id,
            "partner_id": self.partner.id,
            "user_id": self.env.ref("base.user_admin").id,
        }
        if with_lines and self.has_lines:
            vals["failure_rate"] = 100.0
            vals["impact_line_ids"] = [
                (0, 0, {"name": name, "location": location, "affected_users": users})
                for name, location, users in GROUPS
            ]
        return vals

    def _create(self, with_lines):
        ticket = self.env["helpdesk.ticket"].create(self._vals(with_lines))
        self.env.flush_all()
        return ticket

    def _kanban_fields(self):
        views = self.env["helpdesk.ticket"].get_views([(False, "kanban")])
        fields = views["models"]["helpdesk.ticket"]
        if isinstance(fields, dict) and "fields" in fields:  # Odoo 18
            fields = fields["fields"]
        return sorted(fields)

    # the measured operations ------------------------------------------
    def create_plain(self):
        self._create(False)

    def create_lines(self):
        self._create(True)

    def write_name(self):
        self.counter += 1
        self.ticket.write({"name": f"Renamed {self.counter}"})
        self.env.flush_all()

    def kanban_read(self):
        self.env.invalidate_all()
        rows = self.env["helpdesk.ticket"].search_read(
            self.kanban_domain, self.kanban_fields, limit=KANBAN_TICKETS
        )
        assert len(rows) == KANBAN_TICKETS

    def measure(self, operation, iterations, warmup):
        method = getattr(self, operation)
        for _i in range(warmup):
            method()
        timings, queries = [], 0
        for _i in range(iterations):
            before = self.cr.sql_log_count
            started = time.perf_counter()
            method()
            timings.append(time.perf_counter() - started)
            queries += self.cr.sql_log_count - before
        return (
            statistics.mean(timings),
            statistics.median(timings),
            queries / iterations,
        )

    def close(self):
        self.cr.rollback()
        self.cr.close()


OPERATIONS = [
    ("create_plain", "create, no impact lines"),
    ("create_lines", "create, 3 impact lines*"),
    ("write_name", "write name (unrelated)"),
    ("kanban_read", f"kanban read, {KANBAN_TICKETS} tickets"),
]


def main():
    args = parse_args()
    python = sys.executable
    names = [dbname for dbname, _module in DATABASES.values()]
    if not args.reuse:
        for dbname, module in DATABASES.values():
            subprocess.run(
                [
                    python,
                    "-c",
                    "import sys, odoo; from odoo.tools import config; "
                    "config.parse_config(['-c', sys.argv[1]]); import odoo.service.db as d; "
                    "d.exp_drop(sys.argv[2])",
                    args.config,
                    dbname,
                ],
                check=False,
                capture_output=True,
            )
            install(python, args.config, dbname, module)

    import odoo
    from odoo.tools import config

    config.parse_config(["-c", args.config, "--log-level=warn", "--max-cron-threads=0"])
    benches = {}
    try:
        for key, (dbname, _module) in DATABASES.items():
            benches[key] = Bench(key, dbname)
        print(
            f"\nkanban fields ({len(benches['plain'].kanban_fields)} plain, "
            f"{len(benches['expedite'].kanban_fields)} add-on): "
            f"{', '.join(f for f in benches['expedite'].kanban_fields if f not in benches['plain'].kanban_fields) or '-'} added"
        )
        results = []
        for operation, label in OPERATIONS:
            row = {}
            for key, bench in benches.items():  # alternate, same conditions
                row[key] = bench.measure(operation, args.iterations, args.warmup)
            results.append((label, row))
    finally:
        for bench in benches.values():
            bench.close()
        odoo.sql_db.close_all()
        if not args.keep and not args.reuse:
            for dbname in names:
                try:
                    drop(dbname)
                except Exception as error:  # noqa: BLE001 - report and go on
                    print(f"could not drop {dbname}: {error}", file=sys.stderr)

    print(
        f"\nOdoo {odoo.release.version}, {args.iterations} calls per operation "
        f"(after {args.warmup} warm-up), times include the flush\n"
    )
    header = f"{'operation':<28} {'plain ms':>9} {'q/call':>7} {'add-on ms':>10} {'q/call':>7} {'ratio':>6} {'q ratio':>8}"
    print(header)
    print("-" * len(header))
    for label, row in results:
        p_mean, _p_med, p_q = row["plain"]
        e_mean, _e_med, e_q = row["expedite"]
        q_ratio = f"{e_q / p_q:.2f}" if p_q else "-"
        print(
            f"{label:<28} {p_mean * 1000:>9.2f} {p_q:>7.1f} {e_mean * 1000:>10.2f} "
            f"{e_q:>7.1f} {e_mean / p_mean:>6.2f} {q_ratio:>8}"
        )
    print(
        "\n* on plain helpdesk_mgmt the ticket has no impact lines (the model does "
        "not exist); with the add-on the 53 users make it Expedite: classification, "
        "acknowledgement mail, checklist."
    )


if __name__ == "__main__":
    main()
