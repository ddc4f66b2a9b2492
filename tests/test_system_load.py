"""A small, bounded load test: 200 JSON-RPC list reads from 4 threads."""

import statistics
import time
from concurrent.futures import ThreadPoolExecutor

import requests

THREADS = 4
REQUESTS = 200
LIST_FIELDS = [
    "number",
    "name",
    "partner_id",
    "user_id",
    "stage_id",
    "priority",
    "class_of_service",
    "affected_user_count",
    "next_update_deadline",
    "update_overdue",
    "monitoring_state",
]


def test_ticket_list_reads_under_light_load(odoo_server):
    assert odoo_server.url.startswith("http://127.0.0.1:"), "load only a local server"
    uid = odoo_server.login()

    def worker(count):
        timings, statuses = [], []
        with requests.Session() as session:
            for _i in range(count):
                payload = odoo_server.jsonrpc_payload(
                    "object",
                    "execute_kw",
                    odoo_server.db,
                    uid,
                    "admin",
                    "helpdesk.ticket",
                    "search_read",
                    [[]],
                    {
                        "fields": LIST_FIELDS,
                        "limit": 80,
                        "order": "priority desc, id desc",
                    },
                )
                start = time.perf_counter()
                response = session.post(
                    f"{odoo_server.url}/jsonrpc", json=payload, timeout=60
                )
                timings.append(time.perf_counter() - start)
                ok = response.status_code == 200 and "result" in response.json()
                statuses.append(
                    response.status_code
                    if ok
                    else f"{response.status_code} {response.text[:200]}"
                )
        return timings, statuses

    per_thread = REQUESTS // THREADS
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        results = list(pool.map(worker, [per_thread] * THREADS))
    elapsed = time.perf_counter() - started
    timings = [t for thread_timings, _s in results for t in thread_timings]
    statuses = [s for _t, thread_statuses in results for s in thread_statuses]
    assert len(statuses) == REQUESTS
    failures = [s for s in statuses if s != 200]
    assert not failures, failures[:5]
    quantiles = statistics.quantiles(timings, n=100)
    print(
        f"\nload: {REQUESTS} search_read calls, {THREADS} threads, {elapsed:.2f}s "
        f"({REQUESTS / elapsed:.0f} req/s); p50 {quantiles[49] * 1000:.1f} ms, "
        f"p95 {quantiles[94] * 1000:.1f} ms, max {max(timings) * 1000:.1f} ms"
    )
