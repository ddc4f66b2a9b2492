"""The customer mails rendered in batch (_send_customer_mail) are
the messages and mails Odoo's composer makes from the same template, ticket
by ticket: author, sender, subject, body, language, company, recipients.
Each executive's copy is a note of its own (test_reader_mails: what it
says, in his language)."""

from datetime import datetime

from odoo import Command
from odoo.tests import tagged

from ..models.helpdesk_ticket.customer_mail import READER
from .common import ExpediteCase

T0 = datetime(2026, 6, 15, 10, 0)
MESSAGE_FIELDS = (
    "author_id",
    "email_from",
    "subject",
    "body",
    "message_type",
    "subtype_id",
    "partner_ids",
    "record_company_id",
    "record_alias_domain_id",
    "email_layout_xmlid",
    "record_name",
    "reply_to",
    "mail_server_id",
    "email_add_signature",
    "reply_to_force_new",
)
TEMPLATES = (
    "helpdesk_expedite.mail_template_executive_acknowledgement",
    "helpdesk_expedite.mail_template_status_update",
    "helpdesk_expedite.mail_template_closure_summary",
)


@tagged("post_install", "-at_install")
class TestBatchMailsAsTheComposer(ExpediteCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("vi_VN")
        company_b = cls.env["res.company"].create(
            {"name": "Northern Campus Ops", "email": "desk@north.example.com"}
        )
        customer_b = cls.env["res.partner"].create(
            {
                "name": "North Coordinator",
                "email": "north@example.com",
                "lang": "vi_VN",
                "tz": "Asia/Ho_Chi_Minh",
            }
        )
        no_email = cls.env["res.partner"].create({"name": "Walk-in Customer"})
        cls.tickets = (
            cls._create_ticket(groups=[])
            | cls._create_ticket(
                groups=[],
                company_id=company_b.id,
                team_id=False,
                user_id=False,
                partner_id=customer_b.id,
                executive_partner_ids=[Command.set(cls.executive.ids)],
            )
            | cls._create_ticket(groups=[], partner_id=no_email.id)
        )

    def _values(self, messages):
        return {
            message.res_id: {name: message[name] for name in MESSAGE_FIELDS}
            for message in messages
        }

    def _mail_values(self):
        return sorted(
            (
                tuple(mail["email_to"]),
                mail["subject"],
                mail["email_from"],
                mail["reply_to"],
                mail["body"],
            )
            for mail in self._mails
        )

    def test_each_template_as_the_composer_posts_it(self):
        for xmlid in TEMPLATES:
            with self.subTest(template=xmlid):
                template = self.env.ref(xmlid)
                # the same clock for both: the layout's links carry tokens
                # that depend on the time
                with self.at(T0), self.mock_mail_gateway():
                    batch = self.tickets._send_customer_mail(xmlid)
                batch_mails = self._mail_values()
                composed = self.env["mail.message"]
                with self.at(T0), self.mock_mail_gateway():
                    for ticket in self.tickets:
                        customer = ticket.partner_id
                        composed |= ticket.with_context(
                            **{READER: customer.id}, tz=customer.tz or "UTC"
                        ).message_post_with_source(
                            template,
                            message_type="comment",
                            subtype_xmlid="mail.mt_comment",
                            partner_ids=customer.ids,
                        )
                composer_mails = self._mail_values()
                shared = batch.filtered(lambda m: not m.subtype_id.internal)
                self.assertEqual(len(shared), 3)
                self.assertEqual(self._values(shared), self._values(composed))
                executives = [m for m in batch_mails if "director@" in m[0][0]]
                self.assertEqual(
                    [m for m in batch_mails if m not in executives], composer_mails
                )
                # the executive's copy: a note to him alone, from the same sender
                copy = batch - shared
                self.assertEqual(copy.subtype_id, self.env.ref("mail.mt_note"))
                self.assertEqual(copy.partner_ids, self.executive)
                self.assertEqual(len(executives), 1)
                # the batch did mix companies, languages and a customer
                # without an address
                ours, north, _walk_in = self.tickets
                values = self._values(shared)
                self.assertIn("desk@north.example.com", values[north.id]["email_from"])
                self.assertEqual(copy.email_from, values[north.id]["email_from"])
                self.assertNotEqual(
                    values[north.id]["record_company_id"],
                    values[ours.id]["record_company_id"],
                )
                self.assertIn(
                    'lang="vi_VN"',
                    next(m[4] for m in batch_mails if "north@example.com" in m[0][0]),
                )
