"""Every status route as the anonymous visitor it serves: what it shows,
when it changes, how it may be cached, and which company it belongs to."""

from odoo import Command
from odoo.tests import tagged

from odoo.addons.helpdesk_expedite.controllers import status_http

from .status_page_case import PUBLIC_TITLE, StatusPageHttpCase
from .test_lib_statuspage_json import (
    COMPONENT_KEYS,
    INCIDENT_KEYS,
    PAGE_KEYS,
    UPDATE_KEYS,
)

JSON_DOCUMENTS = (
    "summary",
    "status",
    "components",
    "incidents",
    "incidents/unresolved",
)


def api(document, prefix="/status"):
    return f"{prefix}/api/v2/{document}.json"


@tagged("post_install", "-at_install")
class TestStatusPageRoutes(StatusPageHttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ticket = cls._published()
        cls.ticket.action_post_status_update(
            "Submissions fail. Next update within 15 minutes."
        )

    def _routes(self):
        return {
            "/status": "text/html",
            f"/status/incidents/{self.ticket.id}": "text/html",
            "/status/history.atom": "application/atom+xml",
            **{api(document): "application/json" for document in JSON_DOCUMENTS},
        }

    def test_every_route_answers_a_visitor_cacheably_and_sets_no_cookie(self):
        for path, content_type in self._routes().items():
            with self.subTest(path=path):
                response = self.get(path)
                self.assertEqual(response.status_code, 200)
                self.assertTrue(
                    response.headers["Content-Type"].startswith(content_type)
                )
                self.assertNotIn("Set-Cookie", response.headers)
                self.assertFalse(response.cookies)
                cache = response.headers["Cache-Control"]
                self.assertRegex(cache, r"^public, max-age=\d+$")
                self.assertLessEqual(int(cache.rsplit("=", 1)[1]), 60)
                self.assertTrue(response.headers["ETag"].startswith('"'))
                vary = response.headers.get("Vary", "")
                self.assertEqual(
                    "Accept-Language" in vary, not content_type.endswith("json")
                )
                head = self.url_open(path, head=True)
                self.assertEqual(head.status_code, 200)
                self.assertEqual(head.headers["ETag"], response.headers["ETag"])

    def test_a_conditional_request_is_answered_304_without_rendering(self):
        for path in self._routes():
            with self.subTest(path=path):
                tag = self.get(path).headers["ETag"]
                status_http.BODIES.clear()
                again = self.get(path, headers={"If-None-Match": f'W/{tag}, "x"'})
                self.assertEqual(again.status_code, 304)
                self.assertEqual(again.content, b"")
                self.assertEqual(again.headers["ETag"], tag)
                self.assertEqual(len(status_http.BODIES), 0, "nothing was rendered")
                self.assertEqual(
                    self.get(path, headers={"If-None-Match": "*"}).status_code, 200
                )

    def test_publishing_updating_and_unpublishing_show_at_once(self):
        summary = self.get(api("summary")).json()
        (incident,) = summary["incidents"]
        self.assertEqual(incident["name"], PUBLIC_TITLE)
        self.assertEqual(incident["status"], "investigating")
        exam = next(c for c in summary["components"] if c["id"] == str(self.exam.id))
        self.assertEqual(exam["status"], "major_outage")
        self.assertEqual(summary["status"]["indicator"], "critical")
        tag = self.get("/status").headers["ETag"]

        self.ticket.action_post_status_update("Rolling back now.")
        self.ticket.write({"root_cause": "A deployment."})
        page = self.get("/status", headers={"If-None-Match": tag})
        self.assertEqual(page.status_code, 200, "the page changed: no 304")
        self.assertIn("Rolling back now.", page.text)
        latest = self.get(api("incidents")).json()["incidents"][0]
        self.assertEqual(latest["status"], "identified")
        self.assertEqual(latest["incident_updates"][0]["body"], "Rolling back now.")

        self.ticket.action_unpublish_status()
        self.assertNotIn(PUBLIC_TITLE, self.get("/status").text)
        self.assertEqual(
            self.get(f"/status/incidents/{self.ticket.id}").status_code, 404
        )
        self.assertNotIn(PUBLIC_TITLE, self.get("/status/history.atom").text)
        for document in JSON_DOCUMENTS:
            self.assertNotIn(PUBLIC_TITLE, self.get(api(document)).text, document)
        summary = self.get(api("summary")).json()
        self.assertEqual(summary["status"]["indicator"], "none")
        self.assertEqual(summary["incidents"], [])

    def test_live_json_has_the_contracts_keys(self):
        self._resolve(self.ticket)
        for document in JSON_DOCUMENTS:
            with self.subTest(document=document):
                data = self.get(api(document)).json()
                self.assertEqual(set(data["page"]), PAGE_KEYS)
                self.assertEqual(data["page"]["id"], str(self.env.company.id))
                for component in data.get("components", []):
                    self.assertEqual(set(component), COMPONENT_KEYS)
                ours = [
                    i for i in data.get("incidents", []) if i["name"] == PUBLIC_TITLE
                ]
                self.assertEqual(len(ours), "incidents" in data)
                for incident in ours:
                    self.assertEqual(set(incident), INCIDENT_KEYS)
                    self.assertEqual(incident["status"], "monitoring")
                    self.assertTrue(incident["monitoring_at"])
                    self.assertTrue(
                        incident["shortlink"].endswith(
                            f"/status/incidents/{self.ticket.id}"
                        )
                    )
                    for update in incident["incident_updates"]:
                        self.assertEqual(set(update), UPDATE_KEYS)
        self.assertEqual(
            set(self.get(api("status")).json()["status"]), {"indicator", "description"}
        )

    def test_an_incident_page_shows_the_full_public_timeline(self):
        self._resolve(self.ticket)
        self.ticket.action_post_status_update("Fixed; watching.")
        page = self.get(f"/status/incidents/{self.ticket.id}").text
        for text in (
            PUBLIC_TITLE,
            "Submissions fail.",
            "Fixed; watching.",
            "Monitoring",
        ):
            self.assertIn(text, page)
        self.assertLess(page.index("Fixed; watching."), page.index("Submissions fail."))

    def test_unknown_and_unpublished_incidents_are_not_found(self):
        draft = self._publishable()
        for ticket_id in (draft.id, 2**31 - 1, 2**40, 0):
            with self.subTest(ticket_id=ticket_id):
                response = self.get(f"/status/incidents/{ticket_id}")
                self.assertEqual(response.status_code, 404)
                self.assertNotIn(PUBLIC_TITLE, response.text)
                self.assertNotIn("Set-Cookie", response.headers)

    def test_a_browser_asking_for_vietnamese_gets_it_and_json_stays_english(self):
        self.env["res.lang"]._activate_lang("vi_VN")
        self.env["ir.module.module"].search(
            [("name", "=", "helpdesk_expedite")]
        )._load_module_terms(["helpdesk_expedite"], ["vi_VN"], overwrite=True)
        vietnamese = {"Accept-Language": "vi-VN,vi;q=0.9,en;q=0.5"}
        page = self.get("/status", headers=vietnamese)
        self.assertIn('lang="vi-VN"', page.text)
        self.assertIn("Sự cố hiện tại", page.text)
        english = self.get("/status", headers={"Accept-Language": "en"})
        self.assertIn("Current incidents", english.text)
        self.assertNotEqual(page.headers["ETag"], english.headers["ETag"])
        feed = self.get("/status/history.atom", headers=vietnamese)
        self.assertIn('xml:lang="vi-VN"', feed.text)
        data = self.get(api("status"), headers=vietnamese).json()
        self.assertEqual(data["status"]["description"], "Major System Outage")


@tagged("post_install", "-at_install")
class TestStatusPageCompanies(StatusPageHttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_b = cls.env["res.company"].create({"name": "Other campus"})
        cls.company_c = cls.env["res.company"].create({"name": "No page campus"})
        cls.team_b = cls.env["helpdesk.ticket.team"].create(
            {"name": "Team B", "company_id": cls.company_b.id}
        )
        cls.component_b = cls.env["helpdesk.status.component"].create(
            {"name": "B exam service", "company_id": cls.company_b.id}
        )
        cls.ticket_a = cls._published()
        cls.ticket_b = cls._create_scenario_ticket(
            company_id=cls.company_b.id, team_id=cls.team_b.id, user_id=False
        )
        cls.ticket_b.write(
            {
                "status_public_title": "B campus outage",
                "status_impact": "major",
                "status_component_ids": [Command.set(cls.component_b.ids)],
            }
        )
        cls.ticket_b.action_publish_status()

    def test_each_company_shows_its_own_incidents_only(self):
        b = f"/status/{self.company_b.id}"
        self.assertIn("B campus outage", self.get(b).text)
        self.assertNotIn(PUBLIC_TITLE, self.get(b).text)
        self.assertNotIn("B campus outage", self.get("/status").text)
        summary_b = self.get(api("summary", b)).json()
        self.assertEqual(summary_b["page"]["id"], str(self.company_b.id))
        self.assertEqual(
            [i["name"] for i in summary_b["incidents"]], ["B campus outage"]
        )
        self.assertEqual(
            [c["name"] for c in summary_b["components"]], ["B exam service"]
        )
        self.assertTrue(summary_b["page"]["url"].endswith(b))
        self.assertNotIn("B campus outage", self.get(api("incidents")).text)
        self.assertIn("B campus outage", self.get(f"{b}/history.atom").text)
        self.assertEqual(self.get(f"{b}/incidents/{self.ticket_b.id}").status_code, 200)
        for path in (
            f"/status/incidents/{self.ticket_b.id}",
            f"{b}/incidents/{self.ticket_a.id}",
        ):
            self.assertEqual(self.get(path).status_code, 404, path)

    def test_a_company_without_components_or_unknown_has_no_page(self):
        for company_id in (self.company_c.id, 2**31 - 1, 2**40):
            for path in ("", "/history.atom", "/api/v2/summary.json"):
                with self.subTest(company_id=company_id, path=path):
                    response = self.get(f"/status/{company_id}{path}")
                    self.assertEqual(response.status_code, 404)
        self.component_b.with_user(self.manager).sudo().active = False
        self.assertEqual(self.get(f"/status/{self.company_b.id}").status_code, 404)
