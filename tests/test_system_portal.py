"""The customer's portal page of an incident, over HTTP as the portal user."""

import re

import harness
import pytest
import requests

INTERNAL_MARKERS = (
    "INTERNAL-FINDING-7731",
    "INTERNAL-ASSESSMENT-7731",
    "INTERNAL-CHECK-RESULT-7731",
    "INTERNAL-MONITOR-NOTE-7731",
    "INTERNAL-CHATTER-NOTE-7731",
)


def _portal_session(odoo_server, login="portal", password="portal"):
    return odoo_server.web_session(login, password)


@pytest.fixture(scope="module")
def portal_ticket(odoo_server):
    """An expedite ticket whose customer is the demo portal user."""
    ex = odoo_server.execute
    portal_user = ex(
        "res.users", "search_read", [("login", "=", "portal")], fields=["partner_id"]
    )
    assert portal_user, "the demo portal user (portal/portal) is missing"
    partner_id = portal_user[0]["partner_id"][0]
    ticket_id = ex(
        "helpdesk.ticket",
        "create",
        {
            "name": "Portal incident (system test)",
            "description": "<p>Students cannot submit.</p>",
            "team_id": odoo_server.ref_id("helpdesk_expedite.team_technical_support"),
            "partner_id": partner_id,
            "failure_rate": 100,
            "findings": "<p>INTERNAL-FINDING-7731</p>",
            "preliminary_assessment": "INTERNAL-ASSESSMENT-7731",
            "impact_line_ids": [
                (0, 0, {"name": "WEB102-HN", "affected_users": 20}),
                (0, 0, {"name": "DATA101-SG", "affected_users": 18}),
                (0, 0, {"name": "MOBILE201-HN", "affected_users": 15}),
            ],
        },
    )
    ticket = ex(
        "helpdesk.ticket", "read", [ticket_id], ["class_of_service", "check_ids"]
    )[0]
    assert ticket["class_of_service"] == "expedite"
    if ticket["check_ids"]:
        ex(
            "helpdesk.ticket.check",
            "write",
            ticket["check_ids"][:1],
            {"result": "INTERNAL-CHECK-RESULT-7731"},
        )
    ex(
        "helpdesk.ticket",
        "message_post",
        [ticket_id],
        body="INTERNAL-CHATTER-NOTE-7731",
        message_type="comment",
        subtype_xmlid="mail.mt_note",
    )
    ex("helpdesk.ticket", "action_escalate", [ticket_id])
    ex(
        "helpdesk.ticket",
        "action_post_status_update",
        [ticket_id],
        "Rollback in progress, next update in 15 minutes.",
    )
    return {"id": ticket_id, "partner_id": partner_id}


def test_portal_shows_incident_panel(odoo_server, portal_ticket):
    session = _portal_session(odoo_server)
    response = session.get(
        f"{odoo_server.url}/my/ticket/{portal_ticket['id']}", timeout=30
    )
    assert response.status_code == 200
    html = response.text
    assert 'id="incident_panel"' in html
    assert "Expedite" in html
    # one way to end an Expedite incident: the confirmation panel, not
    # helpdesk_mgmt's generic close buttons
    assert 'action="/ticket/close"' not in html
    assert re.search(r'id="incident_affected_users"[^>]*>\s*53\s*<', html), (
        "53 users not shown"
    )
    assert re.search(r'id="incident_affected_groups"[^>]*>\s*3\s*<', html), (
        "3 groups not shown"
    )
    for group in ("WEB102-HN", "DATA101-SG", "MOBILE201-HN"):
        assert group in html
    assert "Rollback in progress, next update in 15 minutes." in html
    for marker in INTERNAL_MARKERS:
        assert marker not in html, f"internal data on the portal: {marker}"
    # the escalation summary (sent to the Dev Team) stays internal
    escalation = odoo_server.execute(
        "helpdesk.ticket.escalation",
        "search_read",
        [("ticket_id", "=", portal_ticket["id"])],
        fields=["summary"],
    )
    assert escalation
    assert escalation[0]["summary"].splitlines()[0] not in html


def test_portal_other_customers_ticket_redirects(odoo_server):
    session = _portal_session(odoo_server)
    other_id = odoo_server.ref_id("helpdesk_expedite.helpdesk_ticket_exam_submission")
    response = session.get(
        f"{odoo_server.url}/my/ticket/{other_id}", timeout=30, allow_redirects=False
    )
    assert response.status_code in (302, 303)
    assert response.headers["Location"].rstrip("/").endswith("/my")
    response = session.get(f"{odoo_server.url}/my/ticket/{other_id}", timeout=30)
    assert "LMS exam submission failure" not in response.text


def test_portal_anonymous_is_sent_to_login(odoo_server, portal_ticket):
    response = requests.get(
        f"{odoo_server.url}/my/ticket/{portal_ticket['id']}",
        timeout=30,
        allow_redirects=False,
    )
    assert response.status_code in (302, 303)
    assert "/web/login" in response.headers["Location"] or response.headers[
        "Location"
    ].rstrip("/").endswith("/my")


def test_portal_customer_confirms_resolution(odoo_server, portal_ticket):
    ex = odoo_server.execute
    ticket_id = portal_ticket["id"]
    odoo_server.resolve(ticket_id)
    session = _portal_session(odoo_server)
    page = session.get(f"{odoo_server.url}/my/ticket/{ticket_id}", timeout=30).text
    action = f"/my/ticket/{ticket_id}/confirm_resolution"
    assert action in page, "no confirm button once resolved"
    token = harness.csrf_token(page)
    assert token, "no CSRF token on the page"
    # without the CSRF token: refused, nothing confirmed
    refused = session.post(
        f"{odoo_server.url}{action}", data={}, timeout=30, allow_redirects=False
    )
    assert refused.status_code >= 400
    assert not ex("helpdesk.ticket", "read", [ticket_id], ["customer_confirmed"])[0][
        "customer_confirmed"
    ]
    # another customer's ticket cannot be confirmed from this account
    other_id = odoo_server.ref_id("helpdesk_expedite.helpdesk_ticket_exam_submission")
    other = session.post(
        f"{odoo_server.url}/my/ticket/{other_id}/confirm_resolution",
        data={"csrf_token": token},
        timeout=30,
        allow_redirects=False,
    )
    assert other.status_code in (302, 303)
    assert other.headers["Location"].rstrip("/").endswith("/my")
    assert not ex("helpdesk.ticket", "read", [other_id], ["customer_confirmed"])[0][
        "customer_confirmed"
    ]
    # the customer confirms
    response = session.post(
        f"{odoo_server.url}{action}",
        data={"csrf_token": token},
        timeout=30,
        allow_redirects=False,
    )
    assert response.status_code in (302, 303), response.text[:500]
    ticket = ex(
        "helpdesk.ticket", "read", [ticket_id], ["customer_confirmed", "closed"]
    )[0]
    assert ticket["customer_confirmed"]
    assert not ticket["closed"], "monitoring still running: not closed yet"
