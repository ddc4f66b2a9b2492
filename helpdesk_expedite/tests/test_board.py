"""The board: Expedite first, the user threshold from the rules, the team's
Expedite WIP limit, the wizards' notices, the team dashboard, its tour."""

from datetime import datetime, timedelta

from odoo import Command, fields
from odoo.tests import tagged

from .common import ExpediteCase, PortalIncidentCase

T0 = datetime(2026, 6, 15, 9, 0, 0)


@tagged("post_install", "-at_install")
class TestBoard(ExpediteCase):
    def test_kanban_puts_expedite_first_in_a_column(self):
        small = self._create_ticket(groups=[("G1", "Hanoi", 3)], name="Small")
        big = self._create_ticket(name="Big")
        self.assertEqual(big.class_of_service, "expedite")
        view = self.env.ref("helpdesk_expedite.helpdesk_ticket_view_kanban")
        order = self.Ticket.get_views([(view.id, "kanban")])["views"]["kanban"]
        self.assertIn('default_order="class_of_service_rank', order["arch"])
        ordered = self.Ticket.search(
            [("id", "in", (small | big).ids)], order="class_of_service_rank, id"
        )
        self.assertEqual(ordered[0], big)

    def test_user_threshold_filter_follows_the_rule(self):
        rule = self.env.ref("helpdesk_expedite.rule_expedite_affected_users")
        ticket_45 = self._create_ticket(groups=[("G1", "Hanoi", 45)], name="45")
        domain = [("over_user_threshold", "=", True), ("id", "=", ticket_45.id)]
        self.assertTrue(self.Ticket.search(domain), "45 > 25")
        rule.affected_users_over = 50
        self.assertFalse(self.Ticket.search(domain), "45 is not over 50")
        self.assertFalse(ticket_45.over_user_threshold)

    def test_wip_limit_warns_without_blocking(self):
        self.team.expedite_wip_limit = 1
        first = self._create_ticket(name="First incident")
        self.assertFalse(self._notes(first, "over its limit"))
        second = self._create_ticket(name="Second incident")
        self.assertEqual(second.class_of_service, "expedite", "not blocked")
        self.assertTrue(self._notes(second, "over its limit of 1"))
        self.assertTrue(self.team.expedite_wip_exceeded)

    def test_wip_limit_warns_every_ticket_created_together(self):
        self.team.expedite_wip_limit = 2
        tickets = self.Ticket.create(
            [self._ticket_vals(name=f"Incident {i}") for i in range(3)]
        )
        self.assertEqual(set(tickets.mapped("class_of_service")), {"expedite"})
        for ticket in tickets:
            self.assertEqual(
                len(self._notes(ticket, "now runs 3 Expedite incidents")), 1
            )
            self.assertEqual(len(self._notes(ticket, "Class of service:")), 1)

    def test_escalation_wizard_says_what_happened(self):
        wizard = (
            self.env["helpdesk.ticket.escalation.wizard"]
            .with_context(default_ticket_id=self._create_ticket().id)
            .create({})
        )
        action = wizard.action_escalate()
        self.assertEqual(action["tag"], "display_notification")
        # in the outgoing mail queue until the mail queue has sent it
        self.assertIn("queued for sending by email", action["params"]["message"])
        self.assertEqual(
            action["params"]["next"]["type"], "ir.actions.act_window_close"
        )

    def test_monitoring_wizard_says_the_verdict(self):
        ticket = self._resolve(self._create_ticket())
        wizard = self.env["helpdesk.ticket.monitoring.wizard"].create(
            {"ticket_id": ticket.id, "recurrence": True, "success_rate": 10}
        )
        action = wizard.action_log()
        self.assertIn("Failed", action["params"]["message"])
        self.assertEqual(action["params"]["type"], "danger")

    def test_major_incidents_has_an_activity_view(self):
        action = self.env.ref("helpdesk_expedite.helpdesk_ticket_expedite_action")
        self.assertIn("activity", action.view_mode)
        self.Ticket.get_views([(False, "activity")])

    def test_team_members_command_is_unchanged(self):
        # the WIP limit is a team setting with a default of 1
        team = self.env["helpdesk.ticket.team"].create(
            {"name": "New team", "user_ids": [Command.set(self.agent.ids)]}
        )
        self.assertEqual(team.expedite_wip_limit, 1)


@tagged("post_install", "-at_install")
class TestTeamDashboard(ExpediteCase):
    def test_team_card_counts_major_incidents_and_late_updates(self):
        other_team = self.env["helpdesk.ticket.team"].create({"name": "Other (test)"})
        with self.at(T0):
            self._create_scenario_ticket()
            self._create_scenario_ticket(team_id=other_team.id)
            self._create_ticket(groups=[("A", "", 2)])  # standard: not counted
        teams = self.team | other_team
        with self.at(T0 + timedelta(minutes=5)):
            teams.invalidate_recordset()
            self.assertEqual(teams.mapped("expedite_ticket_count"), [1, 1])
            self.assertEqual(teams.mapped("update_overdue_ticket_count"), [0, 0])
        with self.at(T0 + timedelta(minutes=20)):
            teams.invalidate_recordset()
            self.env.flush_all()
            with self.assertQueryCount(
                2
            ):  # two grouped queries for any number of teams
                self.assertEqual(teams.mapped("update_overdue_ticket_count"), [1, 1])

    def test_escalated_filter_averages_reached_milestones_only(self):
        with self.at(T0):
            escalated, waiting = (
                self._create_scenario_ticket(),
                self._create_scenario_ticket(),
            )
        with self.at(T0 + timedelta(minutes=10)):
            escalated.action_escalate()
        self.env.flush_all()
        escalated_filter = [("escalated_date", "!=", False)]  # the "Escalated" filter
        [(average,)] = self.Ticket._read_group(
            [("id", "in", (escalated | waiting).ids)] + escalated_filter,
            [],
            ["time_to_escalate:avg"],
        )
        self.assertEqual(average, 10.0)


@tagged("post_install", "-at_install")
class TestBoardTour(PortalIncidentCase):
    def test_board_shows_incidents_first_with_their_countdown(self):
        late = self._create_scenario_ticket(name="Tour late incident")
        on_time = self._create_scenario_ticket(name="Tour on-time incident")
        ordinary = self._create_ticket(
            groups=[("G1", "Hanoi", 2)],
            name="Tour ordinary ticket",
            stage_id=self.stage_in_progress.id,
        )
        late.next_update_deadline = fields.Datetime.now() - timedelta(minutes=10)
        self.assertTrue(late.update_overdue)
        self.assertFalse(on_time.update_overdue)
        self.assertEqual(ordinary.class_of_service, "standard")
        self.assertEqual(
            (late | on_time | ordinary).stage_id, self.stage_in_progress, "one column"
        )
        self.start_tour(
            "/odoo/action-helpdesk_mgmt.helpdesk_ticket_action?view_type=kanban",
            "helpdesk_expedite_kanban_countdown",
            login=self.manager.login,
        )
