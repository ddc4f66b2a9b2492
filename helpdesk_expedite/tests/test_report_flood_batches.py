"""A flood of reports (issue 22, point 6, and its budget): the link made as
each report comes in, the answers sent in batches by a cron once the
incident gathers its threshold of reports a minute, and a mail gateway
that keeps up (the description of every field is not asked per mail)."""

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import new_test_user, tagged

from odoo.addons.helpdesk_expedite.models.helpdesk_ticket import mail_gateway
from odoo.addons.helpdesk_expedite.models.helpdesk_ticket.report_flood_answers import (
    FLOOD_PARAMETER,
)

from .status_page_case import StatusPageCase
from .test_report_flood import ANSWER, ReportFloodMixin

# per report of a flood, more than a report of a team without the option
# (which gets the first stage's mail): the match, the flood's count, the
# link's lock and check, the incident's reporter count and its UPDATE, the
# cron's trigger
FLOOD_EXTRA_QUERIES = 10


@tagged("post_install", "-at_install")
class TestReportFloodBatches(ReportFloodMixin, StatusPageCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_flood()
        cls.env["ir.config_parameter"].sudo().set_param(FLOOD_PARAMETER, "2")
        cls.cron = cls.env.ref("helpdesk_expedite.ir_cron_answer_linked_reports")

    def _flood(self, count, tag):
        return self.Ticket.union(
            *(
                self._mail_in(
                    f"Student {tag}{n} <student.{tag}{n}@example.com>",
                    "Cannot submit my exam",
                    "The exam submission service says: System error.",
                    f"batch-{tag}-{n}",
                )
                for n in range(count)
            )
        )

    def _answers(self, tickets):
        return self._mails_of(tickets).filtered(lambda m: ANSWER in m.subject)

    def _triggers(self):
        return (
            self.env["ir.cron.trigger"].sudo().search([("cron_id", "=", self.cron.id)])
        )

    def test_in_a_flood_each_report_is_linked_at_once_and_answered_in_a_batch(self):
        triggers = self._triggers()
        first, second, third, fourth = self._flood(4, "a")
        tickets = first | second | third | fourth
        self.assertEqual(tickets.major_incident_id, self.major)
        self.assertTrue(all(tickets.mapped("major_incident_auto_linked")))
        # below the threshold: answered as they came in
        self.assertEqual(len(self._answers(first | second)), 2)
        self.assertFalse((first | second).filtered("report_answer_pending"))
        # from the third on: queued, no answer and no first stage's mail yet
        queued = third | fourth
        self.assertEqual(queued.mapped("report_answer_pending"), [True, True])
        self.assertFalse(self._mails_of(queued))
        self.assertGreater(len(self._triggers() - triggers), 0)
        notes_before = self.major.message_ids

        self.Ticket._cron_answer_linked_reports()
        for ticket in queued:
            (mail,) = self._mails_of(ticket)
            self.assertIn(ANSWER, mail.subject)
            self.assertIn(self.major.status_page_url, mail.body_html)
            self.assertIn(ticket.number, mail.body_html)
        self.assertFalse(queued.filtered("report_answer_pending"))
        # the incident's chatter: one note for the batch, naming both
        (note,) = self.major.message_ids - notes_before
        self.assertIn("2 ticket(s) linked", note.body)
        for ticket in queued:
            self.assertIn(ticket.number, note.body)
        # a second run has nothing left to send
        self.Ticket._cron_answer_linked_reports()
        self.assertEqual(len(self._answers(queued)), 2)

    def test_a_report_an_agent_takes_over_gets_the_usual_mail_instead(self):
        *_, queued = self._flood(3, "b")
        self.assertTrue(queued.report_answer_pending)
        self.assertFalse(self._mails_of(queued))
        queued.with_user(self.agent).action_unlink_from_major_incident()
        self.assertFalse(queued.report_answer_pending)
        (mail,) = self._mails_of(queued)
        self.assertIn("stage has changed", mail.subject)
        self.Ticket._cron_answer_linked_reports()
        self.assertFalse(self._answers(queued))

    def test_reports_of_an_incident_closed_meanwhile_get_its_closing_mail_only(self):
        *_, queued = self._flood(3, "c")
        self.major.with_user(self.manager).write(
            {"stage_id": self.stage_done.id, "closure_override_reason": "review"}
        )
        before = self._mails_of(queued)
        self.Ticket._cron_answer_linked_reports()
        self.assertEqual(self._mails_of(queued), before)
        self.assertFalse(queued.report_answer_pending)
        # the link is on record all the same
        self.assertIn("Linked to the major incident", queued.message_ids[0].body)

    def test_the_scenario_s_53_students_are_answered_at_once(self):
        """By default a flood is 100 reports a minute: the 53 students who
        wrote in on exam day each get their answer as they write."""
        self.env["ir.config_parameter"].sudo().set_param(FLOOD_PARAMETER, False)
        tickets = self._flood(53, "s")
        self.assertEqual(tickets.major_incident_id, self.major)
        self.assertFalse(tickets.filtered("report_answer_pending"))
        self.assertEqual(len(self._answers(tickets)), 53)

    def test_a_threshold_of_zero_answers_every_report_at_once(self):
        self.env["ir.config_parameter"].sudo().set_param(FLOOD_PARAMETER, "0")
        tickets = self._flood(3, "d")
        self.assertFalse(tickets.filtered("report_answer_pending"))
        self.assertEqual(len(self._answers(tickets)), 3)

    def test_the_pending_flag_is_the_system_s(self):
        ticket = self._flood(1, "e")
        for user in (self.agent, self.manager):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                ticket.with_user(user).write({"report_answer_pending": True})
        self.assertFalse(ticket.report_answer_pending)

    def test_the_system_links_what_the_writer_may_not_see_and_he_may_not(self):
        """A report linked as it comes in, by an agent who may not open the
        incident, is linked all the same (the system's link, not his); but
        the automatic flag is no way round the rule when he links it
        himself: he may not link his report to an incident he cannot see."""
        own_agent = new_test_user(
            self.env,
            login="flood_own_agent",
            groups="helpdesk_mgmt.group_helpdesk_user_own",
        )
        self.assertFalse(self.major.with_user(own_agent).has_access("read"))
        self.env.invalidate_all()  # the incident read afresh, as in a request
        report = self.Ticket.with_user(own_agent).create(
            {
                "name": "Exam submission service down",
                "description": "<p>Blocked.</p>",
                "team_id": self.team.id,
                "user_id": own_agent.id,
                "partner_id": self.customer.id,
            }
        )
        self.assertEqual(report.major_incident_id, self.major)
        self.assertTrue(report.major_incident_auto_linked)
        # straight from the automatic link to another incident he cannot
        # see, or back to this one once he unlinked it: his links, refused
        hidden = self._create_scenario_ticket(user_id=self.agent.id)
        self.assertEqual(hidden.class_of_service, "expedite")
        as_own = report.with_user(own_agent)
        for relink in (
            lambda: as_own.write({"major_incident_id": hidden.id}),
            lambda: as_own.action_link_to_major_incident(hidden.id),
        ):
            with (
                self.assertRaisesRegex(ValidationError, "not visible to you"),
                self.env.cr.savepoint(),
            ):
                relink()
        self.assertEqual(report.major_incident_id, self.major)
        as_own.action_unlink_from_major_incident()
        self.assertFalse(report.major_incident_auto_linked)
        with (
            self.assertRaisesRegex(ValidationError, "not visible to you"),
            self.env.cr.savepoint(),
        ):
            as_own.write({"major_incident_id": self.major.id})
        self.assertFalse(report.major_incident_id)

    def test_the_system_s_check_is_for_the_creation_only(self):
        """Later writes of such a report are its writer's: moving it to
        another company is refused as his link would be, without naming
        an incident he may not see."""
        own_agent = new_test_user(
            self.env,
            login="flood_later_agent",
            groups="helpdesk_mgmt.group_helpdesk_user_own",
        )
        other = self.env["res.company"].create({"name": "Campus C (flood)"})
        own_agent.company_ids |= other
        report = self.Ticket.with_user(own_agent).create(
            {
                "name": "Exam submission service down",
                "description": "<p>Blocked.</p>",
                "team_id": self.team.id,
                "user_id": own_agent.id,
            }
        )
        self.assertTrue(report.major_incident_auto_linked)
        with self.assertRaises(Exception) as refused, self.env.cr.savepoint():
            report.with_user(own_agent).with_context(
                allowed_company_ids=[self.env.company.id, other.id]
            ).write({"company_id": other.id})
        self.assertNotIn(self.major.name, str(refused.exception))
        self.assertEqual(report.company_id, self.env.company)

    def test_a_saved_default_does_not_make_a_link_automatic(self):
        """Any user may save his own defaults (ir.default): one for the
        automatic flag would skip the visibility check of his link."""
        own_agent = new_test_user(
            self.env,
            login="flood_default_agent",
            groups="helpdesk_mgmt.group_helpdesk_user_own",
        )
        as_own = self.env["ir.default"].with_user(own_agent)
        for name in ("major_incident_auto_linked", "report_answer_pending"):
            as_own.set("helpdesk.ticket", name, True, user_id=True)
        self.env.invalidate_all()
        with (
            self.assertRaisesRegex(ValidationError, "not visible to you"),
            self.env.cr.savepoint(),
        ):
            self.Ticket.with_user(own_agent).create(
                {
                    "name": "Something else",
                    "description": "<p>x</p>",
                    "team_id": self.team.id,
                    "user_id": own_agent.id,
                    "major_incident_id": self.major.id,
                }
            )

    def test_a_report_classified_expedite_as_it_comes_in_is_not_linked(self):
        """Linked as it is inserted, then classified Expedite by a rule: an
        incident of its own, unlinked, and it gets the first stage's mail."""
        ticket = self._create_scenario_ticket(
            team_id=self.team.id, affected_service="Exam submission service"
        )
        self.assertEqual(ticket.class_of_service, "expedite")
        self.assertFalse(ticket.major_incident_id)
        self.assertFalse(ticket.major_incident_auto_linked)
        self.assertFalse(ticket.report_answer_pending)
        self.assertFalse(self._answers(ticket))

    def test_a_flood_costs_a_bounded_number_of_queries_a_report(self):
        """The link and the queueing, not the answer: at most 10
        queries more than the same mail to a team without the option (the
        benchmark's report_flood case measures the time)."""
        self._flood(2, "f")  # the threshold reached
        self.team.auto_link_reports = False
        self.env.flush_all()
        before = self.env.cr.sql_log_count
        (plain,) = self._flood(1, "g")
        self.env.flush_all()
        plain_queries = self.env.cr.sql_log_count - before
        self.assertFalse(plain.major_incident_id)
        self.team.auto_link_reports = True
        with self.assertQueryCount(__system__=plain_queries + FLOOD_EXTRA_QUERIES):
            (ticket,) = self._flood(1, "h")
        self.assertTrue(ticket.report_answer_pending)


@tagged("post_install", "-at_install")
class TestGatewayFieldNames(StatusPageCase):
    """mail.thread's message_new asks fields_get() for one name: it is
    answered with the names and types only, once; every other caller gets
    the whole description."""

    def test_message_new_s_question_is_answered_with_names_once(self):
        token = mail_gateway._NAMES_ASKED.set(True)
        try:
            names = self.Ticket.fields_get()
            full = self.Ticket.fields_get()
        finally:
            mail_gateway._NAMES_ASKED.reset(token)
        self.assertEqual({key for desc in names.values() for key in desc}, {"type"})
        self.assertEqual(names.keys(), full.keys())
        self.assertIn("string", full["name"])

    def test_a_ticket_made_from_a_mail_gets_the_full_descriptions_afterwards(self):
        ticket = self.Ticket.message_new(
            {"subject": "Exam", "body": "<p>Blocked.</p>", "email_from": "a@b.com"},
            {"team_id": self.team.id},
        )
        self.assertEqual(ticket.name, "Exam")
        self.assertIn("string", self.Ticket.fields_get()["name"])
        self.assertIn("string", self.Ticket.fields_get(["name"])["name"])

    def test_bad_arguments_are_refused_over_rpc(self):
        count = self.Ticket.search_count([])
        for args in (
            [5],
            [{"subject": 5}],
            [{"cc": ["a@b.com"]}],
            [{"author_id": "me"}],
            [{"subject": "x"}, "team"],
        ):
            with self.subTest(args=args):
                self._assert_refused(".", lambda a=args: self.Ticket.message_new(*a))
        for kwargs in ({"allfields": "name"}, {"attributes": 5}):
            with self.subTest(kwargs=kwargs):
                self._assert_refused(".", lambda k=kwargs: self.Ticket.fields_get(**k))
        self.assertEqual(self.Ticket.search_count([]), count)
