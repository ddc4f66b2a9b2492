"""The status page's models: components and their status, publishing and
unpublishing an incident, its public phase and updates, and the page's
version that the cached pages are keyed on."""

from unittest.mock import patch

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .status_page_case import PUBLIC_TITLE, StatusPageCase


@tagged("post_install", "-at_install")
class TestStatusPagePublishing(StatusPageCase):
    def test_publishing_sets_its_components_status_from_its_impact(self):
        ticket = self._publishable(impact="critical", components=self.exam | self.lms)
        self.assertEqual(self.exam.status, "operational")
        ticket.with_user(self.agent).action_publish_status()
        self.assertTrue(ticket.status_published)
        self.assertTrue(ticket.status_published_date)
        self.assertEqual((self.exam | self.lms).mapped("status"), ["major_outage"] * 2)
        self.assertEqual(self.sso.status, "operational")
        ticket.status_impact = "minor"
        self.assertEqual(self.exam.status, "degraded_performance")
        ticket.status_component_ids = [Command.set(self.lms.ids)]
        self.assertEqual(
            (self.exam.status, self.lms.status), ("operational", "degraded_performance")
        )

    def test_the_worst_open_incident_wins_and_closing_or_unpublishing_clears(self):
        major = self._published(impact="major")
        critical = self._published(impact="critical")
        self.assertEqual(self.exam.status, "major_outage")
        critical.with_user(self.agent).action_unpublish_status()
        self.assertFalse(critical.status_published)
        self.assertEqual(self.exam.status, "partial_outage")
        major.write(
            {
                "closure_override_reason": "Duplicate",
                "stage_id": self.stage_cancelled.id,
            }
        )
        self.assertEqual(self.exam.status, "operational")

    def test_a_managers_manual_status_overrides_the_incidents(self):
        self._published(impact="critical")
        self.exam.with_user(self.manager).manual_status = "under_maintenance"
        self.assertEqual(self.exam.status, "under_maintenance")
        self.exam.with_user(self.manager).manual_status = False
        self.assertEqual(self.exam.status, "major_outage")

    def test_only_managers_set_a_component_and_nobody_its_computed_status(self):
        with self.assertRaises(AccessError):
            self.exam.with_user(self.agent).manual_status = "major_outage"
        with self.assertRaises(AccessError):
            self.exam.with_user(self.agent).name = "Renamed"
        with self.assertRaises(AccessError):
            self.exam.with_user(self.manager).status = "major_outage"
        with self.assertRaises(AccessError):
            self.env["helpdesk.status.component"].with_user(self.manager).create(
                {"name": "Forced", "status": "major_outage"}
            )

    def test_publishing_needs_a_public_title_of_its_own_and_a_component(self):
        ticket = self._create_scenario_ticket()
        with self.assertRaisesRegex(UserError, "public title"):
            ticket.action_publish_status()
        ticket.status_public_title = f"  {ticket.name.upper()} "
        ticket.status_component_ids = [Command.set(self.exam.ids)]
        with self.assertRaisesRegex(UserError, "customer wrote"):
            ticket.action_publish_status()
        ticket.write(
            {
                "status_public_title": PUBLIC_TITLE,
                "status_component_ids": [Command.clear()],
            }
        )
        with self.assertRaisesRegex(UserError, "component"):
            ticket.action_publish_status()
        self.assertFalse(ticket.status_published)
        with self.assertRaises(ValidationError):
            ticket.status_public_title = "x" * 201

    def test_publication_is_set_by_the_actions_only(self):
        ticket = self._publishable()
        for vals in (
            {"status_published": True},
            {"status_published_date": "2026-01-01"},
        ):
            with self.assertRaises(AccessError):
                ticket.with_user(self.manager).write(vals)
        with self.assertRaises(AccessError):
            self.Ticket.with_user(self.agent).create(
                self._ticket_vals(status_published=True)
            )
        with self.assertRaises(AccessError):
            self.Ticket.with_user(self.agent).with_context(
                default_status_published=True
            ).create(self._ticket_vals())
        self.assertFalse(ticket.status_published)

    def test_a_portal_customer_cannot_publish_his_ticket(self):
        ticket = self._publishable()
        customer = self._portal_user("status_customer", self.customer)
        for action in ("action_publish_status", "action_unpublish_status"):
            with self.assertRaises(AccessError):
                getattr(ticket.with_user(customer), action)()
        with self.assertRaises(AccessError):
            ticket.with_user(customer).read(["status_public_title"])

    def test_components_of_another_company_are_refused(self):
        other = self.env["res.company"].create({"name": "Other campus"})
        foreign = self.env["helpdesk.status.component"].create(
            {"name": "Other exam service", "company_id": other.id}
        )
        ticket = self._create_scenario_ticket()
        with self.assertRaises(ValidationError):
            ticket.status_component_ids = [Command.set(foreign.ids)]

    def test_the_pages_version_changes_with_every_public_change(self):
        ticket = self._publishable()
        versions = [self._version()]

        def changed(what):
            versions.append(self._version())
            self.assertNotEqual(versions[-1], versions[-2], what)

        ticket.action_publish_status()
        changed("publish")
        ticket.action_post_status_update("Still on it.")
        changed("public update")
        ticket.status_update_ids[:1].is_public = False
        changed("update taken off the page")
        ticket.status_public_title = "Exam submissions slow"
        changed("public title")
        ticket.root_cause = "A deployment."
        changed("phase")
        self.exam.with_user(self.manager).description = "Submitting answers"
        changed("component")
        self.env["res.lang"]._activate_lang("vi_VN")
        self.exam.with_user(self.manager).update_field_translations(
            "name", {"vi_VN": "Dịch vụ nộp bài thi"}
        )
        changed("component's name translated")
        ticket.action_unpublish_status()
        changed("unpublish")
        ticket.preliminary_assessment = "Internal thoughts"
        ticket.action_post_status_update("Not published: no change.")
        self.assertEqual(self._version(), versions[-1])


@tagged("post_install", "-at_install")
class TestStatusPageUpdates(StatusPageCase):
    def test_each_update_keeps_the_public_phase_it_was_posted_in(self):
        ticket = self._published()
        ticket.action_post_status_update("Investigating.")
        ticket.write({"root_cause": "A deployment."})
        ticket.action_post_status_update("Identified.")
        self._resolve(ticket)
        self.assertEqual(ticket.status_phase, "monitoring")
        ticket.action_post_status_update("Watching.")
        phases = {u.body: u.public_status for u in ticket.status_update_ids}
        self.assertEqual(phases["Investigating."], "investigating")
        self.assertEqual(phases["Identified."], "identified")
        self.assertEqual(phases["Watching."], "monitoring")

    def test_an_update_for_the_customer_only_stays_off_the_page(self):
        ticket = self._published()
        ticket.action_post_status_update("For the customer only.", is_public=False)
        ticket.action_post_status_update("For everyone.")
        bodies = ticket._get_status_public_updates().mapped("body")
        self.assertIn("For everyone.", bodies)
        self.assertNotIn("For the customer only.", bodies)
        with self.assertRaises(ValidationError):
            ticket.action_post_status_update("x", is_public="yes")

    def test_the_hook_hears_each_public_update_of_a_published_incident(self):
        ticket = self._published()
        unpublished = self._publishable()
        Ticket = type(self.Ticket)
        with patch.object(Ticket, "_on_status_public_update", autospec=True) as hook:
            ticket.action_post_status_update("Public.")
            ticket.action_post_status_update("Private.", is_public=False)
            unpublished.action_post_status_update("Not on the page.")
        self.assertEqual(hook.call_count, 1)
        heard_ticket, updates = hook.call_args.args
        self.assertEqual(heard_ticket, ticket)
        self.assertEqual(updates.mapped("body"), ["Public."])

    def test_agents_mark_an_update_but_do_not_rewrite_it(self):
        ticket = self._published()
        ticket.action_post_status_update("Posted.")
        update = ticket.status_update_ids.filtered(lambda u: u.body == "Posted.")
        update.with_user(self.agent).is_public = False
        self.assertFalse(update.is_public)
        for vals in ({"body": "Rewritten"}, {"public_status": "resolved"}):
            with self.assertRaises(AccessError):
                update.with_user(self.agent).write(vals)
