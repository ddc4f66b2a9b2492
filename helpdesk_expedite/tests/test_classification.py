"""Classification: the class of service from the rules, on create and on
every change of the facts; the lock, the rules' own checks, and a caller's
context that cannot skip it."""

from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import tagged

from odoo.addons.helpdesk_mgmt.models.helpdesk_ticket import (
    HelpdeskTicket as PlainHelpdeskTicket,
)

from .common import ExpediteCase


@tagged("post_install", "-at_install")
class TestClassification(ExpediteCase):
    def test_scenario_ticket_becomes_expedite_on_create(self):
        ticket = self._create_scenario_ticket()
        self.assertEqual(ticket.affected_user_count, 53)
        self.assertEqual(ticket.affected_group_count, 3)
        self.assertEqual(ticket.class_of_service, "expedite")
        self.assertEqual(
            ticket.classification_rule_id,
            self.env.ref("helpdesk_expedite.rule_expedite_affected_users"),
        )
        self.assertIn("53 affected users > 25", ticket.classification_reason)
        self.assertEqual(ticket.priority, "3")
        self.assertEqual(ticket.update_interval, 15)

    def test_small_ticket_stays_standard(self):
        ticket = self._create_ticket(groups=[("WEB102-HN", "Hanoi", 5)])
        self.assertEqual(ticket.class_of_service, "standard")
        self.assertFalse(ticket.classification_rule_id)
        self.assertIn("No classification rule matched", ticket.classification_reason)

    def test_adding_impact_lines_reclassifies(self):
        ticket = self._create_ticket(groups=[("WEB102-HN", "Hanoi", 20)])
        self.assertEqual(ticket.class_of_service, "standard")
        ticket.write(
            {
                "impact_line_ids": [
                    Command.create({"name": "DATA101-SG", "affected_users": 18})
                ]
            }
        )
        self.assertEqual(ticket.class_of_service, "expedite")

    def test_direct_line_create_and_unlink_reclassify(self):
        ticket = self._create_ticket(groups=[("WEB102-HN", "Hanoi", 20)])
        line = self.env["helpdesk.ticket.impact.line"].create(
            {"ticket_id": ticket.id, "name": "DATA101-SG", "affected_users": 18}
        )
        self.assertEqual(ticket.class_of_service, "expedite")
        line.unlink()
        self.assertEqual(ticket.class_of_service, "standard")

    def test_lowering_users_downgrades_class_but_never_priority(self):
        ticket = self._create_ticket()
        self.assertEqual((ticket.class_of_service, ticket.priority), ("expedite", "3"))
        ticket.impact_line_ids[1:].unlink()
        self.assertEqual(ticket.class_of_service, "standard")
        self.assertEqual(ticket.priority, "3")

    def test_executive_and_blocked_activity_rule(self):
        ticket = self._create_ticket(groups=[("WEB102-HN", "Hanoi", 3)])
        ticket.critical_activity_blocked = True
        self.assertEqual(ticket.class_of_service, "standard")
        ticket.executive_partner_ids = self.executive
        self.assertTrue(ticket.executive_involved)
        self.assertEqual(ticket.class_of_service, "expedite")
        self.assertEqual(
            ticket.classification_rule_id,
            self.env.ref("helpdesk_expedite.rule_expedite_blocked_executive"),
        )

    def test_deadline_gives_fixed_date(self):
        ticket = self._create_ticket(groups=[], deadline="2026-12-01 08:00:00")
        self.assertEqual(ticket.class_of_service, "fixed_date")
        self.assertFalse(ticket.acknowledged_date, "only expedite is auto-acknowledged")

    def test_priority_raised_never_lowered(self):
        ticket = self._create_ticket(groups=[("A", "", 1)], priority="0")
        self.assertEqual(ticket.priority, "0")
        ticket.impact_line_ids.affected_users = 30
        self.assertEqual(ticket.priority, "3")
        ticket.priority = "1"  # a person may lower it...
        ticket.failure_rate = 90  # ...and a later classification keeps it
        self.assertEqual(ticket.priority, "1")

    def test_each_class_change_posts_one_note_with_reason(self):
        ticket = self._create_ticket(groups=[("A", "", 5)])
        ticket.impact_line_ids.affected_users = 26
        ticket.failure_rate = 99  # no class change: no note
        notes = self._notes(ticket, "Class of service")
        self.assertEqual(len(notes), 1)
        self.assertIn("26 affected users &gt; 25", notes.body)
        ticket.impact_line_ids.affected_users = 2
        self.assertEqual(len(self._notes(ticket, "Class of service")), 2)

    def test_locked_class_stays(self):
        ticket = self._create_ticket(groups=[("A", "", 5)])
        ticket.write(
            {
                "class_of_service": "intangible",
                "class_of_service_locked": True,
                "class_of_service_lock_reason": "Internal improvement, agreed with customer",
            }
        )
        ticket.impact_line_ids.affected_users = 500
        self.assertEqual(ticket.class_of_service, "intangible")
        ticket.action_classify()
        self.assertEqual(ticket.class_of_service, "intangible")
        ticket.class_of_service_locked = False
        ticket.action_classify()
        self.assertEqual(ticket.class_of_service, "expedite")

    def test_rule_for_other_team_is_ignored(self):
        other_team = self.env["helpdesk.ticket.team"].create({"name": "Other"})
        self.env.ref(
            "helpdesk_expedite.rule_expedite_affected_users"
        ).team_ids = other_team
        ticket = self._create_ticket()
        self.assertEqual(ticket.class_of_service, "standard")
        ticket.team_id = other_team
        self.assertEqual(ticket.class_of_service, "expedite")

    def test_action_classify_on_many_records(self):
        tickets = self._create_ticket() | self._create_ticket(groups=[("A", "", 1)])
        self.env.ref(
            "helpdesk_expedite.rule_expedite_affected_users"
        ).affected_users_over = 0
        self.env.ref("helpdesk_expedite.rule_expedite_affected_users").min_groups = 1
        tickets.action_classify()
        self.assertEqual(tickets.mapped("class_of_service"), ["expedite", "expedite"])

    def test_unrelated_write_costs_no_extra_query(self):
        """Writing a field the classifier ignores costs what it costs in
        plain helpdesk_mgmt: measured in the same run on a twin ticket."""
        ours, twin = self._create_ticket(), self._create_ticket()
        self.env.flush_all()
        self.env.invalidate_all()
        before = self.env.cr.sql_log_count
        PlainHelpdeskTicket.write(twin, {"name": "Renamed (plain)"})
        self.env.flush_all()
        plain_count = self.env.cr.sql_log_count - before
        self.env.invalidate_all()
        with self.assertQueryCount(plain_count):
            ours.write({"name": "Renamed (expedite)"})
            self.env.flush_all()
        self.assertEqual(
            len(self._notes(ours, "Class of service")), 1, "no reclassification note"
        )

    def test_demo_scenario_ticket_is_classified_by_the_rules(self):
        """The installed demo ticket got its class from the rules."""
        ticket = self.env.ref("helpdesk_expedite.helpdesk_ticket_exam_submission")
        self.assertEqual(ticket.class_of_service, "expedite")
        self.assertEqual(ticket.affected_user_count, 53)
        self.assertEqual(ticket.affected_group_count, 3)
        self.assertEqual(
            sorted(ticket.impact_line_ids.mapped("affected_users")), [15, 18, 20]
        )
        self.assertEqual(
            ticket.classification_rule_id,
            self.env.ref("helpdesk_expedite.rule_expedite_affected_users"),
        )
        self.assertTrue(ticket.acknowledged_date)
        self.assertEqual(
            ticket.stage_id,
            self.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_in_progress"),
        )


@tagged("post_install", "-at_install")
class TestBadClassificationInput(ExpediteCase):
    def test_lock_without_reason(self):
        ticket = self._create_ticket()
        self._assert_refused(
            "Say why", lambda: ticket.write({"class_of_service_locked": True})
        )
        self.assertFalse(ticket.class_of_service_locked)

    def test_rule_with_bad_threshold(self):
        with self.assertRaisesRegex(ValidationError, "between 0 and 100"):
            self.env["helpdesk.expedite.rule"].create(
                {"name": "bad", "class_of_service": "expedite", "min_failure_rate": 120}
            )


@tagged("post_install", "-at_install")
class TestCallerContext(ExpediteCase):
    def test_a_callers_context_key_does_not_skip_the_classification(self):
        """Any RPC caller sets any context key (see lifecycle_guard): an
        agent adding 40 affected users must not keep the ticket Standard by
        passing the add-on's own "defer" key."""
        ticket = self._create_ticket(groups=[("WEB102-HN", "Hanoi", 5)])
        self.assertEqual(ticket.class_of_service, "standard")
        ticket.with_user(self.agent).with_context(
            helpdesk_expedite_defer_classification=True
        ).write(
            {
                "impact_line_ids": [
                    Command.create({"name": "DATA101-SG", "affected_users": 40})
                ]
            }
        )
        self.assertEqual(ticket.affected_user_count, 45)
        self.assertEqual(ticket.class_of_service, "expedite")
