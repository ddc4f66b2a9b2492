"""The attacks of the security review (issue "Access follows the ticket"),
each sent as the attacker would: over JSON-RPC, XML-RPC or HTTP against the
running server. Each test fails when the protection it names is removed."""

import uuid
import xmlrpc.client

import harness
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
    token = harness.csrf_token(session.get(url, timeout=30).text)
    assert token, f"no CSRF token on {url}"
    return token


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


# Trust, third round: what an agent of one company, a customer and the Dev
# Team's link could do on a server with two companies ------------------------
HIDDEN = "HIDDEN-B-7731"


def _json_as(odoo_server, login):
    """execute_kw over JSON-RPC as ``login``: the error's name on refusal."""
    uid = odoo_server.login(login, PASSWORD)

    def call(model, method, *args, **kwargs):
        return odoo_server.jsonrpc(
            "object",
            "execute_kw",
            odoo_server.db,
            uid,
            PASSWORD,
            model,
            method,
            list(args),
            kwargs,
        )

    return call


def _json_refused(call, *args, **kwargs):
    with pytest.raises(RuntimeError) as info:
        call(*args, **kwargs)
    error = info.value.args[0]["data"]
    assert error["name"].startswith(("odoo.exceptions.",)), error
    assert error["name"] != "odoo.exceptions.RPCError", error
    return error


@pytest.fixture(scope="module")
def company_b(odoo_server, refs):
    """Another company with its own team, Dev Team and an incident whose
    texts carry a marker."""
    ex = odoo_server.execute
    company = ex("res.company", "create", {"name": f"Campus B {uuid.uuid4().hex[:6]}"})
    team = ex("helpdesk.ticket.team", "create", {"name": "B", "company_id": company})
    target = ex(
        "helpdesk.escalation.target",
        "create",
        {
            "name": f"B Dev {HIDDEN}",
            "channel": "email",
            "email": "dev-b@example.com",
            "company_id": company,
        },
    )
    ticket = odoo_server.create_incident(
        {**refs, "team": team},
        f"B incident {HIDDEN}",
        company_id=company,
        user_id=False,
        affected_service=f"B service {HIDDEN}",
    )
    return {"company": company, "team": team, "target": target, "ticket": ticket}


def test_wizards_do_not_read_another_companys_ticket(odoo_server, company_b):
    """Finding: an own-tickets agent created the update and escalation
    wizards on another company's ticket and read their body (its service
    and user count) and target (the other company's Dev Team)."""
    spy = _json_as(odoo_server, _user(odoo_server, "own"))
    for model in (
        "helpdesk.ticket.status.update.wizard",
        "helpdesk.ticket.escalation.wizard",
    ):
        error = _json_refused(spy, model, "create", {"ticket_id": company_b["ticket"]})
        assert HIDDEN not in str(error)
        fields_spec = {"ticket_id": {}, "body": {}, "target_id": {"fields": {}}}
        fields_spec = {
            name: spec
            for name, spec in fields_spec.items()
            if name != ("body" if "escalation" in model else "target_id")
        }
        error = _json_refused(
            spy,
            model,
            "onchange",
            [],  # no record yet: the web client's new form
            {"ticket_id": company_b["ticket"]},
            ["ticket_id"],
            fields_spec,
        )
        assert HIDDEN not in str(error)


def test_a_title_with_a_line_break_is_one_line_and_its_escalation_mail_builds(
    odoo_server, refs
):
    """Finding: a portal ticket titled "Exam down\\r\\nBcc: x@example.com"
    made the escalation mail fail on its Subject header."""
    portal = _user(odoo_server, "portal")
    session = _session(odoo_server, portal)
    token = _csrf(session, f"{odoo_server.url}/new/ticket")
    response = session.post(
        f"{odoo_server.url}/submitted/ticket",
        data={
            "csrf_token": token,
            "subject": "Exam down\r\nBcc: x@example.com",
            "description": "Students cannot submit.",
        },
        timeout=30,
    )
    assert response.status_code == 200
    ticket_id = int(response.url.rstrip("/").rsplit("/", 1)[1].split("?")[0])
    ex = odoo_server.execute
    [ticket] = ex("helpdesk.ticket", "read", [ticket_id], ["name"])
    assert ticket["name"] == "Exam down Bcc: x@example.com"
    # an agent escalates it: the mail's subject holds one line
    ex("helpdesk.ticket", "write", [ticket_id], {"team_id": refs["team"]})
    ex("helpdesk.ticket", "action_escalate", [ticket_id], refs["dev_team"])
    [escalation] = ex(
        "helpdesk.ticket.escalation", "search", [("ticket_id", "=", ticket_id)]
    )
    mails = ex(
        "mail.mail",
        "search_read",
        [("model", "=", "helpdesk.ticket.escalation"), ("res_id", "=", escalation)],
        fields=["subject"],
    )
    assert mails and all("\n" not in m["subject"] for m in mails), mails
    # the same over RPC, on write
    ex("helpdesk.ticket", "write", [ticket_id], {"name": "Again\nBcc: y@example.com"})
    [ticket] = ex("helpdesk.ticket", "read", [ticket_id], ["name"])
    assert ticket["name"] == "Again Bcc: y@example.com"


def test_evidence_is_append_only_below_the_manager(odoo_server, refs):
    """Finding: an agent deleted monitoring checks and escalations of a
    closed incident; the verdict and the handling score changed."""
    ticket = odoo_server.create_incident(refs, "Evidence incident")
    ex = odoo_server.execute
    ex("helpdesk.ticket", "action_escalate", [ticket], refs["dev_team"])
    odoo_server.resolve(ticket)
    odoo_server.log_check(ticket)
    [log] = ex("helpdesk.ticket.monitoring.log", "search", [("ticket_id", "=", ticket)])
    [escalation] = ex(
        "helpdesk.ticket.escalation", "search", [("ticket_id", "=", ticket)]
    )
    agent_login = _user(odoo_server, "user")
    agent = _json_as(odoo_server, agent_login)
    ex(
        "helpdesk.ticket.team",
        "write",
        [refs["team"]],
        {
            "user_ids": [
                (4, ex("res.users", "search", [("login", "=", agent_login)])[0])
            ]
        },
    )
    for model, record in (
        ("helpdesk.ticket.monitoring.log", log),
        ("helpdesk.ticket.escalation", escalation),
    ):
        error = _json_refused(agent, model, "unlink", [record])
        assert error["name"] == "odoo.exceptions.AccessError"
        assert "evidence" in error["message"]
    error = _json_refused(
        agent, "helpdesk.ticket.escalation", "write", [escalation], {"summary": "x"}
    )
    assert "evidence" in error["message"]
    manager = _json_as(odoo_server, _user(odoo_server, "manager"))
    manager("helpdesk.ticket.monitoring.log", "unlink", [log])
    notes = ex(
        "mail.message",
        "search_read",
        [("model", "=", "helpdesk.ticket"), ("res_id", "=", ticket)],
        fields=["body"],
    )
    assert any("deleted" in n["body"] and "check of" in n["body"] for n in notes)


def test_the_watch_needs_a_passing_manual_test(odoo_server, refs):
    """Finding: a check with manual_test_ok=False at the end of the window
    passed the watch; the scenario asks for 100 %, no timeouts and a
    successful manual exam submission."""
    ticket = odoo_server.create_incident(refs, "Manual test incident")
    odoo_server.resolve(ticket)
    odoo_server.sql(
        "UPDATE helpdesk_ticket SET monitoring_end_date = now() at time zone 'utc'"
        " - interval '1 minute' WHERE id = %s",
        (ticket,),
    )
    ex = odoo_server.execute
    ex("helpdesk.ticket", "action_log_monitoring", [ticket], 100.0, 0, False)

    def state():
        return ex("helpdesk.ticket", "read", [ticket], ["monitoring_state"])[0][
            "monitoring_state"
        ]

    assert state() == "running"
    ex("helpdesk.ticket", "action_log_monitoring", [ticket], 100.0, 0, True)
    assert state() == "passed"
