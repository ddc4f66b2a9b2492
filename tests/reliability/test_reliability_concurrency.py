"""Cases 1, 2 and 6: concurrent agents, two cron workers at once, a cron
worker killed while it posts escalations."""

import os
import random
import signal
import time
from concurrent.futures import ThreadPoolExecutor

from harness import RpcError, wait_until
from relkit import record, scale

# Errors an agent may get back for a refused write: Odoo's own, with a message.
CLEAN_ERRORS = (
    "odoo.exceptions.UserError",
    "odoo.exceptions.ValidationError",
    "odoo.exceptions.AccessError",
    "odoo.exceptions.MissingError",
)
AGENT_GROUPS = ("helpdesk_mgmt.group_helpdesk_user",)


def _agents(rel, count, prefix):
    agents = []
    for index in range(count):
        login, _password = f"{prefix}_{index}_{os.getpid()}", None
        _uid, password = rel.new_user(login, AGENT_GROUPS)
        agents.append(rel.rpc(login, password))
    return agents


# ----------------------------------------------------------------------
# 1. Concurrent edits
# ----------------------------------------------------------------------
def test_concurrent_conflicting_edits(rel):
    writes = scale(20, 100)
    agents = _agents(rel, 2, "rel_edit")
    ticket_id = next(iter(rel.create_incidents(1)))
    admin = rel.admin
    ticket = admin("helpdesk.ticket", "read", [ticket_id], ["impact_line_ids"])[0]
    shared_line = ticket["impact_line_ids"][0]
    stages = admin(
        "helpdesk.ticket.stage",
        "search",
        [("closed", "=", False), ("unattended", "=", False)],
        limit=3,
    )

    def agent_loop(index):
        rpc = agents[index]
        rng = random.Random(index)
        outcomes = []
        for step in range(writes):
            kind = ("line", "new_line", "update", "stage")[step % 4]
            tag = f"A{index}S{step}"
            try:
                if kind == "line":
                    rpc(
                        "helpdesk.ticket",
                        "write",
                        [ticket_id],
                        {
                            "impact_line_ids": [
                                (
                                    1,
                                    shared_line,
                                    {"affected_users": rng.randint(26, 90)},
                                )
                            ]
                        },
                    )
                elif kind == "new_line":
                    rpc(
                        "helpdesk.ticket",
                        "write",
                        [ticket_id],
                        {
                            "impact_line_ids": [
                                (0, 0, {"name": tag, "affected_users": 1})
                            ]
                        },
                    )
                elif kind == "update":
                    rpc(
                        "helpdesk.ticket",
                        "action_post_status_update",
                        [ticket_id],
                        f"Update {tag}",
                    )
                else:
                    rpc(
                        "helpdesk.ticket",
                        "write",
                        [ticket_id],
                        {"stage_id": rng.choice(stages)},
                    )
                outcomes.append((kind, tag, "ok", None))
            except RpcError as error:
                outcomes.append(
                    (kind, tag, error.name or f"HTTP {error.status}", error.message)
                )
        return outcomes

    with ThreadPoolExecutor(max_workers=2) as pool:
        results = [o for outcomes in pool.map(agent_loop, range(2)) for o in outcomes]

    unclean = [o for o in results if o[2] not in ("ok", *CLEAN_ERRORS)]
    assert not unclean, unclean[:5]
    refused = [o for o in results if o[2] != "ok"]
    assert all(o[3] and len(o[3]) > 10 for o in refused), refused[:5]

    ticket = admin(
        "helpdesk.ticket",
        "read",
        [ticket_id],
        ["affected_user_count", "affected_group_count", "impact_line_ids"],
    )[0]
    lines = admin(
        "helpdesk.ticket.impact.line",
        "read",
        ticket["impact_line_ids"],
        ["name", "affected_users"],
    )
    assert ticket["affected_user_count"] == sum(
        line["affected_users"] for line in lines
    )
    assert ticket["affected_group_count"] == len(lines)
    # every persisted write is there, every refused one is not
    names = {line["name"] for line in lines}
    for kind, tag, outcome, _message in results:
        if kind == "new_line":
            assert (tag in names) == (outcome == "ok"), (tag, outcome)
    bodies = {
        row["body"]
        for row in admin(
            "helpdesk.ticket.status.update",
            "search_read",
            [("ticket_id", "=", ticket_id)],
            fields=["body"],
        )
    }
    for kind, tag, outcome, _message in results:
        if kind == "update":
            found = any(f"Update {tag}" in (body or "") for body in bodies)
            assert found == (outcome == "ok"), (tag, outcome)
    ok = sum(1 for o in results if o[2] == "ok")
    record(
        "1 concurrent edits",
        "writes tried / persisted / refused",
        f"{len(results)} / {ok} / {len(refused)}",
    )
    record(
        "1 concurrent edits",
        "totals equal sum of lines",
        f"yes ({ticket['affected_user_count']} users, {len(lines)} lines)",
    )


# ----------------------------------------------------------------------
# 2. Two cron workers at once
# ----------------------------------------------------------------------
def _overdue_counts(rel, ticket_ids):
    """Per ticket: overdue activities, overdue notes."""
    activity_type = rel.admin.ref("helpdesk_expedite.mail_activity_type_update_overdue")
    activities = dict(
        rel.sql(
            "SELECT res_id, count(*) FROM mail_activity WHERE res_model = "
            "'helpdesk.ticket' AND activity_type_id = %s AND res_id = ANY(%s) "
            "GROUP BY res_id",
            (activity_type, list(ticket_ids)),
        )
    )
    notes = dict(
        rel.sql(
            "SELECT res_id, count(*) FROM mail_message WHERE model = "
            "'helpdesk.ticket' AND res_id = ANY(%s) AND body::text LIKE "
            "'%%Customer update overdue since%%' GROUP BY res_id",
            (list(ticket_ids),),
        )
    )
    return activities, notes


def test_two_cron_workers_at_once(rel):
    count = scale(30, 1000)
    admin = rel.admin
    crons = [rel.watchdog_id, rel.delivery_id]
    copies = []
    rel.teams.set("ok")
    rel.teams.clear()
    try:
        # Pause both crons while the due records are made.
        rel.set_crons(crons, False)
        copies = [admin("ir.cron", "copy", [cron_id])[0] for cron_id in crons]
        rel.set_crons(copies, False)
        tickets = rel.create_incidents(count)
        ids = list(tickets)
        # Simulated time: the promised update is now overdue.
        rel.sql(
            "UPDATE helpdesk_ticket SET next_update_deadline = "
            "(now() AT TIME ZONE 'UTC') - interval '1 minute' WHERE id = ANY(%s)",
            (ids,),
        )
        for start in range(0, count, 200):
            admin(
                "helpdesk.ticket",
                "action_escalate",
                ids[start : start + 200],
                rel.target_id,
            )
        started = time.monotonic()
        # Both crons and their copies at once: each cron worker takes one.
        rel.set_crons(crons + copies, True)
        rel.trigger_cron(*crons, *copies)

        def done():
            queued = admin(
                "helpdesk.ticket.escalation",
                "search_count",
                [("ticket_id", "in", ids), ("state", "=", "queued")],
            )
            activities, _notes = _overdue_counts(rel, ids)
            if queued or len(activities) < count:
                rel.trigger_cron(*crons, *copies)  # partially done: go on
                return False
            return True

        wait_until(done, scale(240, 900), 2, "watchdog and delivery to finish")
        elapsed = time.monotonic() - started
        activities, notes = _overdue_counts(rel, ids)
        assert set(activities) == set(ids)
        assert set(activities.values()) == {1}, "an overdue period alerted twice"
        assert set(notes.values()) == {1} and len(notes) == count
        states = admin(
            "helpdesk.ticket.escalation",
            "read_group",
            [("ticket_id", "in", ids)],
            ["state"],
            ["state"],
        )
        assert {(g["state"], g["state_count"]) for g in states} == {("sent", count)}
        accepted = rel.teams.accepted()
        keys = set(tickets.values())
        assert {k: v for k, v in accepted.items() if k in keys} == dict.fromkeys(
            keys, 1
        )
        lastcalls = admin("ir.cron", "read", crons + copies, ["lastcall"])
        assert all(row["lastcall"] for row in lastcalls), "a cron copy never ran"
        record(
            "2 two cron workers",
            "overdue tickets alerted once / escalations posted once",
            f"{count} / {count} in {elapsed:.0f}s",
        )
    finally:
        if copies:
            rel.set_crons(copies, False)
            admin("ir.cron", "unlink", copies)
        rel.set_crons(crons, True)


# ----------------------------------------------------------------------
# 6. Crash mid-delivery
# ----------------------------------------------------------------------
def test_cron_worker_killed_mid_delivery(rel):
    count = scale(8, 40)
    admin = rel.admin
    teams, server = rel.teams, rel.server
    teams.clear()
    try:
        rel.set_crons([rel.delivery_id], False)
        tickets = rel.create_incidents(count)
        ids = list(tickets)
        admin("helpdesk.ticket", "action_escalate", ids, rel.target_id)
        # Two cards go through, the third is held in flight.
        teams.set("ok", script=["ok", "ok", "hold"])
        rel.set_crons([rel.delivery_id], True)
        before = server.cron_worker_pids()
        rel.trigger_cron(rel.delivery_id)
        assert teams.wait_holding(60), "no delivery reached the stand-in"
        pid = server.pid_of_client_port(teams._held_port)
        assert pid in before, (pid, before)
        os.kill(pid, signal.SIGKILL)
        wait_until(lambda: pid not in server.cron_worker_pids(), 30, 0.2, "the kill")
        teams.release(client_gone=True)
        # The master starts a new cron worker; delivery resumes.
        wait_until(
            lambda: len(server.cron_worker_pids()) >= 2, 60, 0.5, "a new cron worker"
        )

        def delivered():
            states = admin(
                "helpdesk.ticket.escalation",
                "search_read",
                [("ticket_id", "in", ids)],
                fields=["state"],
            )
            if any(s["state"] == "queued" for s in states):
                rel.trigger_cron(rel.delivery_id)
                return False
            return states

        states = wait_until(delivered, 180, 2, "deliveries after the restart")
        assert {s["state"] for s in states} == {"sent"}
        accepted = teams.accepted()
        keys = set(tickets.values())
        assert {k: v for k, v in accepted.items() if k in keys} == dict.fromkeys(
            keys, 1
        )
        cut = [e for e in teams.log() if e["outcome"] == "client_gone"]
        assert len(cut) == 1
        record(
            "6 crash mid-delivery",
            "escalations sent once / lost / in flight at kill",
            f"{count} / 0 / 1",
        )
    finally:
        teams.set("ok")
        rel.set_crons([rel.delivery_id], True)
