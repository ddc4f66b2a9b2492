#!/usr/bin/env python3
"""What helpdesk_expedite costs, compared with plain helpdesk_mgmt.

One command: starts a scratch PostgreSQL cluster, installs ``helpdesk_mgmt``
(database ``bench_plain``) and ``helpdesk_expedite`` (``bench_expedite``)
without demo data into it, builds the same dataset in both (generate.py:
batched SQL), runs every case on both databases with the same settings,
``--runs`` times each after a warm-up, prints a table (median, spread,
ratio add-on / plain, budget met or not), writes it as JSON and as
Markdown, then stops the cluster and removes it. Not part of the test
suite: it asserts nothing, it reports.

    python3 benchmarks/run.py                 # full: 100,000 tickets, 5 runs
    python3 benchmarks/run.py --quick         # 10,000 tickets, smaller batches
    python3 benchmarks/run.py --cases kanban,watchdog --quick
"""

import argparse
import datetime
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path[:0] = [HERE, os.path.join(REPO, "tools", "lib")]  # and the harness

import harness  # noqa: E402
from cases import ticket_vals  # noqa: E402
from odoo_conf import addons_paths  # noqa: E402
from pgcluster import scratch_cluster  # noqa: E402

DATABASES = {"plain": "helpdesk_mgmt", "expedite": "helpdesk_expedite"}
ORM_CASES = [
    "create_ordinary",
    "create_impact",
    "expedite_scaling",
    "write_unrelated",
    "kanban",
    "overdue_search",
    "major_list",
    "pivot",
    "watchdog",
    "link_fan_out",
    "subscriber_mailing",
    "report_flood",
    "report_flood_answers",
    "delivery",
    "xlsx",
]
HTTP_CASES = ["jsonrpc", "pdf", "portal"]
ALL_CASES = ORM_CASES[:3] + ["jsonrpc"] + ORM_CASES[3:] + ["pdf", "portal"]
LABELS = {
    "create_ordinary": "create 1,000 ordinary tickets, one create()",
    "create_impact": "create 1,000 tickets, 3 lines, 1/3 Expedite (peer: + ack mails)",
    "expedite_scaling": "queries per Expedite ticket, batch 10 vs 100",
    "jsonrpc": "200 tickets one by one over JSON-RPC",
    "write_unrelated": "write an unrelated field on 1,000 tickets",
    "kanban": "kanban board (columns, card pages, team counters)",
    "overdue_search": '"Update overdue" search (count + page)',
    "major_list": "Major Incidents list (count + page)",
    "pivot": "incident analysis pivot",
    "watchdog": "watchdog cron, 100 newly overdue",
    "link_fan_out": "link reporters + one update fanned out, 100 vs 1,000",
    "subscriber_mailing": "one status update queued to subscribers, 100 vs 1,000",
    "report_flood": "1,000 mailed reports through message_process, auto-linking on",
    "report_flood_answers": "their answers, queued during the flood, sent by the cron",
    "delivery": "escalation delivery cron, 1,000 Teams posts",
    "xlsx": "XLSX export of 10,000 tickets",
    "pdf": "PDF incident report (scenario ticket)",
    "portal": "portal ticket page, 20 clients, 2 workers",
}


# --quick shrinks these batches; the labels say so
QUICK_SIZES = {}
QUICK_LABELS = {
    "create_ordinary": ("1,000", "200"),
    "create_impact": ("1,000", "200"),
    "write_unrelated": ("1,000", "200"),
    "delivery": ("1,000", "200"),
    "jsonrpc": ("200", "50"),
}


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--quick", action="store_true", help="10,000 tickets, batches of 200"
    )
    parser.add_argument("--tickets", type=int, help="tickets to generate (100000)")
    parser.add_argument(
        "--runs", type=int, default=5, help="measured runs per case (5)"
    )
    parser.add_argument("--warmup", type=int, default=1, help="untimed runs first (1)")
    parser.add_argument(
        "--cases", help="comma-separated subset of: " + ", ".join(ALL_CASES)
    )
    parser.add_argument("--portal-seconds", type=int, help="portal load duration (30)")
    parser.add_argument(
        "--json", default=os.path.join(HERE, "results.json"), help="JSON output path"
    )
    parser.add_argument(
        "--markdown",
        default=os.path.join(HERE, "RESULTS.md"),
        help="Markdown output path ('' for none)",
    )
    parser.add_argument(
        "--report-only",
        metavar="JSON",
        help="only rewrite the Markdown from a results.json of an earlier run",
    )
    parser.add_argument(
        "--no-profile",
        dest="profile_unmet",
        action="store_false",
        help="do not profile the in-process cases whose budget is not met",
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep the cluster (print its path)"
    )
    args = parser.parse_args()
    args.tickets = args.tickets or (10000 if args.quick else 100000)
    args.portal_seconds = args.portal_seconds or (10 if args.quick else 30)
    args.cases = args.cases.split(",") if args.cases else ALL_CASES
    if args.quick:
        QUICK_SIZES.update(QUICK_LABELS)
    unknown = set(args.cases) - set(ALL_CASES)
    if unknown:
        parser.error(f"unknown cases: {', '.join(sorted(unknown))}")
    return args


def log(message):
    print(f"[{datetime.datetime.now():%H:%M:%S}] {message}", flush=True)


def write_config(path, cluster, work):
    with open(path, "w") as handle:
        handle.write(
            "[options]\n"
            f"addons_path = {','.join(addons_paths(REPO))}\n"
            f"data_dir = {work}/data\n"
            f"db_host = {cluster.dir}\n"
            f"db_port = {cluster.port}\n"
            "db_user = odoo\n"
            "workers = 0\n"
            "max_cron_threads = 0\n"
            "http_interface = 127.0.0.1\n"
            "list_db = False\n"
        )


# ----------------------------------------------------------------------
# statistics and budgets
# ----------------------------------------------------------------------
def summary(values):
    values = [v for v in values if v is not None]
    if not values:
        return None
    median = statistics.median(values)
    return {
        "median": median,
        "min": min(values),
        "max": max(values),
        "spread_pct": (max(values) - min(values)) / median * 100 if median else 0.0,
        "values": values,
    }


def series(raw, db, key):
    return [run.get(key) for run in raw["runs"].get(db, [])]


def ratio(a, b):
    return a / b if a is not None and b else None


def paired_ratio(raw, key):
    """Median of add-on / plain over the runs, each pair measured in the
    same round (plain and add-on alternate), which cancels most of the
    machine's drift."""
    pairs = [
        e[key] / p[key]
        for p, e in zip(
            raw["runs"].get("plain", []), raw["runs"].get("expedite", []), strict=False
        )
        if p.get(key) and e.get(key) is not None
    ]
    return statistics.median(pairs) if pairs else None


def evaluate(case, raw, fixtures):
    """A row: metric summaries, ratio, budget text and verdict."""
    row = {"case": case, "label": LABELS[case], "doc": raw.get("doc", "")}
    if QUICK_SIZES and case in QUICK_SIZES:
        row["label"] = row["label"].replace(*QUICK_SIZES[case])
    plain, addon = "plain", "expedite"
    t_p, t_e = summary(series(raw, plain, "time")), summary(series(raw, addon, "time"))
    q_p, q_e = (
        summary(series(raw, plain, "queries")),
        summary(series(raw, addon, "queries")),
    )
    row.update(time_plain=t_p, time_addon=t_e, queries_plain=q_p, queries_addon=q_e)
    r = paired_ratio(raw, "time")
    row["ratio"] = r
    row["ratio_of_medians"] = ratio(t_e and t_e["median"], t_p and t_p["median"])
    unit = raw.get("per_unit", {})
    checks = []
    if case == "create_ordinary":
        qp = q_p["median"] / unit[plain]
        qe = q_e["median"] / unit[addon]
        row["queries_per_unit"] = {"plain": qp, "addon": qe}
        checks += [
            ("time ≤ 1.10×", r <= 1.10),
            (f"q/ticket {qe:.2f} ≤ {qp:.2f}+1", qe <= qp + 1),
        ]
    elif case == "create_impact":
        row["queries_per_unit"] = {
            "plain": q_p["median"] / unit[plain],
            "addon": q_e["median"] / unit[addon],
        }
        checks.append(("time ≤ 1.25× the peer", r <= 1.25))
    elif case == "expedite_scaling":
        q10 = statistics.median(series(raw, addon, "queries_per_ticket_10"))
        q100 = statistics.median(series(raw, addon, "queries_per_ticket_100"))
        row["scaling"] = {"q_per_ticket_10": q10, "q_per_ticket_100": q100}
        checks.append(
            (
                f"q/Expedite ticket {q10:.1f} (10) → {q100:.1f} (100), no growth",
                q100 <= q10 + 0.5,
            )
        )
    elif case == "jsonrpc":
        checks.append(("time ≤ 1.25×", r <= 1.25))
    elif case == "write_unrelated":
        checks += [
            ("time ≤ 1.05×", r <= 1.05),
            ("no extra queries", q_e["median"] <= q_p["median"]),
        ]
    elif case in ("kanban",):
        checks.append(("time ≤ 1.3×", r <= 1.3))
    elif case in ("overdue_search", "major_list", "pivot"):
        plan = raw["extra"].get(addon, {}).get("plan", "")
        row["plan"] = plan
        row["plan_plain"] = raw["extra"].get(plain, {}).get("plan", "")
        checks += [("time ≤ 1.3×", r <= 1.3), ("index-backed plan", "Index" in plan)]
    elif case == "watchdog":
        reported = series(raw, addon, "overdue")
        row["overdue"] = reported[0] if reported else None
        row["tickets"] = fixtures[addon].get("tickets")
        checks.append(("≤ 1 s", t_e["median"] <= 1.0))
        row["note"] = (
            f"{q_e['median']:.0f} queries for {row['overdue']} overdue tickets among "
            f"{row['tickets']}; compare with a run of another size (--quick) for independence"
        )
    elif case == "link_fan_out":
        figures = {
            f"{step}_{size}": statistics.median(
                series(raw, addon, f"{step}_queries_{size}")
            )
            for step in ("link", "fan_out")
            for size in (100, 1000)
        }
        row["queries"] = figures
        mails = series(raw, addon, "mails")
        row["note"] = (
            f"queries: link {figures['link_100']:.0f} (100) → "
            f"{figures['link_1000']:.0f} (1,000); fan-out "
            f"{figures['fan_out_100']:.0f} → {figures['fan_out_1000']:.0f}; "
            f"{mails[0] if mails else '?'} mails, one per customer"
        )
        checks += [
            (
                "link: fixed queries per batch",
                figures["link_1000"] <= figures["link_100"] + 20,
            ),
            (
                "fan-out: fixed queries per 50 mails",
                figures["fan_out_1000"] <= figures["fan_out_100"] * 12,
            ),
        ]
    elif case in ISSUE_22_CHECKS:
        checks += ISSUE_22_CHECKS[case](row, raw, r, t_p, t_e, unit)
    elif case == "delivery":
        rate = unit[addon] / t_e["median"]
        row["posts_per_second"] = rate
        row["states"] = raw["runs"][addon][-1].get("states")
        checks.append((f"{rate:.0f} posts/s ≥ 50", rate >= 50))
    elif case == "xlsx":
        growth = raw["maxrss_peak_mb"] - raw["maxrss_baseline_mb"]
        row["memory_growth_mb"] = growth
        checks += [
            ("≤ 20 s", t_e["median"] <= 20),
            (f"memory +{growth:.0f} MB ≤ 200", growth <= 200),
        ]
    elif case == "pdf":
        sizes = series(raw, addon, "bytes")
        row["bytes"] = sizes[0] if sizes else None
        checks.append(("printed", bool(row["bytes"])))
    elif case == "portal":
        p50 = {db: summary(series(raw, db, "p50")) for db in (plain, addon)}
        p95 = {db: summary(series(raw, db, "p95")) for db in (plain, addon)}
        row["p50"], row["p95"] = p50, p95
        row["time_plain"], row["time_addon"] = (
            p50[plain],
            p50[addon],
        )  # p50 in the table
        row["rps"] = {db: summary(series(raw, db, "rps")) for db in (plain, addon)}
        row["errors"] = {db: sum(series(raw, db, "errors")) for db in (plain, addon)}
        r50 = paired_ratio(raw, "p50")
        r95 = paired_ratio(raw, "p95")
        row["ratio"] = r50
        row["ratio_p95"] = r95
        checks += [
            (f"p50 {r50:.2f}× ≤ 1.3×", r50 <= 1.3),
            (f"p95 {r95:.2f}× ≤ 1.3×", r95 <= 1.3),
        ]
    row["checks"] = [{"budget": text, "met": bool(ok)} for text, ok in checks]
    row["met"] = all(ok for _text, ok in checks)
    return row


def _subscriber_mailing_checks(row, raw, *_figures):
    addon = "expedite"
    figures = {
        key: statistics.median(series(raw, addon, key))
        for key in ("queries_100", "queries_1000", "seconds_1000")
    }
    row["queries"] = figures
    mails = series(raw, addon, "mails")
    row["note"] = (
        f"queries {figures['queries_100']:.0f} (100 subscribers) → "
        f"{figures['queries_1000']:.0f} (1,000); 1,000 mails queued in "
        f"{figures['seconds_1000']:.2f} s; {mails[0] if mails else '?'} mails"
    )
    return [
        (
            f"1,000 mails in {figures['seconds_1000']:.2f} s ≤ 5 s",
            figures["seconds_1000"] <= 5,
        ),
        (
            # Odoo's create inserts 100 rows a statement: mail_message and
            # mail_mail add one INSERT each per 100 mails, nothing else grows
            "queries fixed but for Odoo's INSERT batches (2 per 100 mails)",
            figures["queries_1000"] <= figures["queries_100"] + 2 * 9,
        ),
    ]


def _report_flood_checks(row, raw, r, t_p, t_e, unit):
    plain, addon = "plain", "expedite"
    errors = {db: sum(series(raw, db, "errors")) for db in (plain, addon)}
    linked = series(raw, addon, "linked")
    tickets = series(raw, addon, "tickets")
    row["errors"], row["linked"] = errors, linked
    row["note"] = (
        f"per message: plain {t_p['median'] / unit[plain] * 1000:.1f} ms, "
        f"add-on {t_e['median'] / unit[addon] * 1000:.1f} ms; errors "
        f"{errors[plain]} / {errors[addon]}; linked {min(linked or [0])} of "
        f"{min(tickets or [0])} in every run"
    )
    return [
        ("time ≤ 1.5× the peer", r <= 1.5),
        ("0 errors", errors[addon] == 0),
        ("each linked", bool(linked) and all(n == unit[addon] for n in linked)),
    ]


def _report_flood_answers_checks(row, raw, r, t_p, t_e, unit):
    addon = "expedite"
    queued, mails = series(raw, addon, "queued"), series(raw, addon, "mails")
    row["note"] = (
        f"{t_e['median'] / max(min(queued or [1]), 1) * 1000:.1f} ms a queued "
        f"report; {min(queued or [0])} queued, {min(mails or [0])} answers "
        "in every run"
    )
    return [("each queued report answered once", bool(queued) and queued == mails)]


ISSUE_22_CHECKS = {
    "subscriber_mailing": _subscriber_mailing_checks,
    "report_flood": _report_flood_checks,
    "report_flood_answers": _report_flood_answers_checks,
}


# ----------------------------------------------------------------------
def run_orm_case(case, args, config, fixtures_path, work, profile=None):
    out = os.path.join(work, f"{case}.json")
    runs = 1 if case in ("pdf",) else args.runs
    env = dict(os.environ, BENCH_QUICK="1" if args.quick else "")
    if profile:
        runs, env["BENCH_PROFILE"] = 1, profile
    subprocess.run(
        [
            sys.executable,
            os.path.join(HERE, "cases.py"),
            config,
            case,
            str(runs),
            str(0 if profile else args.warmup),
            fixtures_path,
            out,
        ],
        check=True,
        env=env,
    )
    with open(out) as handle:
        return json.load(handle)


def run_http_cases(cases, args, config, fixtures, work):
    import http_load

    results = {}
    servers = {
        db: http_load.Server(config, fixtures[db]["dbname"], work) for db in DATABASES
    }
    try:
        if "jsonrpc" in cases:
            count = 50 if args.quick else 200
            raw = {"case": "jsonrpc", "runs": {db: [] for db in DATABASES}}
            raw["doc"] = f"{count} tickets created one by one with execute_kw create"
            for index in range(args.warmup + args.runs):
                order = list(DATABASES) if index % 2 == 0 else list(reversed(DATABASES))
                for db in order:
                    fx = fixtures[db]

                    def vals(i, fx=fx):
                        return ticket_vals(fx, i, "RPC ticket")

                    elapsed = http_load.jsonrpc_creates(servers[db], count, vals)
                    if index >= args.warmup:
                        raw["runs"][db].append({"time": elapsed})
                log(
                    f"  jsonrpc run {index}: {raw['runs']}"
                    if index >= args.warmup
                    else "  jsonrpc warm-up done"
                )
            results["jsonrpc"] = raw
        if "pdf" in cases:
            # wkhtmltopdf fetches the report's assets from the server itself
            server = servers["expedite"]
            http_load.set_param(server.dbname, "report.url", server.url)
            raw = {"case": "pdf", "runs": {"expedite": []}}
            raw["doc"] = (
                "GET /report/pdf/helpdesk_expedite.report_incident/<scenario ticket>"
            )
            for index in range(args.warmup + args.runs):
                result = http_load.pdf_download(
                    server, fixtures["expedite"]["scenario_ticket_id"]
                )
                if index >= args.warmup:
                    raw["runs"]["expedite"].append(result)
            log(f"  pdf: {raw['runs']['expedite']}")
            results["pdf"] = raw
        if "portal" in cases:
            from generate import PORTAL_LOGIN, PORTAL_PASSWORD

            raw = {"case": "portal", "runs": {db: [] for db in DATABASES}}
            raw["doc"] = (
                f"20 clients for {args.portal_seconds}s each run; "
                "latency of GET /my/ticket/<scenario ticket>"
            )
            for index in range(args.runs):
                order = list(DATABASES) if index % 2 == 0 else list(reversed(DATABASES))
                for db in order:
                    result = http_load.portal_load(
                        servers[db],
                        PORTAL_LOGIN,
                        PORTAL_PASSWORD,
                        fixtures[db]["scenario_ticket_id"],
                        20,
                        args.portal_seconds,
                    )
                    raw["runs"][db].append(result)
                    log(
                        f"  portal run {index} {db}: p50 {result['p50'] * 1000:.0f} ms, p95 {result['p95'] * 1000:.0f} ms, {result['rps']:.1f} req/s, {result['errors']} errors"
                    )
            results["portal"] = raw
    finally:
        for server in servers.values():
            server.stop()
    return results


# ----------------------------------------------------------------------
def read_profile(path, lines=45):
    """The head of the cumulative-time listing of a cProfile dump."""
    try:
        with open(path) as handle:
            text = handle.read()
    except OSError:
        return None
    head = text.split("\n\n\n")[0].strip("\n").splitlines()
    return "\n".join(line.rstrip() for line in head[:lines])


def fmt_ms(s):
    return "-" if s is None else f"{s['median'] * 1000:,.0f} ±{s['spread_pct']:.0f}%"


def fmt_q(s):
    return "-" if s is None else f"{s['median']:,.0f}"


def table(rows):
    header = ["case", "plain ms", "q", "add-on ms", "q", "ratio", "budget", "met"]
    lines = [header]
    for row in rows:
        lines.append(
            [
                row["label"],
                fmt_ms(row["time_plain"]),
                fmt_q(row["queries_plain"]),
                fmt_ms(row["time_addon"]),
                fmt_q(row["queries_addon"]),
                "-" if row["ratio"] is None else f"{row['ratio']:.2f}",
                "; ".join(c["budget"] for c in row["checks"]),
                "yes" if row["met"] else "NO",
            ]
        )
    return lines


def markdown(rows, meta):
    out = [
        "# Benchmark results",
        "",
        f"Generated by `{meta['command']}` on {meta['date']}.",
        "",
        f"- Machine: {meta['cpus']} CPUs, {meta['platform']}; load average at start {meta['loadavg']}",
        f"- Odoo {meta['odoo']}, {meta['postgres']}, Python {meta['python']}",
        f"- Dataset: {meta['tickets']:,} tickets per database (generated by batched SQL in "
        f"{meta['generate_seconds']:.1f} s), {meta['runs']} measured runs per case after "
        f"{meta['warmup']} warm-up",
        "- Times: median of the runs, ± spread = (max − min) / median; "
        "ratio = median over the runs of add-on / plain measured in the same round "
        "(the two databases alternate run by run)",
        "",
        "| case | plain ms | plain q | add-on ms | add-on q | ratio | budget | met |",
        "| --- | ---: | ---: | ---: | ---: | ---: | --- | --- |",
    ]
    for line in table(rows)[1:]:
        out.append("| " + " | ".join(line) + " |")
    # hand-written notes, then the status page's flood (status_flood.py)
    for name in ("NOTES.md", "STATUS.md"):
        path = os.path.join(HERE, name)
        if os.path.exists(path):
            with open(path) as handle:
                out += ["", handle.read().strip()]
    out += ["", "## Details", ""]
    for row in rows:
        out.append(f"### {row['label']}")
        out.append("")
        if row.get("doc"):
            out.append(row["doc"])
            out.append("")
        for key in (
            "queries_per_unit",
            "scaling",
            "posts_per_second",
            "states",
            "memory_growth_mb",
            "bytes",
            "note",
            "ratio_p95",
            "errors",
        ):
            if row.get(key) is not None:
                out.append(f"- {key}: {_short(row[key])}")
        if row.get("p50"):
            for q in ("p50", "p95"):
                out.append(
                    f"- {q}: plain {fmt_ms(row[q]['plain'])} ms, add-on {fmt_ms(row[q]['expedite'])} ms"
                )
            out.append(
                f"- req/s: plain {row['rps']['plain']['median']:.1f}, add-on {row['rps']['expedite']['median']:.1f}"
            )
        for key, title in (
            ("plan", "add-on plan"),
            ("plan_plain", "plain peer plan"),
            ("profile", "profile of one add-on run (cProfile, cumulative)"),
            ("profile_plain", "profile of one plain run (cProfile, cumulative)"),
        ):
            if row.get(key):
                out += ["", f"{title}:", "", "```", row[key], "```"]
        out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


def _short(value):
    if isinstance(value, float):
        return f"{value:.2f}"
    if isinstance(value, dict):
        return ", ".join(f"{k}: {_short(v)}" for k, v in value.items())
    return str(value)


def main():
    args = parse_args()
    if args.report_only:
        # rewrite RESULTS.md (e.g. after editing NOTES.md) from a results.json
        with open(args.report_only) as handle:
            saved = json.load(handle)
        with open(args.markdown, "w") as handle:
            handle.write(markdown(saved["rows"], saved["meta"]))
        log(f"Markdown written to {args.markdown}")
        return
    started = time.monotonic()
    work = tempfile.mkdtemp(prefix="expedite-bench.")
    os.chmod(work, 0o755)
    cluster = scratch_cluster()
    log(f"scratch cluster {cluster.dir} ({cluster.version()}), work dir {work}")
    os.environ.update(cluster.env)
    config = os.path.join(work, "odoo.conf")
    write_config(config, cluster, work)
    raws = {}
    try:
        fixtures = {}
        for db, module in DATABASES.items():
            dbname = f"bench_{db}"
            log(f"installing {module} into {dbname}")
            subprocess.run(
                harness.odoo_command(
                    config,
                    dbname,
                    *("-i", module, "--without-demo=all", "--stop-after-init"),
                    "--log-level=warn",
                ),
                check=True,
            )
            out = os.path.join(work, f"fixtures_{db}.json")
            log(f"generating {args.tickets:,} tickets in {dbname}")
            subprocess.run(
                [
                    sys.executable,
                    os.path.join(HERE, "cases.py"),
                    "--setup",
                    config,
                    dbname,
                    str(args.tickets),
                    out,
                ],
                check=True,
            )
            with open(out) as handle:
                fixtures[db] = json.load(handle)
            fixtures[db]["tickets"] = args.tickets
            log(f"  generated in {fixtures[db]['generate_seconds']:.1f}s")
        fixtures_path = os.path.join(work, "fixtures.json")
        with open(fixtures_path, "w") as handle:
            json.dump(fixtures, handle)
        http_cases = [c for c in args.cases if c in HTTP_CASES]
        if http_cases:
            log(f"HTTP cases: {', '.join(http_cases)}")
            raws.update(run_http_cases(http_cases, args, config, fixtures, work))
        for case in [c for c in args.cases if c in ORM_CASES]:
            log(f"case {case}")
            try:
                raws[case] = run_orm_case(case, args, config, fixtures_path, work)
            except subprocess.CalledProcessError as error:
                log(f"  case {case} FAILED: {error}")
        rows = []
        for case in ALL_CASES:
            if case in raws:
                try:
                    rows.append(evaluate(case, raws[case], fixtures))
                except (KeyError, TypeError, ZeroDivisionError) as error:
                    log(f"  cannot evaluate {case}: {error!r}")
        if args.profile_unmet:
            for row in rows:
                if row["met"] or row["case"] not in ORM_CASES:
                    continue
                log(f"profiling {row['case']} (cProfile, one run)")
                prefix = os.path.join(work, f"profile-{row['case']}")
                try:
                    run_orm_case(row["case"], args, config, fixtures_path, work, prefix)
                except subprocess.CalledProcessError as error:
                    log(f"  profile of {row['case']} failed: {error}")
                    continue
                row["profile"] = read_profile(f"{prefix}-bench_expedite.txt")
                row["profile_plain"] = read_profile(f"{prefix}-bench_plain.txt")
        import odoo.release

        meta = {
            "command": "python3 benchmarks/run.py " + " ".join(sys.argv[1:]),
            "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "loadavg": " ".join(f"{v:.2f}" for v in os.getloadavg()),
            "odoo": odoo.release.version,
            "postgres": cluster.version(),
            "python": platform.python_version(),
            "tickets": args.tickets,
            "generate_seconds": fixtures["expedite"]["generate_seconds"],
            "runs": args.runs,
            "warmup": args.warmup,
            "duration_s": time.monotonic() - started,
        }
        print()
        lines = table(rows)
        widths = [max(len(line[i]) for line in lines) for i in range(len(lines[0]))]
        for line in lines:
            print(
                "  ".join(
                    cell.ljust(width) for cell, width in zip(line, widths, strict=True)
                )
            )
        with open(args.json, "w") as handle:
            json.dump(
                {"meta": meta, "rows": rows, "raw": raws}, handle, indent=1, default=str
            )
            handle.write("\n")
        log(f"JSON written to {args.json}")
        if args.markdown:
            with open(args.markdown, "w") as handle:
                handle.write(markdown(rows, meta))
            log(f"Markdown written to {args.markdown}")
    finally:
        cluster.stop(remove=not args.keep)
        if args.keep:
            log(f"kept cluster in {cluster.dir} (port {cluster.port}), config {config}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
