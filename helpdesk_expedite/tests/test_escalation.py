"""Escalating an incident by email, targets, acknowledgement and errors."""

import re
from contextlib import contextmanager
from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged

from .common import SCENARIO_GROUPS, ExpediteCase

WEBHOOK = "https://teams.example.com/workflows/abc/invoke?sig=SECRET"


@tagged("post_install", "-at_install")
class TestEscalation(ExpediteCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Target = cls.env["helpdesk.escalation.target"]
        cls.Escalation = cls.env["helpdesk.ticket.escalation"]
        cls.developer = cls.env["res.partner"].create(
            {"name": "Lead Developer", "email": "lead.dev@example.com"}
        )
        cls.teams_target = cls.Target.create(
            {
                "name": "Dev Team channel (test)",
                "channel": "teams",
                "teams_webhook_url": WEBHOOK,
                "sequence": 5,
            }
        )
        cls.ticket = cls._create_scenario_ticket()

    @contextmanager
    def _raises(self, exception, text):
        """assertRaises (which rolls back to a savepoint) + message check."""
        with self.assertRaises(exception) as catcher:
            yield
        self.assertIn(text, str(catcher.exception))

    def _escalate_to_both_targets(self):
        """Escalate the ticket by email (default target), then to Teams."""
        with self.mock_mail_gateway():
            self.ticket.action_escalate()
            self.ticket.action_escalate(target_id=self.teams_target.id)
        return self.ticket.escalation_ids

    def _escalation_mails(self):
        return self._new_mails.filtered(
            lambda m: m.model == "helpdesk.ticket.escalation"
        )

    # ------------------------------------------------------------------
    # Summary and email
    # ------------------------------------------------------------------

    def test_summary_has_the_scenario_facts(self):
        self.assertEqual(self.ticket.class_of_service, "expedite")
        with self.mock_mail_gateway():
            self.ticket.action_escalate()
        escalation = self.ticket.escalation_ids
        self.assertEqual(len(escalation), 1)
        self.assertEqual(escalation.target_id, self.dev_team)
        self.assertEqual(escalation.channel, "email")
        summary = escalation.summary
        for expected in (
            "LMS exam submission failure",
            self.ticket.number,
            "Customer: Campus (test), Exam Coordinator",
            "Class of service: Expedite",
            "Affected service: Exam submission service",
            "Affected users: 20 + 18 + 15 = 53",
            "Affected groups: 3",
            "Failure rate: 100%",
            "Error message: System error - please contact administrator",
            "Critical activity blocked: Yes",
            "Executive involvement: Yes: ",
            "Campus Director",
            "Business impact: Final exams blocked",
            f"/odoo/helpdesk.ticket/{self.ticket.id}",
            "- WEB102-HN (Hanoi): 20",
            "- DATA101-SG (Saigon): 18",
            "- MOBILE201-HN (Hanoi): 15",
        ):
            self.assertIn(expected, summary)
        self.assertTrue(
            summary.split("Link: ")[1].startswith(self.ticket.get_base_url())
        )

    def test_an_escalation_is_named_by_its_ticket_and_target(self):
        self._escalate_to_both_targets()
        self.assertEqual(
            sorted(self.ticket.escalation_ids.mapped("display_name")),
            sorted(
                f"{self.ticket.number} to {target.name}"
                for target in self.ticket.escalation_ids.target_id
            ),
        )

    def test_email_goes_to_the_target_address_and_partners(self):
        self.dev_team.partner_ids = self.developer
        with self.mock_mail_gateway():
            self.ticket.with_user(self.agent).action_escalate()
            escalation = self.ticket.escalation_ids
            mail = self._escalation_mails()
            self.assertEqual(len(mail), 1)
            self.assertEqual(mail.res_id, escalation.id)
            self.assertEqual(mail.state, "outgoing")
            self.assertEqual(mail.email_to, "dev@example.com")
            self.assertEqual(mail.recipient_ids, self.developer)
            mail.send()
        subject = (
            f"[ESCALATION] {self.ticket.number} {self.ticket.name} (53 users affected)"
        )
        for recipient in ("dev@example.com", self.developer):
            self.assertSentEmail(
                mail.email_from,
                [recipient],
                subject=subject,
                body_content="MOBILE201-HN",
            )
        self.assertIn("Final exams blocked", mail.body_html)
        self.assertEqual(escalation.state, "sent")
        self.assertTrue(escalation.sent_date)
        self.assertEqual(escalation.attempt_count, 1)
        self.assertTrue(self._notes(self.ticket, "Escalated to Dev Team (test)"))

    def test_email_is_a_structured_summary_with_an_acknowledge_link(self):
        with self.mock_mail_gateway():
            self.ticket.action_escalate()
        mail = self._escalation_mails()
        escalation = self.ticket.escalation_ids
        html = mail.body_html
        # the impact groups as table rows, then the total
        rows = re.findall(r"<tr>(.*?)</tr>", html, re.S)
        cells = [re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.S) for row in rows]
        cells = [[re.sub(r"<[^>]+>", "", c).strip() for c in row] for row in cells]
        for name, location, users in SCENARIO_GROUPS:
            self.assertIn([name, location, str(users)], cells)
        self.assertIn(["Total", "53"], cells)
        for label, value in (
            ("Failure rate", "100%"),
            ("Error message", "System error - please contact administrator"),
            ("Executive involvement", "Campus Director"),
            ("Business impact", "Final exams blocked"),
            ("Critical activity blocked", "Yes"),
        ):
            self.assertIn([label, value], cells)
        self.assertIn(self.ticket._get_backend_url(), html)
        ack_url = (
            f"{self.ticket.get_base_url()}/helpdesk_expedite/escalation/"
            f"{escalation.id}/acknowledge?token="
        )
        self.assertIn(ack_url, html)
        self.assertNotIn("<pre", html)
        # Odoo's light notification layout wraps it
        self.assertIn("Dev Team (test)", html)
        self.assertIn("Powered by", html)
        # the plain summary (contract) is unchanged
        self.assertIn("20 + 18 + 15 = 53", escalation.summary)
        template = self.env.ref("helpdesk_expedite.mail_template_escalation")
        self.assertTrue(template.description)

    def test_email_to_partners_only(self):
        target = self.Target.create(
            {
                "name": "On-call (test)",
                "channel": "email",
                "partner_ids": [fields.Command.set(self.developer.ids)],
            }
        )
        with self.mock_mail_gateway():
            self.ticket.action_escalate(target_id=target.id)
            mail = self._escalation_mails()
            mail.send()
        self.assertFalse(mail.email_to)
        self.assertSentEmail(mail.email_from, [self.developer])

    # ------------------------------------------------------------------
    # Dates, targets, several tickets
    # ------------------------------------------------------------------

    def test_escalated_date_set_on_first_escalation_only(self):
        first = fields.Datetime.now() + timedelta(minutes=4)
        with self.mock_mail_gateway(), self.at(first):
            self.ticket.action_escalate()
        with self.mock_mail_gateway(), self.at(first + timedelta(minutes=30)):
            self.ticket.action_escalate(target_id=self.teams_target.id)
        self.assertEqual(len(self.ticket.escalation_ids), 2)
        self.assertEqual(self.ticket.escalated_date, first)
        self.assertGreater(self.ticket.time_to_escalate, 0)

    def test_default_target_is_the_first_active_one_of_the_company(self):
        self.Target.create(
            {
                "name": "Archived (test)",
                "email": "old@example.com",
                "sequence": 0,
                "active": False,
            }
        )
        other_company = self.env["res.company"].create({"name": "Other (test)"})
        self.Target.create(
            {
                "name": "Elsewhere (test)",
                "email": "else@example.com",
                "sequence": 0,
                "company_id": other_company.id,
            }
        )
        with self.mock_mail_gateway():
            self.ticket.action_escalate()
        self.assertEqual(self.ticket.escalation_ids.target_id, self.dev_team)
        first = self.Target.create(
            {"name": "First (test)", "email": "first@example.com", "sequence": 0}
        )
        with self.mock_mail_gateway():
            self.ticket.action_escalate()
        self.assertEqual(self.ticket.escalation_ids.sorted("id")[-1].target_id, first)

    def test_explicit_teams_target_is_queued_not_mailed(self):
        with self.mock_mail_gateway():
            self.ticket.with_user(self.agent).action_escalate(
                target_id=self.teams_target.id
            )
        escalation = self.ticket.escalation_ids
        self.assertEqual(escalation.target_id, self.teams_target)
        self.assertEqual(escalation.channel, "teams")
        self.assertEqual(escalation.state, "queued")
        self.assertEqual(escalation.attempt_count, 0)
        self.assertTrue(escalation.next_attempt_date)
        self.assertFalse(self._escalation_mails())
        self.assertIn("20 + 18 + 15 = 53", escalation.summary)

    def test_escalate_several_tickets_at_once(self):
        other = self._create_ticket(
            groups=[("WEB201-DN", "Da Nang", 30)], name="Grades page down"
        )
        tickets = self.ticket | other
        with self.mock_mail_gateway():
            tickets.action_escalate()
            # queued until the mail queue has sent the mails
            self.assertEqual(set(tickets.escalation_ids.mapped("state")), {"queued"})
            self._send_escalation_mails(tickets.escalation_ids)
        for ticket in tickets:
            self.assertEqual(len(ticket.escalation_ids), 1)
            self.assertEqual(ticket.escalation_ids.state, "sent")
            self.assertTrue(ticket.escalated_date)
        self.assertIn("Affected users: 30", other.escalation_ids.summary)
        self.assertEqual(len(self._escalation_mails()), 2)

    # ------------------------------------------------------------------
    # Acknowledgement
    # ------------------------------------------------------------------

    def test_mark_acknowledged_records_who_when_and_response_time(self):
        sent = fields.Datetime.now()
        with self.mock_mail_gateway(), self.at(sent):
            self.ticket.action_escalate()
            self._send_escalation_mails(self.ticket.escalation_ids)
        escalation = self.ticket.escalation_ids
        self.assertEqual(escalation.sent_date, sent)
        with self.at(sent + timedelta(minutes=12)):
            escalation.with_user(self.agent).action_mark_acknowledged()
        self.assertEqual(escalation.state, "acknowledged")
        self.assertEqual(escalation.acknowledged_by_id, self.agent)
        self.assertEqual(escalation.acknowledged_date, sent + timedelta(minutes=12))
        self.assertAlmostEqual(escalation.response_time, 12.0)
        self.assertTrue(self._notes(self.ticket, "acknowledged the escalation"))
        with self.assertRaises(UserError):
            escalation.action_mark_acknowledged()

    def test_mark_acknowledged_on_several_escalations(self):
        escalations = self._escalate_to_both_targets()
        escalations.action_mark_acknowledged()
        self.assertEqual(set(escalations.mapped("state")), {"acknowledged"})
        self.assertEqual(escalations.acknowledged_by_id, self.env.user)
        self.assertFalse(escalations.filtered("next_attempt_date"))

    def test_response_analysis_averages_acknowledged_escalations(self):
        """Escalation Response: minutes to acknowledge per target, the
        escalations still waiting left out by the action's default filter."""
        sent = fields.Datetime.now() - timedelta(hours=1)
        other = self._create_scenario_ticket(name="Second outage")
        third = self._create_scenario_ticket(name="Third outage")
        with self.mock_mail_gateway(), self.at(sent):
            (self.ticket | other | third).action_escalate()
            self._send_escalation_mails((self.ticket | other | third).escalation_ids)
        first, second = (self.ticket | other).escalation_ids
        with self.at(sent + timedelta(minutes=12)):
            first.action_mark_acknowledged()
        with self.at(sent + timedelta(minutes=4)):
            second.action_mark_acknowledged()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "helpdesk_expedite.helpdesk_ticket_escalation_analysis_action"
        )
        self.assertEqual(action["context"], "{'search_default_acknowledged': 1}")
        groups = self.Escalation.read_group(
            [("state", "=", "acknowledged"), ("target_id", "=", self.dev_team.id)],
            ["response_time:avg"],
            ["target_id"],
        )
        self.assertEqual(len(groups), 1)
        self.assertAlmostEqual(groups[0]["response_time"], 8.0)
        # the ticket's scorecard has the time of its first escalation
        self.assertEqual(self.ticket.escalation_ack_minutes, 12.0)
        self.assertEqual(third.escalation_ack_minutes, 0.0)

    def test_scorecard_times_the_first_answered_escalation(self):
        """The Dev Team never answered the first mail; the on-call engineer
        answered the second after 5 minutes: the ticket's figure is 5, not 0."""
        on_call = self.Target.create(
            {
                "name": "On-call engineer",
                "channel": "email",
                "email": "oncall@example.com",
            }
        )
        sent = fields.Datetime.now() - timedelta(hours=1)
        with self.mock_mail_gateway(), self.at(sent):
            self.ticket.action_escalate()
            self._send_escalation_mails(self.ticket.escalation_ids)
        with self.mock_mail_gateway(), self.at(sent + timedelta(minutes=1)):
            self.ticket.action_escalate(target_id=on_call.id)
            self._send_escalation_mails(self.ticket.escalation_ids)
        answered = self.ticket.escalation_ids.filtered(lambda e: e.target_id == on_call)
        with self.at(sent + timedelta(minutes=6)):
            answered.action_mark_acknowledged()
        self.assertEqual(self.ticket.escalation_ack_minutes, 5.0)

    def test_draft_escalation_cannot_be_acknowledged(self):
        draft = self.Escalation.create(
            self.ticket._prepare_escalation_vals(self.dev_team)
        )
        self.assertEqual(draft.state, "draft")
        with self._raises(UserError, "has not been sent"):
            draft.action_mark_acknowledged()

    def test_retry_resends_failed_escalations_only(self):
        escalations = self._escalate_to_both_targets()
        email = escalations.filtered(lambda e: e.channel == "email")
        teams = escalations - email
        teams.write({"state": "failed", "attempt_count": 5, "last_error": "HTTP 500"})
        with self.mock_mail_gateway():
            (email | teams).action_retry()
            self.assertFalse(self._escalation_mails())
        self.assertEqual(email.state, "queued")  # not failed: left alone
        self.assertEqual(teams.state, "queued")
        self.assertEqual(teams.attempt_count, 0)
        self.assertFalse(teams.last_error)

    # ------------------------------------------------------------------
    # Wrong configuration
    # ------------------------------------------------------------------

    def test_teams_target_needs_a_webhook_url(self):
        with self._raises(ValidationError, "webhook URL"):
            self.Target.create({"name": "No URL (test)", "channel": "teams"})
        with self._raises(ValidationError, "https://"):
            self.Target.create(
                {
                    "name": "Bad URL (test)",
                    "channel": "teams",
                    "teams_webhook_url": "javascript:alert(1)",
                }
            )
        with self._raises(ValidationError, "webhook URL"):
            self.teams_target.teams_webhook_url = False

    def test_email_target_needs_an_address(self):
        with self._raises(ValidationError, "email address or recipients"):
            self.Target.create({"name": "Nobody (test)", "channel": "email"})
        with self._raises(ValidationError, "not a valid email"):
            self.Target.create({"name": "Typo (test)", "email": "dev-at-example"})
        with self._raises(ValidationError, "email address or recipients"):
            self.dev_team.email = False

    def test_escalating_to_a_target_broken_outside_the_orm_fails_clearly(self):
        # e.g. a target imported by SQL before the constraint existed
        self.env.cr.execute(
            "UPDATE helpdesk_escalation_target SET email = NULL WHERE id = %s",
            [self.dev_team.id],
        )
        self.env.invalidate_all()
        with self._raises(ValidationError, "Dev Team (test)"):
            self.ticket.action_escalate()
        self.assertFalse(self.ticket.escalation_ids)
        self.assertFalse(self.ticket.escalated_date)

    def test_closed_ticket_cannot_be_escalated(self):
        closed = self._create_ticket(
            groups=[], failure_rate=0.0, stage_id=self.stage_done.id
        )
        self.assertTrue(closed.closed)
        with self._raises(UserError, "closed"):
            closed.action_escalate()
        with self._raises(UserError, "closed"):
            (self.ticket | closed).action_escalate()
        self.assertFalse(self.ticket.escalation_ids)

    def test_no_target_configured(self):
        self.Target.search([]).action_archive()
        with self._raises(UserError, "No escalation target"):
            self.ticket.action_escalate()

    def test_unknown_explicit_target(self):
        with self._raises(ValidationError, "does not exist or is not visible"):
            self.ticket.action_escalate(target_id=999_999_999)

    # ------------------------------------------------------------------
    # Secret webhook URL
    # ------------------------------------------------------------------

    def test_webhook_url_is_readable_by_managers_only(self):
        target = self.teams_target
        with self.assertRaises(AccessError):
            target.with_user(self.agent).read(["teams_webhook_url"])
        self.assertEqual(
            target.with_user(self.agent).read(["name"])[0]["name"],
            "Dev Team channel (test)",
        )
        self.assertNotIn(
            "teams_webhook_url",
            target.with_user(self.agent).fields_get(),
        )
        value = target.with_user(self.manager).read(["teams_webhook_url"])
        self.assertEqual(value[0]["teams_webhook_url"], WEBHOOK)

    def test_plain_user_cannot_write_targets(self):
        with self.assertRaises(AccessError):
            self.teams_target.with_user(self.agent).write(
                {"teams_webhook_url": "https://attacker.example.com/hook"}
            )

    def test_other_internal_user_cannot_read_url(self):
        employee = new_test_user(
            self.env, login="expedite_employee", groups="base.group_user"
        )
        with self.assertRaises(AccessError):
            self.teams_target.with_user(employee).read(["teams_webhook_url"])

    def test_wizard_previews_the_note_and_sends_to_the_chosen_target(self):
        # the form's Escalate button: this window action, with the ticket
        action = self.env.ref(
            "helpdesk_expedite.helpdesk_ticket_escalation_wizard_action"
        )
        wizard = (
            self.env[action.res_model]
            .with_context(default_ticket_id=self.ticket.id)
            .create({})
        )
        self.assertEqual(wizard.target_id, self.dev_team, "company's first target")
        self.assertIn("20 + 18 + 15 = 53", wizard.summary)
        wizard.target_id = self.teams_target
        wizard.action_escalate()
        self.assertEqual(self.ticket.escalation_ids.target_id, self.teams_target)
        self.assertEqual(self.ticket.escalation_ids.state, "queued")
