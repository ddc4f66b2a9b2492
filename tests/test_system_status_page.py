"""The public status page served by two Odoo servers at once: the session's
server (threaded) and a prefork server with 2 HTTP workers, on the same
database. Each worker keeps its own rendered pages; a publication, a
public update or an unpublication made through one server must show on
the next request to any worker of either, and a conditional request must
be answered the same way by all of them.
"""

import tempfile
from pathlib import Path

import harness
import pytest
import requests

SUMMARY = "/status/api/v2/summary.json"
ROUNDS = 12  # requests per check: new connections, spread over the workers
TITLE = "Submissions failing (system test)"


@pytest.fixture(scope="module")
def prefork(odoo_server):
    """A 2-worker prefork server on the session server's database."""
    log_dir = Path(tempfile.mkdtemp(prefix="expedite-status-"))
    server = harness.OdooProcess(
        harness.odoo_test_config(),
        odoo_server.db,
        log_dir / "prefork.log",
        "--log-level=warn",
        workers=2,
    )
    try:
        yield server.start().url
    finally:
        server.stop()


def _answers(url, path, rounds=ROUNDS, headers=None):
    """``rounds`` answers to GET ``path``, each on a new connection."""
    answers = []
    for _i in range(rounds):
        with requests.Session() as session:
            answers.append(session.get(url + path, headers=headers, timeout=30))
    return answers


def _titles(answer):
    return [incident["name"] for incident in answer.json()["incidents"]]


@pytest.fixture(scope="module")
def incident(odoo_server, refs):
    ticket_id = odoo_server.create_incident(refs, "Status page system test")
    component = odoo_server.ref_id("helpdesk_expedite.status_component_exam_submission")
    odoo_server.execute(
        "helpdesk.ticket",
        "write",
        [ticket_id],
        {
            "status_public_title": TITLE,
            "status_impact": "critical",
            "status_component_ids": [(6, 0, [component])],
        },
    )
    yield ticket_id
    odoo_server.execute("helpdesk.ticket", "action_unpublish_status", [ticket_id])


def test_every_worker_of_both_servers_shows_each_change_at_once(
    odoo_server, prefork, incident
):
    servers = (prefork, odoo_server.url)
    for url in servers:  # cached before the change, in every worker
        assert all(TITLE not in _titles(a) for a in _answers(url, SUMMARY))
    odoo_server.execute("helpdesk.ticket", "action_publish_status", [incident])
    for url in servers:
        answers = _answers(url, SUMMARY)
        assert all(_titles(a).count(TITLE) == 1 for a in answers), url
        assert len({a.headers["ETag"] for a in answers}) == 1
    odoo_server.execute(
        "helpdesk.ticket", "action_post_status_update", [incident], "Rolling back."
    )
    for url in servers:
        for answer in _answers(url, SUMMARY):
            (mine,) = [i for i in answer.json()["incidents"] if i["name"] == TITLE]
            assert mine["incident_updates"][0]["body"] == "Rolling back."
        page = _answers(url, f"/status/incidents/{incident}", rounds=4)
        assert all("Rolling back." in a.text for a in page)
    odoo_server.execute("helpdesk.ticket", "action_unpublish_status", [incident])
    for url in servers:
        assert all(TITLE not in _titles(a) for a in _answers(url, SUMMARY))
        gone = _answers(url, f"/status/incidents/{incident}", rounds=4)
        assert {a.status_code for a in gone} == {404}


def test_conditional_requests_and_no_cookie_on_every_worker(odoo_server, prefork):
    for path in ("/status", SUMMARY, "/status/history.atom"):
        tags = {a.headers["ETag"] for a in _answers(prefork, path, rounds=6)}
        tags |= {a.headers["ETag"] for a in _answers(odoo_server.url, path, rounds=2)}
        assert len(tags) == 1, f"{path}: one version, one tag everywhere"
        (tag,) = tags
        for answer in _answers(prefork, path, headers={"If-None-Match": tag}):
            assert answer.status_code == 304, path
            assert not answer.content
            assert "Set-Cookie" not in answer.headers
        for answer in _answers(prefork, path, rounds=4):
            assert answer.status_code == 200
            assert "Set-Cookie" not in answer.headers
            assert answer.headers["Cache-Control"].startswith("public, max-age=")


STATUSES = {
    "operational",
    "degraded_performance",
    "partial_outage",
    "major_outage",
    "under_maintenance",
}


def test_contract_names_of_the_status_page(odoo_server):
    """DESIGN.md §3 "Status page": models, fields and selections over RPC."""
    ex = odoo_server.execute
    component = ex("helpdesk.status.component", "fields_get", [], ["type", "selection"])
    for name, kind in (
        ("name", "char"),
        ("description", "text"),
        ("sequence", "integer"),
        ("active", "boolean"),
        ("company_id", "many2one"),
        ("group_name", "char"),
        ("status", "selection"),
        ("manual_status", "selection"),
    ):
        assert component[name]["type"] == kind, name
    for name in ("status", "manual_status"):
        assert {key for key, _label in component[name]["selection"]} == STATUSES
    ticket = ex("helpdesk.ticket", "fields_get", [], ["type", "selection", "relation"])
    assert ticket["status_published"]["type"] == "boolean"
    assert ticket["status_public_title"]["type"] == "char"
    assert [key for key, _label in ticket["status_impact"]["selection"]] == [
        "none",
        "minor",
        "major",
        "critical",
    ]
    assert ticket["status_component_ids"]["relation"] == "helpdesk.status.component"
    defaults = ex("helpdesk.ticket.status.update", "default_get", ["is_public"])
    assert defaults["is_public"] is True
