"""The structured escalation note (lib/escalation_summary.py): no database."""

from odoo.addons.helpdesk_expedite.lib import escalation_summary

from .common import PureCase

SCENARIO = escalation_summary.IncidentSnapshot(
    reference="HT00003",
    title="LMS exam submission failure",
    customer="Campus (test), Exam Coordinator",
    class_of_service="Expedite",
    affected_service="Exam submission service",
    groups=(
        escalation_summary.ImpactGroup("WEB102-HN", 20, "Hanoi"),
        escalation_summary.ImpactGroup("DATA101-SG", 18, "Saigon"),
        escalation_summary.ImpactGroup("MOBILE201-HN", 15, "Hanoi"),
    ),
    total_users=53,
    failure_rate=100.0,
    error_message="System error - please contact administrator",
    critical_activity_blocked=True,
    executives=("Campus Director",),
    business_impact="Final exams blocked",
    url="http://odoo.example.com/odoo/helpdesk.ticket/3",
)


class TestEscalationSummary(PureCase):
    def test_compose_summary_has_the_scenario_numbers(self):
        summary = escalation_summary.compose_summary(SCENARIO)
        for expected in (
            "ESCALATION - LMS exam submission failure",
            "Ticket: HT00003 - LMS exam submission failure",
            "Customer: Campus (test), Exam Coordinator",
            "Class of service: Expedite",
            "Affected users: 20 + 18 + 15 = 53",
            "Affected groups: 3",
            "Failure rate: 100%",
            "Error message: System error - please contact administrator",
            "Critical activity blocked: Yes",
            "Executive involvement: Yes: Campus Director",
            "Business impact: Final exams blocked",
            "Link: http://odoo.example.com/odoo/helpdesk.ticket/3",
            "- WEB102-HN (Hanoi): 20",
            "- DATA101-SG (Saigon): 18",
            "- MOBILE201-HN (Hanoi): 15",
        ):
            self.assertIn(expected, summary)

    def test_compose_summary_without_impact_scope(self):
        snapshot = escalation_summary.IncidentSnapshot(reference="HT1", title="Slow")
        summary = escalation_summary.compose_summary(snapshot)
        self.assertIn("Affected users: 0", summary)
        self.assertIn("Executive involvement: No", summary)
        self.assertIn("Error message: (not given)", summary)
        self.assertNotIn("Users per group", summary)

    def test_compose_summary_single_group_and_fraction(self):
        snapshot = escalation_summary.IncidentSnapshot(
            reference="HT2",
            title="One class",
            groups=(escalation_summary.ImpactGroup("WEB102-HN", 20),),
            total_users=20,
            failure_rate=12.5,
        )
        summary = escalation_summary.compose_summary(snapshot)
        self.assertIn("Affected users: 20\n", summary)
        self.assertIn("Failure rate: 12.5%", summary)
        self.assertIn("- WEB102-HN: 20", summary)

    def test_compose_summary_is_translated(self):
        def translate(source, *args, **kwargs):
            source = source.replace("Affected users", "Người dùng bị ảnh hưởng")
            return source % (args or kwargs) if args or kwargs else source

        summary = escalation_summary.compose_summary(SCENARIO, translate)
        self.assertIn("Người dùng bị ảnh hưởng: 20 + 18 + 15 = 53", summary)
