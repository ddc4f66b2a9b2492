"""The status page's vocabulary and its 90-day history (lib/status_page.py):
no database."""

from datetime import date, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from odoo.addons.helpdesk_expedite.lib import status_page

from .common import PROPERTY, PureCase, table


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
