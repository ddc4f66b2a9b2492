"""Cases 7 (its HTTP part: malformed bodies on the routes), 8 and 9: load,
the feed's rate limit across workers. Case 7's RPC part is the registry-
driven fuzz, test_reliability_fuzz.py."""

import json
import os
import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import requests
from harness import RpcError
from harness import web_session as portal_session
from relkit import Stats, record, scale

AGENT_GROUPS = ("helpdesk_mgmt.group_helpdesk_user",)
# Load: a customer refreshes the ticket page, then its list polls, each
# cycle; an agent posts an update each cycle; the feed sends 1 check/s.
CUSTOMER_CYCLE = scale(4.0, 20.0)  # seconds
AGENT_CYCLE = scale(2.0, 5.0)  # seconds


# ----------------------------------------------------------------------
# 7. Bad input: the RPC part is the registry-driven fuzz
# (test_reliability_fuzz.py); here, malformed HTTP bodies on the routes
# ----------------------------------------------------------------------
def test_hostile_http_bodies(rel):
    admin = rel.admin
    other_company = admin(
        "res.company", "create", {"name": f"Rel Other Co {os.getpid()}"}
    )
    admin("res.users", "write", [admin.uid], {"company_ids": [(4, other_company)]})
    other_team = admin(
        "helpdesk.ticket.team",
        "create",
        {"name": "Other team", "company_id": other_company},
    )
    foreign = admin(
        "helpdesk.ticket",
        "create",
        {
            "name": "Other company ticket",
            "description": "<p>x</p>",
            "team_id": other_team,
            "company_id": other_company,
        },
    )
    tickets = list(rel.create_incidents(2))
    # the feed and the portal routes, with malformed bodies
    token = admin("helpdesk.ticket", "read", [tickets[0]], ["monitoring_token"])[0][
        "monitoring_token"
    ]
    bodies = [
        b"",
        b"{",
        b"null",
        b"[]",
        b'"x"',
        b"1e999",
        b'{"success_rate": NaN}',
        b'{"success_rate": Infinity}',
        b'{"success_rate": "100"}',
        b'{"success_rate": 1e400}',
        b'{"success_rate": 50, "timeout_errors": 1e20}',
        b'{"success_rate": 50, "timeout_errors": -1}',
        b'{"success_rate": 50, "note": ' + json.dumps("n" * 5000).encode() + b"}",
        b'{"success_rate": 50, "recurrence": "yes"}',
        b'{"success_rate": 50, "ticket_id": 1}',
        b"[" * 5000,
        b"\xff\xfe\x00",
        json.dumps({"success_rate": 50, "note": "<script>x</script>"}).encode(),
        b"x" * 10_000,
    ]
    http_results = []
    for body in bodies:
        for target, headers in (
            (tickets[0], {"X-Monitoring-Token": token}),
            (tickets[0], {"X-Monitoring-Token": "wrong"}),
            (999_999_999, {"X-Monitoring-Token": token}),
            (foreign, {"X-Monitoring-Token": token}),
        ):
            response = requests.post(
                f"{rel.url}/helpdesk_expedite/monitoring/{target}",
                data=body,
                headers={"Content-Type": "application/json", **headers},
                timeout=30,
            )
            http_results.append(("feed", response.status_code))
    session = requests.Session()
    for ticket_ref in (tickets[0], foreign, 999_999_999, "abc", -1):
        for data in (
            {},
            {"csrf_token": "x"},
            {"access_token": "' OR 1=1 --"},
            {"csrf_token": None},
        ):
            response = session.post(
                f"{rel.url}/my/ticket/{ticket_ref}/confirm_resolution",
                data={k: v for k, v in data.items() if v is not None},
                allow_redirects=False,
                timeout=30,
            )
            http_results.append(("portal", response.status_code))

    server_errors = [r for r in http_results if r[1] >= 500]
    record(
        "7 hostile HTTP bodies",
        "requests (feed + portal) / 5xx",
        f"{len(http_results)} / {len(server_errors)}",
    )
    assert not server_errors, server_errors[:10]


# ----------------------------------------------------------------------
# 8. Load
# ----------------------------------------------------------------------
def _resolved_incidents(rel, count, **extra):
    tickets = list(rel.create_incidents(count, **extra))
    rel.admin(
        "helpdesk.ticket",
        "write",
        tickets,
        {"root_cause": "Load", "resolution_summary": "Watch", "monitoring_window": 120},
    )
    rel.admin("helpdesk.ticket", "action_mark_resolved", tickets)
    tokens = rel.admin("helpdesk.ticket", "read", tickets, ["monitoring_token"])
    return {row["id"]: row["monitoring_token"] for row in tokens}


def test_load_portal_agents_and_feed(rel):
    customers = scale(6, 50)
    agents_count = scale(2, 5)
    feeds = scale(2, 10)
    duration = scale(8, 60)
    admin = rel.admin
    stamp = os.getpid()
    portal_group = admin.ref("base.group_portal")
    users = admin(
        "res.users",
        "create",
        [
            {
                "name": f"Rel Portal {index}",
                "login": f"rel_portal_{stamp}_{index}",
                "password": f"rel_portal_{stamp}_{index}-pw",
                "groups_id": [(6, 0, [portal_group])],
            }
            for index in range(customers)
        ],
    )
    partners = admin("res.users", "read", users, ["partner_id", "login"])
    created = rel.create_incidents(
        customers, partner_id=[row["partner_id"][0] for row in partners]
    )
    customer_tickets = list(
        zip([row["login"] for row in partners], created, strict=True)
    )
    agent_tickets = list(rel.create_incidents(agents_count))
    agents = []
    for index in range(agents_count):
        login = f"rel_load_agent_{stamp}_{index}"
        _uid, password = rel.new_user(login, AGENT_GROUPS)
        agents.append((rel.rpc(login, password), agent_tickets[index]))
    feed_tokens = _resolved_incidents(rel, feeds)
    sessions = [
        (portal_session(rel.url, rel.db, login, f"{login}-pw"), ticket_id)
        for login, ticket_id in customer_tickets
    ]

    stats = Stats()
    deadline = time.monotonic() + duration

    def timed(route, call, ok):
        started = time.perf_counter()
        try:
            response = call()
            good = ok(response)
            detail = None if good else getattr(response, "status_code", response)
        except (requests.RequestException, RpcError) as error:
            good, detail = False, repr(error)[:200]
        stats.add(route, time.perf_counter() - started, good, detail)

    def customer(pair):
        session, ticket_id = pair
        # customers arrive spread over one cycle, not all in the same second
        time.sleep(random.Random(ticket_id).uniform(0, CUSTOMER_CYCLE))
        while time.monotonic() < deadline:
            timed(
                "GET /my/ticket/<id> (refresh)",
                lambda: session.get(f"{rel.url}/my/ticket/{ticket_id}", timeout=60),
                lambda r: r.status_code == 200 and "RELK" in r.text,
            )
            time.sleep(CUSTOMER_CYCLE / 2)
            if time.monotonic() >= deadline:
                break
            timed(
                "GET /my/tickets (poll)",
                lambda: session.get(f"{rel.url}/my/tickets", timeout=60),
                lambda r: r.status_code == 200,
            )
            time.sleep(CUSTOMER_CYCLE / 2)

    def agent(pair):
        rpc, ticket_id = pair
        index = 0
        while time.monotonic() < deadline:
            index += 1
            timed(
                "JSON-RPC action_post_status_update",
                lambda body=f"Load update {index}": rpc(
                    "helpdesk.ticket", "action_post_status_update", [ticket_id], body
                ),
                lambda r: r is True,
            )
            time.sleep(AGENT_CYCLE)

    def feed(item):
        ticket_id, token = item
        next_at = time.monotonic()
        while time.monotonic() < deadline:
            timed(
                "POST /helpdesk_expedite/monitoring/<id>",
                lambda: requests.post(
                    f"{rel.url}/helpdesk_expedite/monitoring/{ticket_id}",
                    json={"success_rate": 100, "timeout_errors": 0},
                    headers={"X-Monitoring-Token": token},
                    timeout=60,
                ),
                lambda r: r.status_code == 201,
            )
            next_at += 1.0  # one check per second per incident
            time.sleep(max(0.0, next_at - time.monotonic()))

    started = time.monotonic()
    threads = [threading.Thread(target=customer, args=(s,)) for s in sessions]
    threads += [threading.Thread(target=agent, args=(a,)) for a in agents]
    threads += [threading.Thread(target=feed, args=(f,)) for f in feed_tokens.items()]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(duration + 120)
    elapsed = time.monotonic() - started
    rows = stats.table(elapsed)
    print(
        f"\nload: {customers} portal customers, {agents_count} agents, {feeds} monitored incidents, {duration}s\n"
        + Stats.format(rows)
    )
    for route, count, errors, rate, p50, p95 in rows:
        record(
            "8 load",
            route,
            f"{count} req, {errors} err, {rate:.1f}/s, p50 {p50:.0f} ms, p95 {p95:.0f} ms",
        )
    assert stats.error_count() == 0, {k: v[:5] for k, v in stats.errors.items()}
    logged = rel.sql(
        "SELECT count(*) FROM helpdesk_ticket_monitoring_log WHERE ticket_id = ANY(%s)",
        (list(feed_tokens),),
    )[0][0]
    posted = len(stats.samples.get("POST /helpdesk_expedite/monitoring/<id>", []))
    assert logged == posted, (logged, posted)


# ----------------------------------------------------------------------
# 9. The feed's rate limit across workers
# ----------------------------------------------------------------------
# the add-on's limit per ticket and minute (controllers/monitoring_feed.py)
FEED_LIMIT = 120


def test_feed_rate_limit_holds_across_workers(rel):
    ((ticket_id, token),) = _resolved_incidents(rel, 1).items()
    burst = FEED_LIMIT + 30  # above the feed's per-minute limit
    url = f"{rel.url}/helpdesk_expedite/monitoring/{ticket_id}"

    def post(_index):
        response = requests.post(
            url,
            json={"success_rate": 100},
            headers={"X-Monitoring-Token": token},
            timeout=60,
        )
        return (
            response.status_code,
            response.headers.get("Retry-After"),
            response.text[:200],
        )

    # The limit counts per clock minute: start the burst early in a minute,
    # so that it does not straddle two windows (two budgets).
    if time.time() % 60 > 30:
        time.sleep(60.5 - time.time() % 60)
    # several connections at once: both HTTP workers take part
    with ThreadPoolExecutor(max_workers=6) as pool:
        answers = list(pool.map(post, range(burst)))
    accepted = sum(1 for status, _r, _t in answers if status == 201)
    refused = [a for a in answers if a[0] == 429]
    logged = rel.sql(
        "SELECT count(*) FROM helpdesk_ticket_monitoring_log WHERE ticket_id = %s",
        (ticket_id,),
    )[0][0]
    record(
        "9 feed rate limit",
        f"burst of {burst}: accepted / 429 / logged",
        f"{accepted} / {len(refused)} / {logged}",
    )
    assert all(status in (201, 429) for status, _r, _t in answers), answers[:5]
    assert logged == accepted
    assert accepted <= FEED_LIMIT, (
        f"{accepted} checks accepted: each worker counts on its own"
    )
    assert refused and all(retry and retry.isdigit() for _s, retry, _t in refused), (
        refused[:3]
    )
