"""Plain-Python tests of the status page's logic, JSON, feed and cache:
no database involved."""

import json
import re
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path
from xml.etree import ElementTree

from hypothesis import given
from hypothesis import strategies as st

from odoo.addons.helpdesk_expedite.lib import (
    http_cache,
    status_atom,
    status_page,
    status_view,
    statuspage_json,
)
from odoo.addons.helpdesk_expedite.lib.status_snapshot import (
    Component,
    Incident,
    Page,
    Snapshot,
    Update,
    iso,
)

from .common import PROPERTY, PureCase, table

EXAMPLE = Path(__file__).parent / "data" / "statuspage-v2-summary.example.json"
ATOM = "{http://www.w3.org/2005/Atom}"
RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")
# the contract's keys (DESIGN.md, "Status page")
PAGE_KEYS = {"id", "name", "url", "time_zone", "updated_at"}
COMPONENT_KEYS = {
    "id", "name", "status", "created_at", "updated_at", "position", "description",
    "showcase", "group_id", "page_id", "group", "only_show_if_degraded", "start_date",
}  # fmt: skip
INCIDENT_KEYS = {
    "id", "name", "status", "impact", "created_at", "updated_at", "started_at",
    "monitoring_at", "resolved_at", "shortlink", "page_id", "components",
    "incident_updates",
}  # fmt: skip
UPDATE_KEYS = {
    "id", "status", "body", "incident_id", "created_at", "updated_at",
    "display_at", "affected_components",
}  # fmt: skip


def utc(*args):
    """A naive UTC datetime from Ho Chi Minh City's local time (UTC+7)."""
    moment = datetime(*args)
    return moment.replace(hour=moment.hour - 7)


def example_snapshot():
    """The contract's example (the scenario's incident) as a snapshot."""
    page = Page(
        id="uni-exam-services",
        name="University LMS",
        url="https://helpdesk.example.edu/status",
        time_zone="Asia/Ho_Chi_Minh",
        updated_at=utc(2026, 6, 15, 9, 42, 10),
    )
    created = utc(2026, 1, 10, 8, 0, 0)
    components = (
        Component(
            id=3,
            name="Exam submission service",
            status="major_outage",
            position=1,
            description="Uploading and submitting exam answers",
            created_at=created,
            updated_at=utc(2026, 6, 15, 9, 31, 2),
        ),
        Component(
            id=4,
            name="LMS course pages",
            status="operational",
            position=2,
            created_at=created,
            updated_at=created,
        ),
    )
    incident = Incident(
        id=3,
        name="Exam submissions failing",
        status="identified",
        impact="critical",
        url="https://helpdesk.example.edu/status/incidents/3",
        created_at=utc(2026, 6, 15, 9, 29, 55),
        updated_at=utc(2026, 6, 15, 9, 57, 55),
        started_at=utc(2026, 6, 15, 9, 27, 55),
        component_ids=(3,),
        updates=(
            Update(
                id=17,
                status="identified",
                body="The cause is identified: a deployment earlier today. We are "
                "rolling it back. Next update within 15 minutes.",
                created_at=utc(2026, 6, 15, 9, 57, 55),
            ),
            Update(
                id=12,
                status="investigating",
                body="Exam submissions fail for students in three classes. We are "
                "investigating.",
                created_at=utc(2026, 6, 15, 9, 29, 55),
            ),
        ),
    )
    return Snapshot(page=page, components=components, incidents=(incident,))


class TestStatusPageDecisions(PureCase):
    @table(
        (status_page.PublicFacts(), "investigating"),
        (status_page.PublicFacts(root_cause_known=True), "identified"),
        (
            status_page.PublicFacts(root_cause_known=True, fix_in_place=True),
            "monitoring",
        ),
        (status_page.PublicFacts(fix_in_place=True), "monitoring"),
        (status_page.PublicFacts(closed=True), "resolved"),
        (status_page.PublicFacts(closed=True, fix_in_place=True), "resolved"),
    )
    def test_public_phase(self, facts, expected):
        self.assertEqual(status_page.public_phase(facts), expected)

    @table(
        (False, (), "operational"),
        (False, ("none",), "operational"),
        (False, ("minor",), "degraded_performance"),
        (False, ("minor", "major"), "partial_outage"),
        (False, ("critical", "minor"), "major_outage"),
        ("under_maintenance", ("critical",), "under_maintenance"),
        ("operational", ("critical",), "operational"),
    )
    def test_component_status(self, manual, impacts, expected):
        self.assertEqual(status_page.component_status(manual, impacts), expected)

    @table(
        ((), (), ("none", "All Systems Operational")),
        (("operational",), ("none",), ("none", "All Systems Operational")),
        (("degraded_performance",), (), ("minor", "Minor Service Outage")),
        (("operational",), ("major",), ("major", "Partial System Outage")),
        (("major_outage",), ("critical",), ("critical", "Major System Outage")),
        (("under_maintenance",), (), ("minor", "Service Under Maintenance")),
        (
            ("under_maintenance", "partial_outage"),
            (),
            ("major", "Partial System Outage"),
        ),
    )
    def test_page_indicator(self, statuses, impacts, expected):
        self.assertEqual(status_page.page_indicator(statuses, impacts), expected)

    @table(
        (["vi-VN", "en"], "vi_VN"),
        (["vi"], "vi_VN"),
        (["VI-vn"], "vi_VN"),
        (["fr-FR", "de"], "en_US"),
        (["en-GB"], "en_US"),
        ([], "en_US"),
        ([None, 3, "vi"], "vi_VN"),
    )
    def test_language_from_the_browser(self, accepted, expected):
        codes = ["en_US", "vi_VN"]
        self.assertEqual(
            status_page.negotiate_language(accepted, codes, "en_US"), expected
        )


class TestHistory(PureCase):
    TODAY = date(2026, 6, 15)

    def test_ninety_days_oldest_first_all_operational_without_incidents(self):
        days = status_page.history([], self.TODAY)
        self.assertEqual(len(days), 90)
        self.assertEqual(days[-1].day, self.TODAY)
        self.assertEqual(days[0].day, date(2026, 3, 18))
        self.assertEqual({day.status for day in days}, {"operational"})

    def test_a_day_takes_the_worst_impact_and_the_union_of_the_outages(self):
        outages = [
            status_page.Outage(
                "minor", datetime(2026, 6, 10, 9, 0), datetime(2026, 6, 10, 10, 0), "A"
            ),
            status_page.Outage(
                "critical",
                datetime(2026, 6, 10, 9, 30),
                datetime(2026, 6, 10, 11, 0),
                "B",
            ),
        ]
        day = status_page.history(outages, self.TODAY)[-6]
        self.assertEqual(day.day, date(2026, 6, 10))
        self.assertEqual(day.status, "major_outage")
        self.assertEqual(day.minutes, 120)
        self.assertEqual(day.titles, ("A", "B"))
        self.assertFalse(day.ongoing)

    def test_an_outage_over_midnight_counts_on_both_days(self):
        outage = status_page.Outage(
            "major", datetime(2026, 6, 13, 23, 0), datetime(2026, 6, 14, 0, 30)
        )
        days = status_page.history([outage], self.TODAY)
        self.assertEqual((days[-3].minutes, days[-2].minutes), (60, 30))
        self.assertEqual(days[-1].status, "operational")

    def test_an_ongoing_outage_lasts_until_today(self):
        outage = status_page.Outage("critical", datetime(2026, 6, 14, 12, 0))
        days = status_page.history([outage], self.TODAY)
        self.assertEqual(days[-2].minutes, 720)
        self.assertTrue(days[-1].ongoing)
        self.assertEqual(days[-1].status, "major_outage")

    @PROPERTY
    @given(
        st.lists(
            st.tuples(
                st.sampled_from(status_page.IMPACTS),
                st.integers(0, 200 * 24 * 60),
                st.integers(0, 10 * 24 * 60),
            ),
            max_size=8,
        )
    )
    def test_a_day_never_has_more_than_a_day_of_outage(self, specs):
        base = datetime(2026, 1, 1)
        outages = [
            status_page.Outage(
                impact,
                base + timedelta(minutes=start),
                base + timedelta(minutes=start + length),
            )
            for impact, start, length in specs
        ]
        for day in status_page.history(outages, date(2026, 6, 1)):
            self.assertTrue(0 <= day.minutes <= 24 * 60)
            if not day.minutes:
                self.assertEqual(day.status, "operational")


class TestStatuspageJson(PureCase):
    def test_summary_is_the_contracts_example(self):
        expected = json.loads(EXAMPLE.read_text())
        self.assertEqual(statuspage_json.summary(example_snapshot()), expected)

    def test_every_document_has_the_contracts_keys(self):
        snapshot = example_snapshot()
        documents = {
            name: json.loads(json.dumps(shape(snapshot)))
            for name, shape in statuspage_json.DOCUMENTS.items()
        }
        self.assertEqual(
            set(documents["summary"]),
            {"page", "status", "components", "incidents", "scheduled_maintenances"},
        )
        self.assertEqual(set(documents["status"]), {"page", "status"})
        self.assertEqual(
            set(documents["status"]["status"]), {"indicator", "description"}
        )
        self.assertEqual(set(documents["components"]), {"page", "components"})
        for name in ("incidents", "incidents/unresolved"):
            self.assertEqual(set(documents[name]), {"page", "incidents"})
        for document in documents.values():
            self.assertEqual(set(document["page"]), PAGE_KEYS)
            for component in document.get("components", []):
                self.assertEqual(set(component), COMPONENT_KEYS)
                self.assertIsInstance(component["id"], str)
            for incident in document.get("incidents", []):
                self.assertEqual(set(incident), INCIDENT_KEYS)
                for update in incident["incident_updates"]:
                    self.assertEqual(set(update), UPDATE_KEYS)
                    self.assertRegex(update["created_at"], RFC3339)

    def test_grouped_components_come_after_their_group(self):
        snapshot = example_snapshot()
        grouped = tuple(
            replace(c, group_name="Learning platform") for c in snapshot.components
        )
        listed = statuspage_json.components_json(
            Snapshot(page=snapshot.page, components=grouped)
        )
        group, first, second = listed
        self.assertTrue(group["group"])
        self.assertEqual(group["components"], ["3", "4"])
        self.assertEqual(group["status"], "major_outage")
        self.assertEqual({first["group_id"], second["group_id"]}, {group["id"]})

    def test_resolved_incident_sets_its_components_back_to_operational(self):
        snapshot = example_snapshot()
        incident = snapshot.incidents[0]
        closing = Update(30, "resolved", "Closed.", utc(2026, 6, 15, 10, 30))
        resolved = replace(
            incident,
            status="resolved",
            updates=(closing, *incident.updates),
            resolved_at=utc(2026, 6, 15, 10, 30),
        )
        resolved_snapshot = replace(snapshot, incidents=(resolved,))
        document = statuspage_json.incidents(resolved_snapshot)
        (data,) = document["incidents"]
        self.assertEqual(data["resolved_at"], "2026-06-15T10:30:00.000+07:00")
        affected = data["incident_updates"][0]["affected_components"][0]
        self.assertEqual(affected["old_status"], "major_outage")
        self.assertEqual(affected["new_status"], "operational")
        self.assertEqual(
            statuspage_json.unresolved(resolved_snapshot),
            {"page": document["page"], "incidents": []},
        )

    def test_times_carry_the_pages_offset_and_an_unknown_zone_is_utc(self):
        moment = datetime(2026, 6, 15, 2, 29, 55)
        self.assertEqual(
            iso(moment, "Asia/Ho_Chi_Minh"), "2026-06-15T09:29:55.000+07:00"
        )
        self.assertEqual(iso(moment, "Not/AZone"), "2026-06-15T02:29:55.000+00:00")
        self.assertIsNone(iso(None, "UTC"))


class TestAtomFeed(PureCase):
    def _feed(self, snapshot=None, **kwargs):
        return status_atom.atom_feed(
            snapshot or example_snapshot(),
            title="University LMS: status history",
            feed_url="https://helpdesk.example.edu/status/history.atom",
            phase_labels={"identified": "Identified", "investigating": "Investigating"},
            lang="en-US",
            **kwargs,
        )

    def test_the_feed_is_valid_atom(self):
        """RFC 4287: the feed and each entry have exactly one id (an absolute
        IRI), title and updated (an RFC 3339 date-time); the feed has an
        author (its entries have none) and a self link; each entry a link."""
        feed = ElementTree.fromstring(self._feed())
        self.assertEqual(feed.tag, f"{ATOM}feed")
        for element in (feed, *feed.findall(f"{ATOM}entry")):
            for tag in ("id", "title", "updated"):
                self.assertEqual(len(element.findall(f"{ATOM}{tag}")), 1, tag)
            self.assertRegex(element.findtext(f"{ATOM}id"), r"^https?://")
            self.assertRegex(element.findtext(f"{ATOM}updated"), RFC3339)
        self.assertEqual(feed.findtext(f"{ATOM}author/{ATOM}name"), "University LMS")
        links = {
            link.get("rel"): link.get("href") for link in feed.findall(f"{ATOM}link")
        }
        self.assertEqual(
            links["self"], "https://helpdesk.example.edu/status/history.atom"
        )
        (entry,) = feed.findall(f"{ATOM}entry")
        self.assertEqual(entry.findtext(f"{ATOM}title"), "Exam submissions failing")
        self.assertRegex(entry.findtext(f"{ATOM}published"), RFC3339)
        self.assertEqual(entry.find(f"{ATOM}link").get("rel"), "alternate")
        self.assertEqual(entry.find(f"{ATOM}content").get("type"), "html")

    def test_texts_are_escaped(self):
        snapshot = example_snapshot()
        incident = snapshot.incidents[0]
        hostile = replace(
            incident,
            name="<script>alert(1)</script> & co",
            updates=(Update(1, "identified", "<b>x</b>\n]]>", incident.created_at),),
        )
        raw = self._feed(Snapshot(page=snapshot.page, incidents=(hostile,)))
        self.assertNotIn(b"<script>", raw)
        self.assertNotIn(b"<b>x</b>", raw)
        entry = ElementTree.fromstring(raw).find(f"{ATOM}entry")
        self.assertEqual(
            entry.findtext(f"{ATOM}title"), "<script>alert(1)</script> & co"
        )
        self.assertIn(
            "&lt;b&gt;x&lt;/b&gt;<br/>]]&gt;", entry.findtext(f"{ATOM}content")
        )


class TestHttpCache(PureCase):
    def test_etag_depends_on_every_part_of_the_key(self):
        key = ("db", 1, 3, "v1", "en_US", "page")
        self.assertEqual(http_cache.etag(key), http_cache.etag(tuple(key)))
        for index in range(len(key)):
            changed = (*key[:index], "other", *key[index + 1 :])
            self.assertNotEqual(http_cache.etag(key), http_cache.etag(changed))

    @table(
        ('"abc"', True),
        ('W/"abc"', True),
        ('"x", "abc"', True),
        ('"x"', False),
        ("*", False),
        ("", False),
        (None, False),
        ('"abc' + "x" * 5000 + '"', False),
    )
    def test_if_none_match(self, header, expected):
        self.assertEqual(http_cache.none_match(header, '"abc"'), expected)

    def test_the_cache_keeps_the_most_recently_used(self):
        cache = http_cache.BodyCache(max_entries=2)
        cache.put("a", b"A")
        cache.put("b", b"B")
        self.assertEqual(cache.get("a"), b"A")
        cache.put("c", b"C")
        self.assertIsNone(cache.get("b"))
        self.assertEqual((cache.get("a"), cache.get("c"), len(cache)), (b"A", b"C", 2))


class TestPageValues(PureCase):
    def test_values_hold_only_the_snapshots_facts(self):
        texts = status_view.Texts(
            statuses={"major_outage": "Major outage", "operational": "Operational"},
            phases={"identified": "Identified", "investigating": "Investigating"},
            impacts={"critical": "Critical"},
            when=lambda moment: moment.strftime("%H:%M"),
            day=lambda day: f"{day.day}: {day.status}",
        )
        values = status_view.page_values(example_snapshot(), date(2026, 6, 15), texts)
        self.assertEqual(values["indicator"], "critical")
        (incident,) = values["open_incidents"]
        self.assertEqual(incident["latest"]["when"]["text"], "09:57")
        self.assertEqual(incident["latest"]["when"]["iso"], "2026-06-15T02:57:55+00:00")
        exam, lms = (group["components"][0] for group in values["groups"])
        self.assertEqual(len(exam["days"]), 90)
        self.assertEqual(exam["days"][-1]["status"], "major_outage")
        self.assertEqual(lms["days"][-1]["status"], "operational")
        self.assertEqual(values["past_incidents"], [])
