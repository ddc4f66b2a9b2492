"""The status page under a flood: 50 clients for 30 s per route against a
2-worker prefork server, with Odoo's cheapest route as the peer.

    python3 benchmarks/status_flood.py                # scratch cluster + demo install
    python3 benchmarks/status_flood.py --url http://127.0.0.1:8069   # a running server

Routes, each alone, one after the other, in the same run: ``/web/health``
(the peer: no database, no rendering), ``/web/login`` (Odoo's login page,
for scale), then ``/status`` and ``/status/api/v2/summary.json``, first
plain (every answer a 200 with its body), then conditional (each client
sends the ETag it was given: the answers are 304). The routes take turns,
3 turns of 10 s each by default (30 s per route in all; ``--rounds 1
--seconds 30`` for one stretch), so that a shared machine's drift weighs on
the peer and the status routes alike. Budget (issue 22): the status
routes reach 0.9 times the peer's requests per second, a p95 at most 1.25
times the peer's, and no more errors. Prints a Markdown table and writes
it to benchmarks/STATUS.md (run.py puts that file into RESULTS.md).
Not part of the test suite.
"""

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time

import requests

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [HERE, os.path.join(os.path.dirname(HERE), "tools", "lib")]

import harness  # noqa: E402
import http_load  # noqa: E402
from odoo_conf import addons_paths  # noqa: E402
from pgcluster import scratch_cluster  # noqa: E402

# (path, conditional): the peer first, then Odoo's login page for scale
ROUTES = [
    ("/web/health", False),
    ("/web/login", False),
    ("/status", False),
    ("/status/api/v2/summary.json", False),
    ("/status", True),
    ("/status/api/v2/summary.json", True),
]


def flood(url, clients, seconds, conditional):
    """Latencies of the answers, and the errors, of ``clients`` threads
    asking ``url`` for ``seconds``."""
    latencies, errors, lock = [], {}, threading.Lock()
    start = threading.Barrier(clients)

    def client():
        mine, bad = [], {}
        with requests.Session() as session:
            etag = None
            if conditional:
                etag = session.get(url, timeout=60).headers.get("ETag")
            start.wait()
            stop_at = time.perf_counter() + seconds
            while time.perf_counter() < stop_at:
                headers = {"If-None-Match": etag} if etag else None
                began = time.perf_counter()
                try:
                    response = session.get(url, headers=headers, timeout=60)
                    kind = response.status_code
                    ok = kind in ((200, 304) if etag else (200,))
                    if conditional and response.status_code == 200:
                        etag = response.headers.get("ETag")
                except requests.RequestException as error:
                    ok, kind = False, type(error).__name__
                if ok:
                    mine.append(time.perf_counter() - began)
                else:
                    bad[kind] = bad.get(kind, 0) + 1
        with lock:
            latencies.extend(mine)
            for kind, count in bad.items():
                errors[kind] = errors.get(kind, 0) + count

    threads = [threading.Thread(target=client) for _i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, errors


def figures(latencies, errors, seconds):
    quantiles = (
        statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [0] * 99
    )
    return {
        "requests": len(latencies),
        "errors": sum(errors.values()),
        "error_kinds": errors,
        "rps": len(latencies) / seconds,
        "p50": quantiles[49],
        "p95": quantiles[94],
    }


def run(base_url, clients, seconds, rounds):
    """Each route ``rounds`` times for ``seconds``, the routes taking turns
    (the machine's drift then weighs on all of them alike)."""
    samples = {route: ([], {}) for route in ROUTES}
    for path, _conditional in ROUTES:
        requests.get(base_url + path, timeout=60)  # warm: caches, first render
    for round_ in range(rounds):
        for route in ROUTES:
            path, conditional = route
            latencies, errors = flood(base_url + path, clients, seconds, conditional)
            samples[route][0].extend(latencies)
            for kind, count in errors.items():
                samples[route][1][kind] = samples[route][1].get(kind, 0) + count
            print(
                f"round {round_ + 1} {path:30} {'304' if conditional else '200'} "
                f"{len(latencies) / seconds:6.1f} req/s  errors {errors or 0}",
                flush=True,
            )
    return [
        {**figures(*samples[route], seconds * rounds), "path": route[0],
         "conditional": route[1]}
        for route in ROUTES
    ]  # fmt: skip


def markdown(results, clients, seconds, rounds, note):
    peer = results[0]
    lines = [
        "## Status page under a flood",
        "",
        f"`python3 benchmarks/status_flood.py`: {clients} clients, one route at "
        f"a time, {rounds} turn(s) of {seconds} s per route (the routes take "
        f"turns: {rounds * seconds} s each in all), against a 2-worker prefork "
        f"server on this machine (the client runs on it too). {note}",
        "Peer: `/web/health` in the same run. Budget: ≥ 0.9× the peer's "
        "requests/s, p95 ≤ 1.25× the peer's, no more errors. Errors are "
        "connections refused or reset by the loaded server.",
        "",
        "| route | answers | requests | errors | req/s | × peer | p50 ms | p95 ms "
        "| × peer | met |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for r in results:
        rps_ratio, p95_ratio = r["rps"] / peer["rps"], r["p95"] / peer["p95"]
        judged = r["path"].startswith("/status")
        met = rps_ratio >= 0.9 and p95_ratio <= 1.25 and r["errors"] <= peer["errors"]
        lines.append(
            f"| `{r['path']}` | {'304 (If-None-Match)' if r['conditional'] else '200'} "
            f"| {r['requests']:,} | {r['errors']} | {r['rps']:.1f} | {rps_ratio:.2f} "
            f"| {r['p50'] * 1000:.0f} | {r['p95'] * 1000:.0f} | {p95_ratio:.2f} "
            f"| {('yes' if met else 'NO') if judged else '-'} |"
        )
    return "\n".join(lines) + "\n"


def serve_demo(work):
    """A scratch cluster with helpdesk_expedite and its demo installed, and a
    2-worker server on it: (cluster, server)."""
    os.chmod(work, 0o755)  # the cluster's OS user goes through it
    cluster = scratch_cluster(work)
    config = os.path.join(work, "odoo.conf")
    with open(config, "w") as handle:
        handle.write(
            "[options]\n"
            f"addons_path = {','.join(addons_paths(os.path.dirname(HERE)))}\n"
            f"data_dir = {os.path.join(work, 'data')}\n"
            f"db_host = {cluster.dir}\ndb_port = {cluster.port}\n"
            "db_user = odoo\n"
        )
    install_log = os.path.join(work, "install.log")
    harness.install_database(config, "bench_status", "helpdesk_expedite", install_log)
    return cluster, http_load.Server(config, "bench_status", work, workers=2)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", help="a running server instead of a scratch one")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=10, help="per turn")
    parser.add_argument("--rounds", type=int, default=3, help="turns per route")
    parser.add_argument("--note", default="")
    parser.add_argument("--markdown", default=os.path.join(HERE, "STATUS.md"))
    args = parser.parse_args()
    cluster = server = None
    try:
        if args.url:
            base_url = args.url.rstrip("/")
        else:
            cluster, server = serve_demo(tempfile.mkdtemp(prefix="status-flood."))
            base_url = server.url
        results = run(base_url, args.clients, args.seconds, args.rounds)
    finally:
        if server:
            server.stop()
        if cluster:
            cluster.stop(remove=True)
    text = markdown(results, args.clients, args.seconds, args.rounds, args.note)
    print(text)
    if args.markdown:
        with open(args.markdown, "w") as handle:
            handle.write(text)


if __name__ == "__main__":
    main()
