"""The attacks of the security review (issue "Access follows the ticket"),
each sent as the attacker would: over JSON-RPC, XML-RPC or HTTP against the
running server. Each test fails when the protection it names is removed."""

import uuid
import xmlrpc.client

import pytest
import requests

PASSWORD = "Attack-Test-2026!"
GROUPS = {
    "own": "helpdesk_mgmt.group_helpdesk_user_own",
    "user": "helpdesk_mgmt.group_helpdesk_user",
    "manager": "helpdesk_mgmt.group_helpdesk_manager",
    "portal": "base.group_portal",
}


def _user(odoo_server, role, **extra):
    login = f"{role}-{uuid.uuid4().hex[:8]}"
    odoo_server.execute(
        "res.users",
        "create",
        {
            "name": login,
            "login": login,
            "password": PASSWORD,
            "groups_id": [(6, 0, [odoo_server.ref_id(GROUPS[role])])],
            **extra,
        },
    )
    return login


def _as(odoo_server, login):
    """execute_kw as ``login``."""

    def call(model, method, *args, **kwargs):
        return odoo_server.execute(
            model, method, *args, login=login, password=PASSWORD, **kwargs
        )

    return call


def _session(odoo_server, login):
    return odoo_server.web_session(login, PASSWORD)


def _csrf(session, url):
    page = session.get(url, timeout=30).text
    marker = 'name="csrf_token" value="'
    start = page.index(marker) + len(marker)
    return page[start : page.index('"', start)]


@pytest.fixture(scope="module")
def world(odoo_server):
    """Two agents of one team, a portal customer, an incident of another agent."""
    ex = odoo_server.execute
    team_id = odoo_server.ref_id("helpdesk_expedite.team_technical_support")
    own = _user(odoo_server, "own")
    other = _user(odoo_server, "user")
    ids = {
        login: ex("res.users", "search", [("login", "=", login)])[0]
        for login in (own, other)
    }
    ex(
        "helpdesk.ticket.team",
        "write",
        [team_id],
        {"user_ids": [(4, i) for i in ids.values()]},
    )
    customer_id = ex(
        "res.partner", "create", {"name": "Attack Campus", "email": "a@example.com"}
    )
    portal = _user(odoo_server, "portal", partner_id=customer_id)
    ticket_id = ex(
        "helpdesk.ticket",
        "create",
        {
            "name": "Attack target incident",
            "description": "<p>x</p>",
            "team_id": team_id,
            "user_id": ids[other],
            "partner_id": customer_id,
            "business_impact": "INTERNAL-IMPACT-4411",
            "impact_line_ids": [(0, 0, {"name": "WEB102-HN", "affected_users": 30})],
        },
    )
    return {
        "own": own,
        "other": other,
        "portal": portal,
        "ticket": ticket_id,
        "team": team_id,
        "customer": customer_id,
    }


def _refused(call, *args, match=None):
    with pytest.raises(xmlrpc.client.Fault) as info:
        call(*args)
    if match:
        assert match in info.value.faultString, info.value.faultString
    return info.value


# 1. child records follow the ticket -----------------------------------------
def test_lines_of_a_ticket_the_agent_cannot_see_are_out_of_reach(odoo_server, world):
    attacker = _as(odoo_server, world["own"])
    ticket = world["ticket"]
    _refused(attacker, "helpdesk.ticket", "read", [ticket], ["name"])
    assert (
        attacker("helpdesk.ticket.impact.line", "search", [("ticket_id", "=", ticket)])
        == []
    )
    assert attacker("helpdesk.ticket.status.update", "search_count", []) == 0 or all(
        row["ticket_id"][0] != ticket
        for row in attacker(
            "helpdesk.ticket.status.update", "search_read", [], fields=["ticket_id"]
        )
    )
    _refused(
        attacker,
        "helpdesk.ticket.impact.line",
        "create",
        {"ticket_id": ticket, "name": "FORGED", "affected_users": 999},
    )
    line = odoo_server.execute(
        "helpdesk.ticket.impact.line", "search", [("ticket_id", "=", ticket)]
    )
    _refused(
        attacker, "helpdesk.ticket.impact.line", "write", line, {"affected_users": 0}
    )
    _refused(attacker, "helpdesk.ticket.impact.line", "unlink", line)
    assert (
        odoo_server.execute(
            "helpdesk.ticket", "read", [ticket], ["affected_user_count"]
        )[0]["affected_user_count"]
        == 30
    )


def test_customer_updates_cannot_be_forged_over_rpc(odoo_server, world):
    agent = _as(odoo_server, world["other"])  # may write the ticket
    _refused(
        agent,
        "helpdesk.ticket.status.update",
        "create",
        {"ticket_id": world["ticket"], "body": "FORGED: all fixed"},
        match="set by",
    )


# 2. public methods check the caller's rights ---------------------------------
def test_portal_user_cannot_regenerate_a_monitoring_token(odoo_server, world):
    before = odoo_server.execute(
        "helpdesk.ticket", "read", [world["ticket"]], ["monitoring_token"]
    )
    customer = _as(odoo_server, world["portal"])
    _refused(
        customer,
        "helpdesk.ticket",
        "action_regenerate_monitoring_token",
        [world["ticket"]],
    )
    after = odoo_server.execute(
        "helpdesk.ticket", "read", [world["ticket"]], ["monitoring_token"]
    )
    assert before == after


# 3. lifecycle fields are the incident's evidence -----------------------------
@pytest.mark.parametrize(
    "vals",
    [
        {"monitoring_state": "passed"},
        {"customer_confirmed": True},
        {"customer_confirmation_channel": "portal"},
        {"acknowledged_date": "2020-01-01 00:00:00"},
        {"resolved_date": "2020-01-01 00:00:00"},
        {"time_to_acknowledge": 0.5},
        {"affected_user_count": 1},
    ],
)
def test_lifecycle_fields_cannot_be_written(odoo_server, world, vals):
    agent = _as(odoo_server, world["other"])
    _refused(agent, "helpdesk.ticket", "write", [world["ticket"]], vals, match="set by")


def test_lifecycle_fields_cannot_be_given_on_create(odoo_server, world):
    agent = _as(odoo_server, world["other"])
    base = {"name": "Forged", "team_id": world["team"], "description": "<p>x</p>"}
    _refused(
        agent,
        "helpdesk.ticket",
        "create",
        {**base, "customer_confirmed": True},
        match="set by",
    )
    _refused(
        agent,
        "helpdesk.ticket",
        "create",
        {**base, "closure_override_reason": "me"},
        match="managers",
    )
    # nor through a context default
    uid = odoo_server.login(world["other"], PASSWORD)
    with pytest.raises(xmlrpc.client.Fault):
        odoo_server.xmlrpc("object").execute_kw(
            odoo_server.db,
            uid,
            PASSWORD,
            "helpdesk.ticket",
            "create",
            [base],
            {"context": {"default_monitoring_state": "passed"}},
        )


def test_agent_cannot_confirm_as_the_customer_on_the_portal(odoo_server, world):
    agent = _as(odoo_server, world["other"])
    _refused(
        agent,
        "helpdesk.ticket",
        "action_confirm_resolution",
        [world["ticket"]],
        "portal",
    )


# 4. confirmation is the customer's ---------------------------------------------
def test_follower_of_another_company_gets_no_token_and_cannot_confirm(
    odoo_server, world
):
    ex = odoo_server.execute
    stranger_partner = ex(
        "res.partner", "create", {"name": "Other campus", "email": "o@example.com"}
    )
    stranger = _user(odoo_server, "portal", partner_id=stranger_partner)
    ex("helpdesk.ticket", "message_subscribe", [world["ticket"]], [stranger_partner])
    odoo_server.resolve(world["ticket"])
    token = ex("helpdesk.ticket", "read", [world["ticket"]], ["access_token"])[0][
        "access_token"
    ]
    session = _session(odoo_server, stranger)
    url = f"{odoo_server.url}/my/ticket/{world['ticket']}"
    page = session.get(url, timeout=30)
    assert page.status_code == 200
    assert token and token not in page.text
    response = session.post(
        f"{url}/confirm_resolution",
        data={"csrf_token": _csrf(session, url), "access_token": token},
        timeout=30,
    )
    assert token not in response.url
    assert not ex("helpdesk.ticket", "read", [world["ticket"]], ["customer_confirmed"])[
        0
    ]["customer_confirmed"]
    # the customer may
    customer = _session(odoo_server, world["portal"])
    customer.post(
        f"{url}/confirm_resolution",
        data={"csrf_token": _csrf(customer, url)},
        timeout=30,
    )
    assert ex("helpdesk.ticket", "read", [world["ticket"]], ["customer_confirmed"])[0][
        "customer_confirmed"
    ]


# 5. webhook URLs --------------------------------------------------------------
@pytest.mark.parametrize(
    "url",
    [
        "http://52.96.10.10/hook",
        "https://127.0.0.1/hook",
        "https://10.1.2.3/hook",
        "https://169.254.169.254/latest/meta-data",
        "https://[::1]/hook",
        "https://localhost/hook",
    ],
)
def test_webhook_url_into_the_network_is_refused(odoo_server, url):
    with pytest.raises(xmlrpc.client.Fault) as info:
        odoo_server.execute(
            "helpdesk.escalation.target",
            "create",
            {"name": "SSRF", "channel": "teams", "teams_webhook_url": url},
        )
    assert "https" in info.value.faultString or "public" in info.value.faultString


# 6. cross-company escalation -------------------------------------------------
def test_escalation_to_another_companys_target_is_refused(odoo_server, world):
    ex = odoo_server.execute
    company_b = ex(
        "res.company", "create", {"name": f"Other company {uuid.uuid4().hex[:6]}"}
    )
    target_b = ex(
        "helpdesk.escalation.target",
        "create",
        {
            "name": "B team",
            "channel": "email",
            "email": "b@example.com",
            "company_id": company_b,
        },
    )
    _refused(ex, "helpdesk.ticket", "action_escalate", [world["ticket"]], target_b)
    _refused(
        ex,
        "helpdesk.ticket.escalation",
        "create",
        {"ticket_id": world["ticket"], "target_id": target_b, "summary": "x"},
    )


# 7. monitoring feed ------------------------------------------------------------
def test_feed_cuts_a_chunked_body_at_the_limit(odoo_server, world):
    token = odoo_server.execute(
        "helpdesk.ticket", "read", [world["ticket"]], ["monitoring_token"]
    )[0]["monitoring_token"]

    def body():
        yield b'{"success_rate": 100, "note": "'
        for _i in range(1024):
            yield b"x" * 1024
        yield b'"}'

    response = requests.post(
        f"{odoo_server.url}/helpdesk_expedite/monitoring/{world['ticket']}",
        data=body(),
        headers={"X-Monitoring-Token": token},
        timeout=30,
    )
    assert response.status_code == 413


# 8. semi-internal fields ---------------------------------------------------------
@pytest.mark.parametrize(
    "field",
    [
        "business_impact",
        "classification_reason",
        "class_of_service_lock_reason",
        "classification_rule_id",
        "executive_partner_ids",
        "time_to_acknowledge",
    ],
)
def test_portal_customer_cannot_read_internal_fields(odoo_server, world, field):
    customer = _as(odoo_server, world["portal"])
    _refused(customer, "helpdesk.ticket", "read", [world["ticket"]], [field])
    assert customer("helpdesk.ticket", "read", [world["ticket"]], ["class_of_service"])
