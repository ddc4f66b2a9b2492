"""The example snapshot the status tests of lib/ share (the contract's
example)."""

import re
from datetime import datetime

from odoo.addons.helpdesk_expedite.lib.status_snapshot import (
    Component,
    Incident,
    Page,
    Snapshot,
    Update,
)

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
