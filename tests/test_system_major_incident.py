"""One outage, thirty reporters, over the running server: the reporters'
tickets are linked in bulk, one update on the incident reaches each reporter's
customer once in his language, a reporter's portal page shows the incident and
nothing of the others, and closing the incident closes the thirty. Two agents
linking two incidents crosswise at the same moment do not chain them."""

import threading
import time
import uuid
import xmlrpc.client

import pytest

REPORTERS = 30


@pytest.fixture(scope="module")
def outage(odoo_server, refs):
    """The incident (its own words, so that nothing else matches it) and
    thirty reporters' tickets, a third of them from Vietnamese customers."""
    ex = odoo_server.execute
    tag = uuid.uuid4().hex[:6]
    vietnamese = ex(
        "res.lang", "search", [("code", "=", "vi_VN")], context={"active_test": False}
    )
    wizard = ex("base.language.install", "create", {"lang_ids": [(6, 0, vietnamese)]})
    ex("base.language.install", "lang_install", [wizard])
    service = f"Exam submission {tag}"
    major = odoo_server.create_incident(
        refs, f"Exam submission down {tag}", affected_service=service
    )
    partners = ex(
        "res.partner",
        "create",
        [
            {
                "name": f"Reporter {tag} {index:02d}",
                "email": f"reporter{index:02d}.{tag}@example.com",
                "lang": "vi_VN" if index % 3 == 0 else "en_US",
                "tz": "Asia/Ho_Chi_Minh",
            }
            for index in range(REPORTERS)
        ],
    )
    tickets = odoo_server.json_execute(
        "helpdesk.ticket",
        "create",
        [
            {
                "name": f"Cannot submit my exam {index}",
                "team_id": refs["team"],
                "partner_id": partner,
                "description": "<p>The submit button fails.</p>",
            }
            for index, partner in enumerate(partners)
        ],
    )
    login = f"reporter{tag}"
    ex(
        "res.users",
        "create",
        {
            "name": f"Reporter {tag} 00",
            "login": login,
            "password": login,
            "partner_id": partners[0],
            "groups_id": [(6, 0, [refs["portal_group"]])],
        },
    )
    return {
        "major": major,
        "service": service,
        "partners": partners,
        "tickets": tickets,
        "login": login,
        "tag": tag,
    }


def _mails(odoo_server, ticket_ids, subject_part):
    return odoo_server.execute(
        "mail.mail",
        "search_read",
        [
            ("model", "=", "helpdesk.ticket"),
            ("res_id", "in", ticket_ids),
            ("subject", "ilike", subject_part),
        ],
        fields=["recipient_ids", "body_html", "subject", "res_id"],
    )


def test_a_new_matching_report_is_suggested_and_an_unrelated_one_is_not(
    odoo_server, refs, outage
):
    ex = odoo_server.execute
    matching, unrelated = (
        ex(
            "helpdesk.ticket",
            "create",
            {
                "name": name,
                "description": "<p>Reported by phone.</p>",
                "team_id": refs["team"],
                "affected_service": service,
            },
        )
        for name, service in (
            ("Submit fails", f"  {outage['service'].upper()}!"),
            ("Printer jam", "Library printers"),
        )
    )
    rows = ex(
        "helpdesk.ticket",
        "read",
        [matching, unrelated],
        ["major_incident_suggestion_id", "major_incident_id"],
    )
    assert rows[0]["major_incident_suggestion_id"][0] == outage["major"]
    assert not rows[0]["major_incident_id"], "nothing linked without a decision"
    assert not rows[1]["major_incident_suggestion_id"]


def test_thirty_reporters_follow_their_incident(odoo_server, refs, outage):
    ex = odoo_server.execute
    major, tickets = outage["major"], outage["tickets"]

    # linked in bulk, as the list's action does
    assert ex("helpdesk.ticket", "action_link_to_major_incident", tickets, major)
    count = ex("helpdesk.ticket", "read", [major], ["linked_ticket_count"])[0]
    assert count["linked_ticket_count"] == REPORTERS

    # one update reaches each reporter's customer once, in his language
    ex(
        "helpdesk.ticket",
        "action_post_status_update",
        [major],
        f"Rollback {outage['tag']}",
    )
    mails = [
        m for m in _mails(odoo_server, tickets, "") if outage["tag"] in m["body_html"]
    ]
    recipients = [pid for mail in mails for pid in mail["recipient_ids"]]
    assert sorted(recipients) == sorted(outage["partners"]), "once per customer"
    langs = {
        row["id"]: row["lang"]
        for row in ex("res.partner", "read", outage["partners"], ["lang"])
    }
    for mail in mails:
        (partner,) = mail["recipient_ids"]
        others = [p for p in outage["partners"] if p != partner]
        for other in others:
            index = outage["partners"].index(other)
            assert f"reporter{index:02d}.{outage['tag']}" not in mail["body_html"]
        if langs[partner] == "vi_VN":
            assert "Cập nhật" in mail["subject"], mail["subject"]
        else:
            assert "Incident update" in mail["subject"], mail["subject"]

    # the reporter's portal page shows the incident, nothing of the others
    session = odoo_server.web_session(outage["login"], outage["login"])
    page = session.get(f"{odoo_server.url}/my/ticket/{tickets[0]}", timeout=30)
    assert page.status_code == 200
    assert f"Rollback {outage['tag']}" in page.text
    for index in range(1, REPORTERS):
        assert f"Reporter {outage['tag']} {index:02d}" not in page.text
    major_page = session.get(
        f"{odoo_server.url}/my/ticket/{major}", timeout=30, allow_redirects=False
    )
    assert major_page.status_code in (302, 303, 403, 404)

    # closing the incident resolves the thirty with its summary
    odoo_server.resolve(major, summary=f"Rolled back {outage['tag']}")
    ex(
        "helpdesk.ticket",
        "write",
        [major],
        {"closure_override_reason": "System test", "stage_id": refs["done"]},
    )
    rows = ex("helpdesk.ticket", "read", tickets, ["closed", "resolution_summary"])
    assert all(row["closed"] for row in rows)
    assert {row["resolution_summary"] for row in rows} == {
        f"Rolled back {outage['tag']}"
    }
    closing = [
        m
        for m in _mails(odoo_server, tickets, "")
        if f"Rolled back {outage['tag']}" in m["body_html"]
    ]
    assert sorted(p for m in closing for p in m["recipient_ids"]) == sorted(
        outage["partners"]
    )


def _wait_for_a_lock_wait(odoo_server, agent, timeout=20):
    """Until a session of the server waits for a row lock (or ``agent`` is
    done without waiting)."""
    conn = odoo_server.pg_connection()
    try:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and agent.is_alive():
            with conn.cursor() as cr:
                cr.execute(
                    "SELECT count(*) FROM pg_stat_activity "
                    "WHERE datname = %s AND wait_event_type = 'Lock'",
                    [odoo_server.db],
                )
                if cr.fetchone()[0]:
                    return
            time.sleep(0.05)
    finally:
        conn.close()


def test_two_agents_linking_crosswise_do_not_chain_the_incidents(odoo_server, refs):
    """Agent 1 links A under B while agent 2 links B under A. Agent 1's link
    is caught half-way: A written, not yet committed. Agent 2's link must
    wait for it on A's row (which the add-on locks first, and where it
    writes A's report count), be retried by the server once agent 1
    commits, and be refused: never A under B under A."""
    tag = uuid.uuid4().hex[:6]
    first, second = (
        odoo_server.create_incident(
            refs, f"Crosswise {tag} {n}", affected_service=f"Crosswise {tag} {n}"
        )
        for n in "AB"
    )
    outcome = {}

    def second_agent_links_b_under_a():
        try:
            outcome["result"] = odoo_server.execute(
                "helpdesk.ticket", "action_link_to_major_incident", [second], first
            )
        except xmlrpc.client.Fault as fault:
            outcome["error"] = fault.faultString

    agent = threading.Thread(target=second_agent_links_b_under_a)
    conn = odoo_server.pg_connection(autocommit=False)
    try:
        with conn.cursor() as cr:
            cr.execute(
                "UPDATE helpdesk_ticket SET major_incident_id = %s WHERE id = %s",
                [second, first],
            )
        agent.start()
        _wait_for_a_lock_wait(odoo_server, agent)
        conn.commit()
    finally:
        conn.close()
    agent.join(60)
    assert not agent.is_alive()
    assert "result" not in outcome, "B was linked under A, which is under B"
    assert "is itself linked to" in outcome["error"]
    rows = odoo_server.execute(
        "helpdesk.ticket", "read", [first, second], ["major_incident_id"]
    )
    links = {row["id"]: row["major_incident_id"] for row in rows}
    assert links[first][0] == second
    assert links[second] is False
