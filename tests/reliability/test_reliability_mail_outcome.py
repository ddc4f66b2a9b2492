"""Case 11: an email escalation follows the real outcome of its mail (CI
subset and full run alike).

The escalations go by email through the suite's server, its mail queue and
the SMTP sink: a recipient the sink refuses for good (550), the sink down
then back, and the reviewers' request of finding 19.3 (a portal ticket whose
title carries a line break and a Bcc header).
"""

import os
import re
import time

from harness import csrf_token, wait_until
from harness import web_session as portal_session
from relkit import record

ESCALATION = "helpdesk.ticket.escalation"
BCC_TITLE = "Exam down\r\nBcc: x@example.com"


def _target(rel, address):
    return rel.admin(
        "helpdesk.escalation.target",
        "create",
        {"name": f"Mail team {address}", "channel": "email", "email": address},
    )


def _escalate(rel, ticket_id, target_id):
    rel.admin("helpdesk.ticket", "action_escalate", [ticket_id], target_id)
    (escalation,) = rel.admin(ESCALATION, "search", [("ticket_id", "=", ticket_id)])
    return escalation


def _read(rel, escalation):
    (row,) = rel.admin(
        ESCALATION,
        "read",
        [escalation],
        ["state", "attempt_count", "last_error", "next_attempt_date"],
    )
    return row


def _mail_states(rel, escalation):
    return [
        row[0]
        for row in rel.sql(
            "SELECT mail.state FROM mail_mail mail JOIN mail_message message "
            "ON message.id = mail.mail_message_id WHERE message.model = %s "
            "AND message.res_id = %s ORDER BY mail.id",
            (ESCALATION, escalation),
        )
    ]


def _wait_attempts(rel, escalation, attempts):
    def tried():
        row = _read(rel, escalation)
        if row["attempt_count"] < attempts and row["state"] not in ("failed",):
            rel.trigger_cron(rel.mail_cron_id)
            return False
        return row

    return wait_until(tried, 60, 0.5, f"attempt {attempts} of the escalation mail")


def _failure_alerts(rel, ticket_id):
    return rel.admin(
        "mail.activity",
        "search_count",
        [
            ("res_model", "=", "helpdesk.ticket"),
            ("res_id", "=", ticket_id),
            ("summary", "like", "Escalation to Mail team"),
        ],
    )


def test_refused_recipient_fails_the_escalation_at_once(rel):
    refused = f"refused-{os.getpid()}@example.com"
    rel.smtp.refusals[refused] = "550 5.1.1 No such user here"
    try:
        (ticket_id,) = rel.create_incidents(1)
        escalation = _escalate(rel, ticket_id, _target(rel, refused))
        assert _read(rel, escalation)["state"] == "queued"
        row = _wait_attempts(rel, escalation, 1)
        assert (row["state"], row["attempt_count"]) == ("failed", 1), row
        assert "550" in row["last_error"], row
        assert _failure_alerts(rel, ticket_id) == 1
        # neither the delivery cron nor the watchdog queues it again
        rel.trigger_cron(rel.delivery_id, rel.watchdog_id, rel.mail_cron_id)
        time.sleep(3)
        assert _read(rel, escalation)["state"] == "failed"
        assert _mail_states(rel, escalation) == ["exception"]
    finally:
        rel.smtp.refusals.pop(refused, None)
    record("11 mail outcome", "refused for good (550)", "failed at once, alerted")


def test_smtp_down_then_back_retries_then_sends(rel):
    address = f"devteam-{os.getpid()}@example.com"
    target = _target(rel, address)
    (ticket_id,) = rel.create_incidents(1)
    rel.smtp.down()
    try:
        escalation = _escalate(rel, ticket_id, target)
        row = _wait_attempts(rel, escalation, 1)
        assert (row["state"], row["attempt_count"]) == ("queued", 1), row
        assert row["last_error"] and row["next_attempt_date"], row
    finally:
        rel.smtp.up()
    before = len(rel.smtp.snapshot())
    # Simulated time: the back-off is over.
    rel.sql(
        "UPDATE helpdesk_ticket_escalation SET next_attempt_date = "
        "(now() AT TIME ZONE 'UTC') - interval '1 second' WHERE id = %s",
        (escalation,),
    )
    rel.trigger_cron(rel.delivery_id)

    def sent():
        row = _read(rel, escalation)
        if row["state"] != "sent":
            rel.trigger_cron(rel.delivery_id, rel.mail_cron_id)
            return False
        return row

    row = wait_until(sent, 60, 0.5, "the escalation mail after SMTP's return")
    assert row["attempt_count"] == 2, row
    received = [m for m in rel.smtp.snapshot()[before:] if f"<{address}>" in m["to"]]
    assert len(received) == 1, received
    assert _failure_alerts(rel, ticket_id) == 0
    record("11 mail outcome", "SMTP down, then back", "queued, retried, sent once")


def test_portal_title_with_a_header_never_shows_sent_unless_sent(rel):
    """The reviewers' request: a portal ticket titled "Exam down\\r\\nBcc:
    x@example.com", escalated by email. Whatever becomes of the title, the
    escalation shows what happened to its mail, and nobody is Bcc'd."""
    login = f"rel_portal_title_{os.getpid()}"
    _uid, password = rel.new_user(login, ("base.group_portal",))
    session = portal_session(rel.url, rel.db, login, password)
    form = session.get(f"{rel.url}/new/ticket", timeout=60)
    assert form.status_code == 200
    created = session.post(
        f"{rel.url}/submitted/ticket",
        data={
            "subject": BCC_TITLE,
            "description": "Students cannot submit.",
            "csrf_token": csrf_token(form.text),
        },
        allow_redirects=False,
        timeout=60,
    )
    assert created.status_code in (302, 303), created.text[:300]
    ticket_id = int(re.search(r"/my/ticket/(\d+)", created.headers["Location"])[1])
    address = f"devteam-title-{os.getpid()}@example.com"
    before = len(rel.smtp.snapshot())
    escalation = _escalate(rel, ticket_id, _target(rel, address))
    row = _wait_attempts(rel, escalation, 1)
    (mail_state,) = _mail_states(rel, escalation)
    received = rel.smtp.snapshot()[before:]
    assert not [m for m in received if any("x@example.com" in to for to in m["to"])]
    if mail_state == "sent":
        assert row["state"] == "sent", row
    else:
        assert (mail_state, row["state"]) == ("exception", "failed"), row
        assert "linefeed" in row["last_error"] or "Invalid" in row["last_error"]
        assert _failure_alerts(rel, ticket_id) == 1
    record(
        "11 mail outcome",
        "portal title with a Bcc line: mail / escalation",
        f"{mail_state} / {row['state']}",
    )
