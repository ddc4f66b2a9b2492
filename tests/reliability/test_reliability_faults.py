"""Cases 3, 4 and 5: the Teams endpoint misbehaving, SMTP down then back,
locks held by another connection."""

import os
import statistics
import threading
import time

import pytest
import requests
from harness import csrf_token, wait_until
from harness import web_session as portal_session
from relkit import record, scale

AGENT_GROUPS = ("helpdesk_mgmt.group_helpdesk_user",)


def _agent(rel, name):
    login = f"{name}_{os.getpid()}"
    _uid, password = rel.new_user(login, AGENT_GROUPS)
    return rel.rpc(login, password)


def _timed_updates(rpc, ticket_id, count, stop=None):
    timings = []
    for index in range(count):
        if stop is not None and stop.is_set():
            break
        started = time.perf_counter()
        rpc(
            "helpdesk.ticket",
            "action_post_status_update",
            [ticket_id],
            f"Check {index}",
        )
        timings.append(time.perf_counter() - started)
    return timings


def _due_count(rel, ids):
    return rel.sql(
        "SELECT count(*) FROM helpdesk_ticket_escalation WHERE id = ANY(%s) "
        "AND state = 'queued' AND next_attempt_date <= now() AT TIME ZONE 'UTC'",
        (ids,),
    )[0][0]


def _deliver_rounds(rel, ids, rounds=8):
    """Run delivery rounds until no escalation is queued. Between rounds the
    back-off is cut short (simulated time: next attempt moved to now)."""
    for _round in range(rounds):
        queued = rel.sql(
            "SELECT count(*) FROM helpdesk_ticket_escalation WHERE id = ANY(%s) "
            "AND state = 'queued'",
            (ids,),
        )[0][0]
        if not queued:
            return True
        rel.sql(
            "UPDATE helpdesk_ticket_escalation SET next_attempt_date = "
            "(now() AT TIME ZONE 'UTC') - interval '1 second' "
            "WHERE id = ANY(%s) AND state = 'queued'",
            (ids,),
        )
        rel.trigger_cron(rel.delivery_id)

        def round_done():
            if _due_count(rel, ids):
                rel.trigger_cron(rel.delivery_id)
                return False
            return True

        wait_until(round_done, 120, 0.5, "a delivery round")
    return False


# ----------------------------------------------------------------------
# 3. Teams endpoint misbehaving
# ----------------------------------------------------------------------
PLANS = {
    # answers of the stand-in to the 2nd, 3rd... attempt (the 1st is refused)
    "stall_then_ok": (["stall", "ok"], "sent"),
    "500_twice": (["error500", "error500", "ok"], "sent"),
    "retry_after": (["retry_after", "retry_after", "ok"], "sent"),
    "slow_body": (["slow_body"], "sent"),
    "always_500": (["error500"] * 6, "failed"),
}


def test_teams_endpoint_misbehaving(rel):
    per_plan = scale(1, 4)
    samples = scale(8, 40)
    admin, teams = rel.admin, rel.teams
    agent = _agent(rel, "rel_teams_agent")
    agent_ticket = next(iter(rel.create_incidents(1)))
    teams.set("ok")
    teams.clear()
    baseline = _timed_updates(agent, agent_ticket, samples)
    try:
        rel.set_crons([rel.delivery_id], False)
        tickets = rel.create_incidents(per_plan * len(PLANS))
        expected = {}
        for (ticket_id, key), plan in zip(
            tickets.items(), [p for p in PLANS for _i in range(per_plan)], strict=True
        ):
            teams.plans[key] = list(PLANS[plan][0])
            expected[ticket_id] = (key, plan, PLANS[plan][1])
        admin("helpdesk.ticket", "action_escalate", list(tickets), rel.target_id)
        escalations = admin(
            "helpdesk.ticket.escalation",
            "search_read",
            [("ticket_id", "in", list(tickets))],
            fields=["ticket_id"],
        )
        ids = [e["id"] for e in escalations]
        # First attempt: connection refused.
        teams.down()
        rel.set_crons([rel.delivery_id], True)
        rel.trigger_cron(rel.delivery_id)
        wait_until(lambda: not _due_count(rel, ids), 60, 0.5, "the refused round")
        teams.up()
        # The outage: stalls and errors, while an agent keeps working.
        stop = threading.Event()
        during = []
        worker = threading.Thread(
            target=lambda: during.extend(
                _timed_updates(agent, agent_ticket, samples * 3, stop)
            )
        )
        started = time.monotonic()
        worker.start()
        try:
            assert _deliver_rounds(rel, ids), "escalations still queued"
        finally:
            stop.set()
            worker.join(120)
        elapsed = time.monotonic() - started
        rows = admin(
            "helpdesk.ticket.escalation",
            "read",
            ids,
            ["ticket_id", "state", "attempt_count", "last_error"],
        )
        accepted = teams.accepted()
        for row in rows:
            key, plan, state = expected[row["ticket_id"][0]]
            assert row["state"] == state, (plan, row)
            assert accepted.get(key, 0) == (1 if state == "sent" else 0), (plan, row)
            if state == "failed":
                assert row["attempt_count"] == 5 and row["last_error"], row
        base_p50, out_p50 = statistics.median(baseline), statistics.median(during)
        assert during, "no agent request completed during the outage"
        assert out_p50 <= max(2 * base_p50, base_p50 + 0.1), (base_p50, out_p50)
        outcomes = {}
        for entry in teams.log():
            outcomes[entry["outcome"]] = outcomes.get(entry["outcome"], 0) + 1
        sent = sum(1 for r in rows if r["state"] == "sent")
        record(
            "3 Teams misbehaving",
            "escalations: sent / failed / posted twice",
            f"{sent} / {len(rows) - sent} / 0 ({elapsed:.0f}s)",
        )
        record(
            "3 Teams misbehaving",
            "faults served (stand-in outcomes)",
            ", ".join(f"{k} {v}" for k, v in sorted(outcomes.items()))
            + f", refused {len(rows)}",
        )
        record(
            "3 Teams misbehaving",
            "agent update p50 without / during outage",
            f"{base_p50 * 1000:.0f} ms / {out_p50 * 1000:.0f} ms",
        )
    finally:
        teams.up()
        teams.set("ok")
        rel.set_crons([rel.delivery_id], True)


# ----------------------------------------------------------------------
# 4. SMTP down, then back
# ----------------------------------------------------------------------
def _email_notifications(rel, ticket_ids):
    return rel.sql(
        "SELECT n.id, n.notification_status, p.email, m.message_id "
        "FROM mail_notification n JOIN mail_message m ON m.id = n.mail_message_id "
        "JOIN res_partner p ON p.id = n.res_partner_id "
        "WHERE n.notification_type = 'email' AND m.model = 'helpdesk.ticket' "
        "AND m.res_id = ANY(%s)",
        (list(ticket_ids),),
    )


def test_smtp_down_then_back(rel):
    count = scale(2, 10)
    admin, smtp = rel.admin, rel.smtp
    stamp = os.getpid()
    customer = admin(
        "res.partner",
        "create",
        {"name": "Rel Customer", "email": f"customer-{stamp}@example.com"},
    )
    executive = admin(
        "res.partner",
        "create",
        {"name": "Rel Executive", "email": f"exec-{stamp}@example.com"},
    )
    before = len(smtp.snapshot())
    smtp.down()
    try:
        tickets = rel.create_incidents(
            count, partner_id=customer, executive_partner_ids=[(6, 0, [executive])]
        )
        ids = list(tickets)
        # The incident goes on while mail cannot leave.
        admin("helpdesk.ticket", "action_post_status_update", ids, "Rollback started.")
        admin(
            "helpdesk.ticket",
            "write",
            ids,
            {"root_cause": "Bad deploy", "resolution_summary": "Rolled back"},
        )
        admin("helpdesk.ticket", "action_mark_resolved", ids)
        admin("helpdesk.ticket", "action_confirm_resolution", ids)
        # Simulated time: the monitoring window is over.
        rel.sql(
            "UPDATE helpdesk_ticket SET monitoring_end_date = "
            "(now() AT TIME ZONE 'UTC') - interval '1 second' WHERE id = ANY(%s)",
            (ids,),
        )
        admin("helpdesk.ticket", "action_log_monitoring", ids, 100.0)
        closed = admin("helpdesk.ticket", "read", ids, ["closed", "monitoring_state"])
        assert all(row["closed"] for row in closed), closed
        expected = _email_notifications(rel, ids)
        assert len(expected) >= 4 * count, expected
        assert len(smtp.snapshot()) == before
    finally:
        smtp.up()
    started = time.monotonic()

    def all_left():
        rows = _email_notifications(rel, ids)
        if any(status != "sent" for _id, status, _e, _m in rows):
            rel.trigger_cron(rel.watchdog_id, rel.mail_cron_id)
            return False
        return rows

    try:
        rows = wait_until(all_left, 180, 2, "queued mail to leave")
    except AssertionError:
        states = rel.sql(
            "SELECT n.notification_status, n.failure_type, mm.state, count(*) "
            "FROM mail_notification n JOIN mail_message m ON m.id = n.mail_message_id "
            "LEFT JOIN mail_mail mm ON mm.id = n.mail_mail_id "
            "WHERE n.notification_type = 'email' AND m.model = 'helpdesk.ticket' "
            "AND m.res_id = ANY(%s) GROUP BY 1, 2, 3",
            (ids,),
        )
        raise AssertionError(f"mail still not delivered: {states}") from None
    elapsed = time.monotonic() - started
    received = [(m["message_id"], tuple(m["to"])) for m in smtp.snapshot()[before:]]
    assert len(received) == len(set(received)), "a mail left twice"
    expected_pairs = {(message_id, email) for _id, _s, email, message_id in rows}
    got = {(mid, rcpt.strip("<>")) for mid, rcpts in received for rcpt in rcpts}
    missing = {pair for pair in expected_pairs if not any(pair[1] == g[1] for g in got)}
    assert not missing, missing
    delivered = {pair for pair in expected_pairs if any(pair[1] == g[1] for g in got)}
    record(
        "4 SMTP down then back",
        "mails queued during outage / delivered / twice",
        f"{len(expected_pairs)} / {len(delivered)} / 0 ({elapsed:.0f}s after SMTP returned)",
    )


# ----------------------------------------------------------------------
# 5. Locks held by another connection
# ----------------------------------------------------------------------
LOCK_FIGURES = {}


def _portal_customer(rel):
    login = f"rel_lock_portal_{os.getpid()}"
    user_id, password = rel.new_user(login, ("base.group_portal",))
    partner_id = rel.admin("res.users", "read", [user_id], ["partner_id"])[0][
        "partner_id"
    ][0]
    return login, password, partner_id


def _timed(call):
    started = time.monotonic()
    try:
        response = call()
        return time.monotonic() - started, response.status_code, response.text[:300]
    except requests.RequestException as error:
        return time.monotonic() - started, None, repr(error)[:300]


def test_locks_crons_wait_bounded_and_catch_up(rel):
    hold = scale(12, 30)
    admin = rel.admin
    login, password, partner_id = _portal_customer(rel)
    tickets = rel.create_incidents(2, partner_id=partner_id)
    locked_id, other_id = list(tickets)
    admin(
        "helpdesk.ticket",
        "write",
        [locked_id, other_id],
        {"root_cause": "Lock", "resolution_summary": "Wait"},
    )
    admin("helpdesk.ticket", "action_mark_resolved", [locked_id, other_id])
    token = admin("helpdesk.ticket", "read", [locked_id], ["monitoring_token"])[0][
        "monitoring_token"
    ]
    session = portal_session(rel.url, rel.db, login, password)
    page = session.get(f"{rel.url}/my/ticket/{locked_id}", timeout=30)
    assert page.status_code == 200
    csrf = csrf_token(page.text)
    assert csrf
    rel.teams.set("ok")
    # Due work for both crons: overdue tickets, a queued escalation.
    rel.sql(
        "UPDATE helpdesk_ticket SET next_update_deadline = "
        "(now() AT TIME ZONE 'UTC') - interval '1 minute' WHERE id = ANY(%s)",
        ([locked_id, other_id],),
    )
    results = {}
    holder = rel.connect()
    holder.autocommit = False
    try:
        with holder.cursor() as cr:
            cr.execute(
                "SELECT id FROM helpdesk_ticket WHERE id = %s FOR UPDATE", (locked_id,)
            )
            cr.execute(
                "LOCK TABLE helpdesk_ticket_monitoring_log, helpdesk_ticket_escalation IN ACCESS EXCLUSIVE MODE"
            )
        locked_at = time.monotonic()
        rel.trigger_cron(rel.watchdog_id, rel.delivery_id)
        calls = {
            "portal confirmation": lambda: session.post(
                f"{rel.url}/my/ticket/{locked_id}/confirm_resolution",
                data={"csrf_token": csrf},
                allow_redirects=False,
                timeout=hold + 30,
            ),
            "monitoring feed": lambda: requests.post(
                f"{rel.url}/helpdesk_expedite/monitoring/{locked_id}",
                json={"success_rate": 100},
                headers={"X-Monitoring-Token": token},
                timeout=hold + 30,
            ),
        }
        threads = [
            threading.Thread(
                target=lambda n=name, c=call: results.__setitem__(n, _timed(c))
            )
            for name, call in calls.items()
        ]
        for thread in threads:
            thread.start()
        time.sleep(max(0.0, hold - (time.monotonic() - locked_at)))
    finally:
        holder.rollback()
        holder.close()
    for thread in threads:
        thread.join(60)
    LOCK_FIGURES.update(results)
    for name, (_seconds, status, body) in results.items():
        # an answer, never a server error; 409/503 "try again" is fine
        assert status is not None, (name, body)
        try_again = status in (409, 503) and "again" in body.lower()
        assert status < 500 or try_again, (name, status, body)
    # Catch up: each overdue ticket alerted once, the crons still active.
    activity_type = admin.ref("helpdesk_expedite.mail_activity_type_update_overdue")

    def caught_up():
        counts = dict(
            rel.sql(
                "SELECT res_id, count(*) FROM mail_activity WHERE res_model = "
                "'helpdesk.ticket' AND activity_type_id = %s AND res_id = ANY(%s) "
                "GROUP BY res_id",
                (activity_type, [locked_id, other_id]),
            )
        )
        if len(counts) < 2:
            rel.trigger_cron(rel.watchdog_id)
            return False
        return counts

    counts = wait_until(caught_up, 120, 1, "the watchdog to catch up")
    assert set(counts.values()) == {1}, counts
    crons = admin(
        "ir.cron",
        "search_read",
        [
            ("active", "=", False),
            ("id", "in", [rel.watchdog_id, rel.delivery_id, rel.mail_cron_id]),
        ],
        fields=["name"],
    )
    assert not crons, crons
    failures = rel.sql("SELECT id, failure_count FROM ir_cron WHERE failure_count > 0")
    assert not failures, failures
    record(
        "5 locks held",
        f"locks held {hold}s: crons deactivated / alerts missed",
        "0 / 0",
    )
    for name, (seconds, status, _body) in results.items():
        record("5 locks held", f"{name}: status, seconds", f"{status}, {seconds:.1f}s")


def test_locks_answer_try_again_within_ten_seconds(rel):
    if not LOCK_FIGURES:
        pytest.skip("the lock case did not run")
    for name, (seconds, status, body) in LOCK_FIGURES.items():
        assert seconds <= 10, (name, seconds, status)
        if status not in (200, 201, 302, 303):
            assert status in (409, 503) and "again" in body.lower(), (
                name,
                status,
                body,
            )
