"""The one-click escalation acknowledgement, as its recipient uses it: the
link is taken from the escalation mail the server composed, then opened
(GET), confirmed (POST), replayed, altered and left to expire, over real
HTTP against the running server."""

import html
import re
import time
import uuid
from urllib.parse import urlsplit

import harness
import pytest
import requests

LINK = re.compile(
    r'href="([^"]*/helpdesk_expedite/escalation/\d+/acknowledge\?token=[^"]+)"'
)
HOURS_PARAM = "helpdesk_expedite.escalation_ack_link_hours"


@pytest.fixture(scope="module")
def target(odoo_server):
    return odoo_server.execute(
        "helpdesk.escalation.target",
        "create",
        {
            "name": f"Dev Team {uuid.uuid4().hex[:6]}",
            "channel": "email",
            "email": "dev-team@example.com",
        },
    )


def _escalate(odoo_server, target):
    """A new incident escalated to ``target``: (escalation id, link path)."""
    ex = odoo_server.execute
    ticket = ex(
        "helpdesk.ticket",
        "create",
        {
            "name": f"Exam submission outage {uuid.uuid4().hex[:6]}",
            "description": "<p>Students cannot submit.</p>",
            "team_id": odoo_server.ref_id("helpdesk_expedite.team_technical_support"),
            "failure_rate": 100.0,
            "impact_line_ids": [(0, 0, {"name": "WEB102-HN", "affected_users": 30})],
        },
    )
    ex("helpdesk.ticket", "action_escalate", [ticket], target)
    (escalation,) = ex(
        "helpdesk.ticket.escalation", "search", [("ticket_id", "=", ticket)]
    )
    (mail,) = ex(
        "mail.mail",
        "search_read",
        [("model", "=", "helpdesk.ticket.escalation"), ("res_id", "=", escalation)],
        fields=["body_html"],
    )
    url = html.unescape(LINK.search(mail["body_html"]).group(1))
    parts = urlsplit(url)
    return ticket, escalation, f"{parts.path}?{parts.query}"


def _escalation(odoo_server, escalation):
    (row,) = odoo_server.execute(
        "helpdesk.ticket.escalation",
        "read",
        [escalation],
        ["state", "acknowledged_date", "acknowledged_via", "acknowledged_by_name"],
    )
    return row


def _csrf(page):
    token = harness.csrf_token(page.text)
    assert token, "no CSRF token on the page"
    return token


def _confirm(session, odoo_server, link, csrf):
    path, _sep, query = link.partition("?")
    token = query.removeprefix("token=")
    return session.post(
        f"{odoo_server.url}{path}",
        data={"token": requests.utils.unquote(token), "csrf_token": csrf},
        timeout=30,
    )


def test_link_acknowledges_once(odoo_server, target):
    ticket, escalation, link = _escalate(odoo_server, target)
    session = requests.Session()
    # a link previewer, then the person: GET shows, changes nothing
    for _attempt in range(2):
        page = session.get(f"{odoo_server.url}{link}", timeout=30)
        assert page.status_code == 200, page.text[:500]
    # queued: this server runs no mail queue, the mail has not left
    assert _escalation(odoo_server, escalation)["state"] == "queued"
    csrf = _csrf(page)
    done = _confirm(session, odoo_server, link, csrf)
    assert done.status_code == 200, done.text[:500]
    assert "o_escalation_ack_done" in done.text
    after = _escalation(odoo_server, escalation)
    assert after["state"] == "acknowledged"
    assert after["acknowledged_via"] == "link"
    assert after["acknowledged_by_name"].startswith("Dev Team")
    (card,) = odoo_server.execute(
        "helpdesk.ticket", "read", [ticket], ["escalation_ack_minutes"]
    )
    assert card["escalation_ack_minutes"] >= 0.0
    # replayed, by POST and by GET (and from another browser): refused
    replays = (
        _confirm(session, odoo_server, link, csrf),
        session.get(f"{odoo_server.url}{link}", timeout=30),
        requests.get(f"{odoo_server.url}{link}", timeout=30),
    )
    assert [r.status_code for r in replays] == [410, 410, 410]
    assert _escalation(odoo_server, escalation) == after


def test_altered_link_is_refused(odoo_server, target):
    _ticket, escalation, link = _escalate(odoo_server, target)
    last = link[-1]
    altered = link[:-1] + ("0" if last != "0" else "1")
    session = requests.Session()
    page = session.get(f"{odoo_server.url}{altered}", timeout=30)
    assert page.status_code == 403
    assert "o_escalation_ack_form" not in page.text
    csrf = _csrf(session.get(f"{odoo_server.url}{link}", timeout=30))
    response = _confirm(session, odoo_server, altered, csrf)
    assert response.status_code == 403
    # no token, a huge one, an id out of range: 4xx, never 500
    path = link.partition("?")[0]
    for url in (
        path,
        f"{path}?token={'9' * 5000}",
        "/helpdesk_expedite/escalation/99999999999/acknowledge?token=1",
    ):
        assert (
            400 <= session.get(f"{odoo_server.url}{url}", timeout=30).status_code < 500
        )
    assert _escalation(odoo_server, escalation)["state"] == "queued"


def test_expired_link_is_refused(odoo_server, target):
    odoo_server.execute("ir.config_parameter", "set_param", HOURS_PARAM, "0.0003")
    try:
        _ticket, escalation, link = _escalate(odoo_server, target)
    finally:
        odoo_server.execute("ir.config_parameter", "set_param", HOURS_PARAM, "24")
    time.sleep(1.5)  # the link lived about one second
    page = requests.get(f"{odoo_server.url}{link}", timeout=30)
    assert page.status_code == 410
    assert "expired" in page.text
    assert _escalation(odoo_server, escalation)["state"] == "queued"


def _other_company_portal_user(odoo_server, refs):
    """A portal user of another company: (login, password)."""
    ex = odoo_server.execute
    stamp = uuid.uuid4().hex[:6]
    company = ex("res.company", "create", {"name": f"Other school {stamp}"})
    login = password = f"other-portal-{stamp}"
    ex(
        "res.users",
        "create",
        {
            "name": f"Other Portal {stamp}",
            "login": login,
            "password": password,
            "groups_id": [(6, 0, [refs["portal_group"]])],
            "company_id": company,
            "company_ids": [(6, 0, [company])],
        },
    )
    return login, password


def test_portal_user_of_another_company_is_not_recorded(odoo_server, refs, target):
    """Finding 19.5: a portal user of another company who opened the link
    was recorded as the Dev Team's acknowledger; the page could be framed."""
    _ticket, escalation, link = _escalate(odoo_server, target)
    login, password = _other_company_portal_user(odoo_server, refs)
    session = odoo_server.web_session(login, password)
    page = session.get(f"{odoo_server.url}{link}", timeout=30)
    assert page.status_code == 200, page.text[:500]
    for response in (page, session.get(f"{odoo_server.url}{link}x", timeout=30)):
        assert response.headers.get("X-Frame-Options") == "DENY"
        assert response.headers.get("Content-Security-Policy") == (
            "frame-ancestors 'none'"
        )
    done = _confirm(session, odoo_server, link, _csrf(page))
    assert done.status_code == 200, done.text[:500]
    (row,) = odoo_server.execute(
        "helpdesk.ticket.escalation",
        "read",
        [escalation],
        ["state", "acknowledged_by_id", "acknowledged_by_name"],
    )
    assert row["state"] == "acknowledged"
    assert row["acknowledged_by_id"] is False
    assert row["acknowledged_by_name"].startswith("Dev Team")


def test_sending_again_revokes_the_old_link(odoo_server, target):
    """Finding 19.5: sending an escalation again left its old link valid,
    though the refusal page says a resend revokes it."""
    _ticket, escalation, old_link = _escalate(odoo_server, target)
    login = password = f"agent-{uuid.uuid4().hex[:6]}"
    odoo_server.execute(
        "res.users",
        "create",
        {
            "name": "Resending Agent",
            "login": login,
            "password": password,
            "groups_id": [
                (6, 0, [odoo_server.ref_id("helpdesk_mgmt.group_helpdesk_user")])
            ],
        },
    )
    odoo_server.execute(
        "helpdesk.ticket.escalation",
        "action_send",
        [escalation],
        login=login,
        password=password,
    )
    mails = odoo_server.execute(
        "mail.mail",
        "search_read",
        [("model", "=", "helpdesk.ticket.escalation"), ("res_id", "=", escalation)],
        fields=["state", "body_html"],
        order="id",
    )
    assert [mail["state"] for mail in mails] == ["cancel", "outgoing"]
    new_link = html.unescape(LINK.search(mails[-1]["body_html"]).group(1))
    session = requests.Session()
    old = session.get(f"{odoo_server.url}{old_link}", timeout=30)
    assert old.status_code == 403
    assert "replaced by a newer link" in old.text
    new_path = urlsplit(new_link)
    page = session.get(f"{odoo_server.url}{new_path.path}?{new_path.query}", timeout=30)
    assert page.status_code == 200
    assert _escalation(odoo_server, escalation)["state"] == "queued"
