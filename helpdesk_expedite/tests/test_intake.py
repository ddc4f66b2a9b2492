"""A ticket comes in: its title is one line whatever the channel.

Titles are customer-written (portal form, mail gateway, RPC) and go into
mail subjects; a line break there ended the escalation mail's Subject
header and started another ("Bcc: ..."), and the mail failed to build.
"""

from odoo.tests import tagged

from .common import ExpediteCase

FORGED = "Exam down\r\nBcc: x@example.com"
ONE_LINE = "Exam down Bcc: x@example.com"


@tagged("post_install", "-at_install")
class TestSingleLineTitles(ExpediteCase):
    def test_create_and_write_make_the_title_one_line(self):
        ticket = self._create_scenario_ticket(name=FORGED)
        self.assertEqual(ticket.name, ONE_LINE)
        ticket.name = "Exam\u2028down\n\n"
        self.assertEqual(ticket.name, "Exam down")
        ticket.write({"affected_service": "Exam\rservice", "partner_name": "A\nB"})
        self.assertEqual(ticket.affected_service, "Exam service")
        self.assertEqual(ticket.partner_name, "A B")

    def test_a_context_default_is_made_one_line_too(self):
        vals = {k: v for k, v in self._ticket_vals().items() if k != "name"}
        ticket = self.Ticket.with_context(default_name=FORGED).create(vals)
        self.assertEqual(ticket.name, ONE_LINE)

    def test_a_mailed_report_with_an_encoded_line_break_in_its_subject(self):
        """An RFC 2047 encoded word can carry CR LF in a Subject header."""
        self.env["mail.alias"].create(
            {
                "alias_name": "exam-support",
                "alias_model_id": self.env["ir.model"]._get_id("helpdesk.ticket"),
                "alias_defaults": str({"team_id": self.team.id}),
            }
        )
        domain = self.env["mail.alias.domain"].search([], limit=1).name or "example.com"
        raw = (
            "From: Exam Coordinator <coordinator@example.com>\r\n"
            f"To: exam-support@{domain}\r\n"
            "Subject: =?utf-8?q?Exam_down=0D=0ABcc=3A_x=40example=2Ecom?=\r\n"
            "Message-ID: <crlf-subject-1@example.com>\r\n"
            "Content-Type: text/plain; charset=utf-8\r\n"
            "\r\n"
            "Students cannot submit.\r\n"
        )
        ticket_id = self.env["mail.thread"].message_process("helpdesk.ticket", raw)
        self.assertEqual(self.Ticket.browse(ticket_id).name, ONE_LINE)

    def test_the_escalation_mail_of_such_a_ticket_is_built_and_sent(self):
        ticket = self._create_scenario_ticket(name=FORGED)
        with self.mock_mail_gateway():
            ticket.action_escalate(self.dev_team.id)
            mail = self._new_mails.filtered(
                lambda m: m.model == "helpdesk.ticket.escalation"
            )
            mail.send(raise_exception=True)
        self.assertEqual(mail.state, "sent")
        self.assertNotIn("\n", mail.subject)
        self.assertIn(ONE_LINE, mail.subject)
        self.assertEqual(ticket.escalation_ids.state, "sent")
