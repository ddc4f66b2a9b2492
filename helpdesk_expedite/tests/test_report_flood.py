"""The flood of reports during a published outage (issue 22, point 6).

With its team's option ``auto_link_reports``, a new ticket (mail gateway,
portal form, back office) that reports the service or error of an open
incident published on the status page, same company, is linked to it, and
its customer gets one short answer in his language (the status page and
his ticket) instead of the first stage's mail. Off by default: then the
ticket only shows the suggestion to link it. Mail comes in through Odoo's
gateway (``message_process``) as raw RFC 822 messages.
"""

from odoo import Command
from odoo.tests import Form, HttpCase, tagged

from .status_page_case import PUBLIC_TITLE, StatusPageCase

ANSWER = "Known incident"


def raw_report(sender, subject, body, to, message_id):
    return (
        f"From: {sender}\r\n"
        f"To: {to}\r\n"
        f"Subject: {subject}\r\n"
        f"Message-ID: <{message_id}@example.com>\r\n"
        "Date: Mon, 8 Jun 2026 08:05:00 +0700\r\n"
        "MIME-Version: 1.0\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n"
        "Content-Transfer-Encoding: 8bit\r\n"
        "\r\n"
        f"{body}\r\n"
    )


class ReportFloodMixin:
    @classmethod
    def _setup_flood(cls):
        cls.team.auto_link_reports = True
        # a generic acknowledgement: the first stage's mail
        cls.stage_new.mail_template_id = cls.env.ref(
            "helpdesk_mgmt.changed_stage_template"
        )
        cls.major = cls._published(components=cls.exam)
        domain = cls.env["mail.alias.domain"].search([], limit=1)
        if not domain:
            domain = cls.env["mail.alias.domain"].create({"name": "campus.example.com"})
        cls.alias = cls.env["mail.alias"].create(
            {
                "alias_domain_id": domain.id,
                "alias_name": "exam-flood",
                "alias_model_id": cls.env["ir.model"]._get_id("helpdesk.ticket"),
                "alias_defaults": str({"team_id": cls.team.id}),
            }
        )
        cls.alias_address = cls.alias.alias_full_name

    def _mail_in(self, sender, subject, body, message_id, to=None):
        raw = raw_report(sender, subject, body, to or self.alias_address, message_id)
        ticket_id = self.env["mail.thread"].message_process("helpdesk.ticket", raw)
        return self.env["helpdesk.ticket"].browse(ticket_id)

    def _mails_of(self, ticket):
        """The mails queued for the customers of ``ticket`` (one or more)."""
        self.env.cr.flush()  # Odoo posts the stage's mail at the flush
        return (
            self.env["mail.mail"]
            .sudo()
            .search([("model", "=", "helpdesk.ticket"), ("res_id", "in", ticket.ids)])
            .filtered(lambda m: m.recipient_ids or m.email_to)
        )


@tagged("post_install", "-at_install")
class TestReportFlood(ReportFloodMixin, StatusPageCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_flood()

    def test_a_mailed_report_is_linked_and_answered_once(self):
        ticket = self._mail_in(
            "Student One <student.one@example.com>",
            "Cannot submit my exam",
            "The exam submission service says: System error - please contact "
            "administrator. My exam ends at 10:00!",
            "flood-1",
        )
        self.assertEqual(ticket.major_incident_id, self.major)
        self.assertTrue(ticket.major_incident_auto_linked)
        mails = self._mails_of(ticket)
        self.assertEqual(len(mails), 1, mails.mapped("subject"))
        self.assertIn(ANSWER, mails.subject)
        self.assertIn(PUBLIC_TITLE, mails.subject)
        self.assertIn(self.major.status_page_url, mails.body_html)
        self.assertIn(ticket.number, mails.body_html)
        self.assertIn(ticket.get_portal_url().split("?")[0], mails.body_html)
        # nothing of the incident but what its status page shows
        for internal in (self.major.name, self.major.number, "Final exams"):
            self.assertNotIn(internal, mails.body_html)
        # the incident's chatter says who joined
        self.assertIn(ticket, self.major.linked_ticket_ids)

    def test_the_answer_is_in_the_customer_language(self):
        self._load_vietnamese()
        self.customer.lang = "vi_VN"
        ticket = self._mail_in(
            f"{self.customer.name} <{self.customer.email}>",
            "Lỗi nộp bài thi",
            "Exam submission service: không nộp được bài.",
            "flood-vi",
        )
        self.assertEqual(ticket.partner_id, self.customer)
        self.assertEqual(ticket.major_incident_id, self.major)
        (mail,) = self._mails_of(ticket)
        self.assertIn("Sự cố đã biết", mail.subject)
        self.assertIn("Trang trạng thái", mail.body_html)

    def test_a_report_about_something_else_is_left_alone(self):
        ticket = self._mail_in(
            "Student Two <student.two@example.com>",
            "Password reset",
            "I forgot my password for the library.",
            "flood-other",
        )
        self.assertFalse(ticket.major_incident_id)
        self.assertNotIn(ANSWER, " ".join(self._mails_of(ticket).mapped("subject")))

    def test_a_report_from_the_back_office_form(self):
        form = Form(self.env["helpdesk.ticket"])
        form.name = "Student cannot submit"
        form.description = "<p>Blocked.</p>"
        form.team_id = self.team
        form.partner_id = self.env["res.partner"].create(
            {"name": "Student Three", "email": "student.three@example.com"}
        )
        form.affected_service = "Exam  submission SERVICE"
        ticket = form.save()
        self.assertEqual(ticket.major_incident_id, self.major)
        (mail,) = self._mails_of(ticket)
        self.assertIn(ANSWER, mail.subject)

    def test_off_by_default_the_suggestion_stays(self):
        team = self.env["helpdesk.ticket.team"].create({"name": "Library desk"})
        self.assertFalse(team.auto_link_reports)
        ticket = self.Ticket.create(
            {
                "name": "Cannot submit",
                "description": "<p>Blocked.</p>",
                "team_id": team.id,
                "partner_id": self.customer.id,
                "affected_service": "Exam submission service",
            }
        )
        self.assertFalse(ticket.major_incident_id)
        self.assertEqual(ticket.major_incident_suggestion_id, self.major)
        self.assertNotIn(ANSWER, " ".join(self._mails_of(ticket).mapped("subject")))

    def test_only_an_open_published_incident_of_the_same_company(self):
        self.major.action_unpublish_status()
        ticket = self._mail_in(
            "Student Four <student.four@example.com>",
            "Exam submission service down",
            "Cannot submit.",
            "flood-unpublished",
        )
        self.assertFalse(ticket.major_incident_id)
        self.major.action_publish_status()
        company_b = self.env["res.company"].create({"name": "Campus B (flood)"})
        team_b = self.env["helpdesk.ticket.team"].create(
            {"name": "B desk", "company_id": company_b.id, "auto_link_reports": True}
        )
        ticket_b = self.Ticket.create(
            {
                "name": "Cannot submit",
                "description": "<p>Blocked.</p>",
                "team_id": team_b.id,
                "company_id": company_b.id,
                "partner_name": "Student B",
                "partner_email": "student.b@example.com",
                "affected_service": "Exam submission service",
            }
        )
        self.assertFalse(ticket_b.major_incident_id)

    def test_such_reporters_hear_what_the_status_page_says(self):
        ticket = self._mail_in(
            "Student Five <student.five@example.com>",
            "Exam submission service",
            "Nothing works.",
            "flood-updates",
        )
        self.assertTrue(ticket.major_incident_auto_linked)
        before = self._mails_of(ticket)
        self.major.action_post_status_update("For the customer only.", is_public=False)
        self.assertEqual(self._mails_of(ticket), before)
        self.major.action_post_status_update("Rolling back the deployment.")
        new = self._mails_of(ticket) - before
        self.assertEqual(len(new), 1)
        self.assertIn("Rolling back the deployment.", new.body_html)
        # an agent links it himself: the link is his
        ticket.write({"major_incident_id": False})
        ticket.write({"major_incident_id": self.major.id})
        self.assertFalse(ticket.major_incident_auto_linked)

    def test_closing_gives_such_reporters_no_resolution_summary(self):
        """Their portal page would show the summary written for the
        incident's customers."""
        ticket = self._mail_in(
            "Student Six <student.six@example.com>",
            "Exam submission service",
            "Nothing works.",
            "flood-closing",
        )
        self.assertTrue(ticket.major_incident_auto_linked)
        self.major.resolution_summary = "Internal: rolled back build 4711."
        self.major.with_user(self.manager).write(
            {"stage_id": self.stage_done.id, "closure_override_reason": "review"}
        )
        self.assertTrue(ticket.closed)
        self.assertFalse(ticket.resolution_summary)


@tagged("post_install", "-at_install")
class TestReportFloodPortal(ReportFloodMixin, HttpCase, StatusPageCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_flood()
        cls.env.company.helpdesk_mgmt_portal_select_team = True
        cls.team.show_in_portal = True
        cls.student = cls._portal_user(
            "flood_student", name="Student Portal", email="student.portal@example.com"
        )

    def _submit(self, subject, description):
        self.authenticate("flood_student", "flood_student")
        page = self.url_open("/new/ticket")
        self.assertEqual(page.status_code, 200)
        csrf = page.text.split('name="csrf_token" value="')[1].split('"')[0]
        category = self.env["helpdesk.ticket.category"].search([], limit=1)
        response = self.url_open(
            "/submitted/ticket",
            data={
                "csrf_token": csrf,
                "subject": subject,
                "description": description,
                "category": category.id or "",
                "team": self.team.id,
            },
        )
        self.assertEqual(response.status_code, 200)
        return self.Ticket.search(
            [("partner_id", "=", self.student.partner_id.id)], order="id desc", limit=1
        )

    def test_another_report_gets_the_first_stage_mail_as_before(self):
        ticket = self._submit("Library card lost", "I lost my library card.")
        self.assertFalse(ticket.major_incident_id)
        (mail,) = self._mails_of(ticket)
        self.assertIn("stage has changed", mail.subject)

    def test_a_report_from_the_portal_form(self):
        ticket = self._submit(
            "Exam submission service broken", "I cannot submit my exam."
        )
        self.assertEqual(ticket.team_id, self.team)
        self.assertEqual(ticket.major_incident_id, self.major)
        mails = self._mails_of(ticket)
        self.assertEqual(len(mails), 1, mails.mapped("subject"))
        self.assertIn(ANSWER, mails.subject)
        self.assertEqual(mails.recipient_ids, self.student.partner_id)


__all__ = ["Command", "ReportFloodMixin", "raw_report"]
