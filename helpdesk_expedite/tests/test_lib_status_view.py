"""The page templates' values of a Snapshot (lib/status_view.py): no
database."""

from datetime import date

from odoo.addons.helpdesk_expedite.lib import status_view

from .common import PureCase
from .test_lib_status_snapshot import example_snapshot


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
