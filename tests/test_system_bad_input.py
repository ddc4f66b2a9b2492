"""Bad input over RPC is refused with a clear message and writes nothing;
malformed requests do not take the server down."""

import xmlrpc.client

import pytest
import requests

COUNTED_MODELS = [
    "helpdesk.ticket",
    "helpdesk.ticket.impact.line",
    "helpdesk.ticket.check",
    "helpdesk.ticket.status.update",
    "mail.message",
    "mail.mail",
]


def _counts(odoo_server):
    return {
        model: odoo_server.execute(
            model, "search_count", [], context={"active_test": False}
        )
        for model in COUNTED_MODELS
    }


def _ticket_vals(odoo_server, lines, **extra):
    vals = {
        "name": "Bad input (system test)",
        "description": "<p>bad input</p>",
        "team_id": odoo_server.ref_id("helpdesk_expedite.team_technical_support"),
        "partner_id": odoo_server.ref_id("helpdesk_expedite.partner_campus_contact"),
        "impact_line_ids": [
            (0, 0, {"name": name, "affected_users": users}) for name, users in lines
        ],
    }
    vals.update(extra)
    return vals


def _assert_refused(odoo_server, call, *message_parts):
    before = _counts(odoo_server)
    with pytest.raises(xmlrpc.client.Fault) as refused:
        call()
    message = refused.value.faultString
    # A clear message, not a traceback or a raw database error.
    assert "Traceback" not in message, message
    assert "psycopg2" not in message, message
    for part in message_parts:
        assert part.lower() in message.lower(), f"{part!r} not in {message!r}"
    assert _counts(odoo_server) == before, "a refused call wrote data"
    return message


def test_negative_affected_users(odoo_server):
    vals = _ticket_vals(odoo_server, [("WEB102-HN", 20), ("DATA101-SG", -5)])
    _assert_refused(
        odoo_server,
        lambda: odoo_server.execute("helpdesk.ticket", "create", vals),
        "negative",
    )


def test_negative_affected_users_on_existing_ticket(odoo_server):
    ticket_id = odoo_server.ref_id("helpdesk_expedite.helpdesk_ticket_exam_submission")
    _assert_refused(
        odoo_server,
        lambda: odoo_server.execute(
            "helpdesk.ticket",
            "write",
            [ticket_id],
            {"impact_line_ids": [(0, 0, {"name": "EXTRA-1", "affected_users": -1})]},
        ),
        "negative",
    )
    count = odoo_server.execute(
        "helpdesk.ticket", "read", [ticket_id], ["affected_user_count"]
    )
    assert count[0]["affected_user_count"] == 53


@pytest.mark.parametrize("rate", [150, -1, 100.5])
def test_failure_rate_out_of_range(odoo_server, rate):
    vals = _ticket_vals(odoo_server, [("WEB102-HN", 20)], failure_rate=rate)
    _assert_refused(
        odoo_server,
        lambda: odoo_server.execute("helpdesk.ticket", "create", vals),
        "0",
        "100",
    )


def test_failure_rate_write_out_of_range(odoo_server):
    ticket_id = odoo_server.ref_id("helpdesk_expedite.helpdesk_ticket_exam_submission")
    _assert_refused(
        odoo_server,
        lambda: odoo_server.execute(
            "helpdesk.ticket", "write", [ticket_id], {"failure_rate": 150}
        ),
        "100",
    )
    rate = odoo_server.execute("helpdesk.ticket", "read", [ticket_id], ["failure_rate"])
    assert rate[0]["failure_rate"] == 100.0


@pytest.mark.parametrize("second", ["WEB102-HN", "web102-hn", " WEB102-HN "])
def test_duplicate_group_name(odoo_server, second):
    vals = _ticket_vals(odoo_server, [("WEB102-HN", 20), (second, 3)])
    _assert_refused(
        odoo_server,
        lambda: odoo_server.execute("helpdesk.ticket", "create", vals),
        "once",
    )


def test_lock_without_reason(odoo_server):
    ticket_id = odoo_server.ref_id("helpdesk_expedite.helpdesk_ticket_exam_submission")
    for reason in (False, "", "   "):
        vals = {"class_of_service_locked": True, "class_of_service": "standard"}
        if reason is not False:
            vals["class_of_service_lock_reason"] = reason
        _assert_refused(
            odoo_server,
            lambda vals=vals: odoo_server.execute(
                "helpdesk.ticket", "write", [ticket_id], vals
            ),
            "why",
        )
    ticket = odoo_server.execute(
        "helpdesk.ticket",
        "read",
        [ticket_id],
        ["class_of_service", "class_of_service_locked"],
    )[0]
    assert ticket["class_of_service"] == "expedite"
    assert not ticket["class_of_service_locked"]


def test_lock_without_reason_on_create(odoo_server):
    vals = _ticket_vals(odoo_server, [("WEB102-HN", 40)], class_of_service_locked=True)
    _assert_refused(
        odoo_server,
        lambda: odoo_server.execute("helpdesk.ticket", "create", vals),
        "why",
    )


def test_bad_input_over_jsonrpc(odoo_server):
    """Same refusal through JSON-RPC: an error object, nothing written."""
    before = _counts(odoo_server)
    vals = _ticket_vals(odoo_server, [("WEB102-HN", -20)])
    with pytest.raises(RuntimeError) as refused:
        odoo_server.json_execute("helpdesk.ticket", "create", vals)
    error = refused.value.args[0]
    assert "negative" in error["data"]["message"]
    assert error["data"]["name"] == "odoo.exceptions.ValidationError"
    assert _counts(odoo_server) == before


# ----------------------------------------------------------------------
# faults: the server keeps serving
# ----------------------------------------------------------------------
@pytest.mark.parametrize(
    "path,body,content_type",
    [
        (
            "/jsonrpc",
            b'{"jsonrpc": "2.0", "method": "call", "params": {',
            "application/json",
        ),
        ("/jsonrpc", b"\xff\xfe\x00garbage", "application/json"),
        ("/jsonrpc", b"[1, 2, 3]", "application/json"),
        (
            "/jsonrpc",
            b'{"jsonrpc": "2.0", "method": "call", "params": {"service": "nope"}}',
            "application/json",
        ),
        ("/web/dataset/call_kw", b"{not json", "application/json"),
        ("/xmlrpc/2/object", b"<methodCall><methodName>execute_kw", "text/xml"),
        (
            "/xmlrpc/2/common",
            b"<?xml version='1.0'?><!DOCTYPE x [<!ENTITY a 'a'>]><methodCall/>",
            "text/xml",
        ),
    ],
)
def test_server_survives_malformed_requests(odoo_server, path, body, content_type):
    response = requests.post(
        odoo_server.url + path,
        data=body,
        headers={"Content-Type": content_type},
        timeout=30,
    )
    assert response.status_code < 600
    if path == "/jsonrpc" and response.status_code == 200:
        assert "error" in response.json()
    status, health = odoo_server.health()
    assert (status, health.get("status")) == (200, "pass")
    # and real work still goes through
    ticket_id = odoo_server.ref_id("helpdesk_expedite.helpdesk_ticket_exam_submission")
    rows = odoo_server.json_execute(
        "helpdesk.ticket", "read", [ticket_id], ["affected_user_count"]
    )
    assert rows[0]["affected_user_count"] == 53


def test_wrong_password_is_refused_and_server_serves(odoo_server):
    uid = odoo_server.xmlrpc("common").authenticate(
        odoo_server.db, "admin", "wrong", {}
    )
    assert uid is False
    with pytest.raises(xmlrpc.client.Fault):
        odoo_server.xmlrpc("object").execute_kw(
            odoo_server.db,
            odoo_server.login(),
            "wrong",
            "helpdesk.ticket",
            "search_count",
            [[]],
        )
    assert odoo_server.execute("helpdesk.ticket", "search_count", []) > 0
