"""The Statuspage v2 documents of a Snapshot (lib/statuspage_json.py): no
database."""

import json
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from odoo.addons.helpdesk_expedite.lib import statuspage_json
from odoo.addons.helpdesk_expedite.lib.status_snapshot import (
    Snapshot,
    Update,
    iso,
)

from .common import PureCase
from .test_lib_status_snapshot import RFC3339, example_snapshot, utc

EXAMPLE = Path(__file__).parent / "data" / "statuspage-v2-summary.example.json"


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
