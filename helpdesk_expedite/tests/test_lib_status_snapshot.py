"""What the status page may show, as plain values (lib/status_snapshot.py):
time zones and times; and the example snapshot the other status tests of
lib/ share (the contract's example): no database."""

import re
from datetime import datetime, timezone

from odoo.addons.helpdesk_expedite.lib import status_snapshot
from odoo.addons.helpdesk_expedite.lib.status_snapshot import (
    Component,
    Incident,
    Page,
    Snapshot,
    Update,
)

from .common import PureCase

RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")


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


class TestSnapshotTimes(PureCase):
    def test_an_unknown_or_empty_zone_is_utc(self):
        for name in ("Mars/Olympus_Mons", "../etc/passwd"):
            self.assertIs(status_snapshot.zone(name), timezone.utc)
        for name in ("", None):
            self.assertEqual(str(status_snapshot.zone(name)), "UTC")
        hcm = status_snapshot.zone("Asia/Ho_Chi_Minh")
        self.assertEqual(hcm.utcoffset(datetime(2026, 6, 15)).total_seconds(), 7 * 3600)

    def test_local_makes_a_naive_utc_time_aware_in_the_zone(self):
        moment = datetime(2026, 6, 15, 2, 27, 55)
        local = status_snapshot.local(moment, "Asia/Ho_Chi_Minh")
        self.assertEqual((local.hour, local.minute), (9, 27))
        self.assertEqual(local.utcoffset().total_seconds(), 7 * 3600)
        self.assertIsNone(status_snapshot.local(None, "Asia/Ho_Chi_Minh"))

    def test_iso_writes_milliseconds_and_the_offset(self):
        moment = datetime(2026, 6, 15, 2, 27, 55)
        self.assertEqual(
            status_snapshot.iso(moment, "Asia/Ho_Chi_Minh"),
            "2026-06-15T09:27:55.000+07:00",
        )
        self.assertEqual(
            status_snapshot.iso(moment, "Nowhere/Special"),
            "2026-06-15T02:27:55.000+00:00",
        )
        self.assertRegex(status_snapshot.iso(moment, "UTC"), RFC3339)
        self.assertIsNone(status_snapshot.iso(None, "UTC"))

    def test_the_example_holds_its_values_frozen(self):
        snapshot = example_snapshot()
        self.assertIsInstance(snapshot, Snapshot)
        with self.assertRaises(AttributeError):
            snapshot.page.name = "Another page"
