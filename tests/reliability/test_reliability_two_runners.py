"""Case 10: two runners of one cron on one queue, their transactions
overlapping (CI subset and full run alike; a few seconds each).

Two servers' cron workers run the Teams delivery (or the watchdog) over the
same rows. Odoo's transactions are REPEATABLE READ: a runner whose
transaction began before the other runner committed a row cannot lock that
row afterwards, PostgreSQL refuses with "could not serialize access due to
concurrent update". A runner must skip such a row and go on with the rest,
without an ERROR and without failing its run.

The two runners are copies of the shipped cron in the suite's server (two
cron workers). Runner A's code starts by waiting on an advisory lock the
test holds: its transaction (and snapshot) has begun, as a real runner's
has while the cron framework reads its job and the delivery prepares its
cards; meanwhile runner B works and commits. The test then lets A go and
watches what it does with the rows B changed, B holds, or nobody touched.
"""

import time

from harness import wait_until
from relkit import record

GATE_KEY = 461170  # advisory lock key of runner A's gate
GATE = f"env.cr.execute('SELECT pg_advisory_xact_lock({GATE_KEY})')\n"
TIMEOUT_PARAM = "helpdesk_expedite.teams_timeout"


class Runners:
    """Runner A (gated) and runner B: copies of a cron, the cron paused."""

    def __init__(self, rel, cron_id, code):
        self.rel, self.cron_id = rel, cron_id
        admin = rel.admin
        rel.set_crons([cron_id], False)
        self.ids = []
        for name, prefix in (("A", GATE), ("B", "")):
            (copy,) = admin("ir.cron", "copy", [cron_id])
            self.ids.append(copy)
            rel.set_crons([copy], False)
            admin(
                "ir.cron",
                "write",
                [copy],
                {"name": f"two runners: {name}", "code": prefix + code},
            )
            rel.sql("UPDATE ir_cron SET lastcall = NULL WHERE id = %s", (copy,))
        self.a, self.b = self.ids
        self.gate = None
        self.log_start = len(rel.server.read_log())

    def close_gate(self):
        self.gate = self.rel.connect()
        with self.gate.cursor() as cr:
            cr.execute("SELECT pg_advisory_lock(%s)", (GATE_KEY,))

    def open_gate(self):
        if self.gate is not None:
            self.gate.close()  # ends the session: its advisory lock goes
            self.gate = None

    def start(self, runner):
        self.rel.set_crons([runner], True)
        self.rel.trigger_cron(runner)

    def wait_gated(self):
        """Until runner A's transaction waits at the gate."""
        wait_until(
            lambda: self.rel.sql(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' "
                "AND objid = %s AND NOT granted",
                (GATE_KEY,),
            )[0][0],
            60,
            0.1,
            "runner A at its gate",
        )

    def finished(self, runner):
        """Whether the runner's job ended (done or failed: lastcall set)."""
        return self.rel.sql("SELECT lastcall FROM ir_cron WHERE id = %s", (runner,))[0][
            0
        ]

    def wait_finished(self, runner, what):
        wait_until(lambda: self.finished(runner), 60, 0.2, what)

    def failures(self):
        return self.rel.sql(
            "SELECT cron_name, failure_count FROM ir_cron "
            "WHERE id = ANY(%s) AND failure_count > 0",
            (self.ids,),
        )

    def errors(self):
        """ERROR lines the server logged since the runners were made."""
        text = self.rel.server.read_log()[self.log_start :]
        return [line for line in text.splitlines() if " ERROR " in line]

    def close(self):
        self.open_gate()
        rel = self.rel
        rel.set_crons(self.ids, False)
        rel.admin("ir.cron", "unlink", self.ids)
        rel.set_crons([self.cron_id], True)


def _escalation_states(rel, ids):
    return dict(
        rel.sql(
            "SELECT id, state FROM helpdesk_ticket_escalation WHERE id = ANY(%s)",
            (ids,),
        )
    )


def test_two_delivery_runners_skip_what_the_other_took(rel):
    admin, teams = rel.admin, rel.teams
    runners = Runners(rel, rel.delivery_id, "model._cron_deliver_escalations()")
    # B's second card is held in flight longer than the usual read timeout
    admin("ir.config_parameter", "set_param", TIMEOUT_PARAM, "2,60")
    try:
        tickets = rel.create_incidents(3)
        admin("helpdesk.ticket", "action_escalate", list(tickets), rel.target_id)
        rows = admin(
            "helpdesk.ticket.escalation",
            "search_read",
            [("ticket_id", "in", list(tickets))],
            fields=["ticket_id"],
            order="id",
        )
        first, second, third = (row["id"] for row in rows)
        keys = [tickets[row["ticket_id"][0]] for row in rows]
        # first in both runners' queue, before what earlier cases left
        rel.sql(
            "UPDATE helpdesk_ticket_escalation SET next_attempt_date = "
            "(now() AT TIME ZONE 'UTC') - interval '1 day' WHERE id = ANY(%s)",
            ([first, second, third],),
        )
        teams.set("ok")
        teams.clear()
        teams.plans[keys[1]] = ["hold"]
        runners.close_gate()
        runners.start(runners.a)
        runners.wait_gated()
        # B posts the first card, then holds the second in flight
        runners.start(runners.b)
        assert teams.wait_holding(60), "runner B never posted the second card"
        assert _escalation_states(rel, [first])[first] == "sent"
        # A goes on from its old snapshot: the first row changed since
        # (refused by PostgreSQL), the second is locked by B, the third free
        runners.open_gate()
        runners.wait_finished(runners.a, "runner A to end its run")
        states = _escalation_states(rel, [first, second, third])
        assert states == {first: "sent", second: "queued", third: "sent"}, (
            states,
            runners.errors(),
        )
        teams.release()
        runners.wait_finished(runners.b, "runner B to end its run")
        assert set(_escalation_states(rel, [second]).values()) == {"sent"}
        accepted = teams.accepted()
        assert [accepted.get(key, 0) for key in keys] == [1, 1, 1], accepted
        assert not runners.failures(), runners.failures()
        assert not runners.errors(), runners.errors()
        record(
            "10 two delivery runners",
            "cards posted once / runner errors",
            "3 / 0 (A skipped the row B changed, went on)",
        )
    finally:
        teams.release()
        teams.set("ok")
        admin("ir.config_parameter", "set_param", TIMEOUT_PARAM, "2,3")
        runners.close()


def _overdue_counts(rel, ticket_ids):
    activity_type = rel.admin.ref("helpdesk_expedite.mail_activity_type_update_overdue")
    return dict(
        rel.sql(
            "SELECT res_id, count(*) FROM mail_activity WHERE res_model = "
            "'helpdesk.ticket' AND activity_type_id = %s AND res_id = ANY(%s) "
            "GROUP BY res_id",
            (activity_type, list(ticket_ids)),
        )
    )


def _ended_window(rel):
    """A resolved incident whose monitoring window has ended, one check in."""
    admin = rel.admin
    (ticket_id,) = rel.create_incidents(1)
    admin(
        "helpdesk.ticket",
        "write",
        [ticket_id],
        {"root_cause": "Bad deploy", "resolution_summary": "Rolled back"},
    )
    admin("helpdesk.ticket", "action_mark_resolved", [ticket_id])
    admin("helpdesk.ticket", "action_log_monitoring", [ticket_id], 100.0)
    rel.sql(
        "UPDATE helpdesk_ticket SET monitoring_end_date = "
        "(now() AT TIME ZONE 'UTC') - interval '1 second' WHERE id = %s",
        (ticket_id,),
    )
    return ticket_id


def _window_passed_notes(rel, ticket_id):
    return rel.sql(
        "SELECT count(*) FROM mail_message WHERE model = 'helpdesk.ticket' "
        "AND res_id = %s AND body::text LIKE '%%Post-fix monitoring passed%%'",
        (ticket_id,),
    )[0][0]


def test_two_watchdog_runners_skip_what_the_other_took(rel):
    runners = Runners(rel, rel.watchdog_id, "model._cron_update_watchdog()")
    holder = None
    try:
        ids = list(rel.create_incidents(4))
        rel.sql(
            "UPDATE helpdesk_ticket SET next_update_deadline = "
            "(now() AT TIME ZONE 'UTC') - interval '1 day' WHERE id = ANY(%s)",
            (ids,),
        )
        window = _ended_window(rel)
        last = ids[-1]
        # an agent's transaction holds the last ticket while B runs; B also
        # ends the monitoring window
        holder = rel.connect()
        holder.autocommit = False
        with holder.cursor() as cr:
            cr.execute(
                "SELECT id FROM helpdesk_ticket WHERE id = %s FOR UPDATE", (last,)
            )
        runners.close_gate()
        runners.start(runners.a)
        runners.wait_gated()
        started = time.monotonic()
        runners.start(runners.b)
        runners.wait_finished(runners.b, "runner B to end its run")
        assert set(_overdue_counts(rel, ids[:-1]).values()) == {1}
        assert last not in _overdue_counts(rel, ids)
        assert _window_passed_notes(rel, window) == 1
        holder.rollback()  # the agent is done, the ticket unchanged
        # A goes on from its old snapshot: three tickets and the window
        # changed since (refused by PostgreSQL), the last ticket free
        runners.open_gate()
        runners.wait_finished(runners.a, "runner A to end its run")
        counts = _overdue_counts(rel, ids)
        assert counts == dict.fromkeys(ids, 1), (counts, runners.errors())
        assert _window_passed_notes(rel, window) == 1
        assert not runners.failures(), runners.failures()
        assert not runners.errors(), runners.errors()
        record(
            "10 two watchdog runners",
            "overdue tickets alerted once / runner errors",
            f"4 / 0 ({time.monotonic() - started:.1f}s)",
        )
    finally:
        if holder is not None:
            holder.close()
        runners.close()
