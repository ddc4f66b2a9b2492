"""Response, the texts the customer reads: every template rendered for
another customer leaks nothing of the agents' words, and a Vietnamese
customer reads his language and time."""

import os
import re
from datetime import datetime
from itertools import product

from lxml import html

from odoo import Command
from odoo.modules.module import get_module_path
from odoo.tests import tagged

from .common import ExpediteCase, ExpediteHttpCase

MARK = "zmarker"

AGENT_TEXT = "The submission service is being restored."

TEXT_TYPES = ("char", "text", "html")


@tagged("post_install", "-at_install", "helpdesk_expedite_parity")
class TestCustomerBoundText(ExpediteHttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.source_user = cls._portal_user(
            "source_customer", name="Source Customer", email="source@example.com"
        )
        cls.reader = cls.env["res.partner"].create(
            {"name": "Other Customer", "email": "reader@example.com"}
        )
        cls.languages = cls._shipped_languages()

    @classmethod
    def _shipped_languages(cls):
        """English and every language of the add-on's .po files, active and
        loaded: a translation may leak what the English text does not."""
        i18n = os.path.join(get_module_path("helpdesk_expedite"), "i18n")
        Lang = cls.env["res.lang"].with_context(active_test=False)
        codes = ["en_US"]
        for name in sorted(os.listdir(i18n)):
            if name.endswith(".po"):
                code = Lang.search([("iso_code", "=", name[:-3])], limit=1).code
                cls.env["res.lang"]._activate_lang(code)
                codes.append(code)
        cls.env["ir.module.module"]._load_module_terms(
            ["helpdesk_expedite"], codes[1:], overwrite=True
        )
        return codes

    # -- what a customer writes, found from the data --------------------------

    def _fields_holding(self, record, marker):
        """The stored fields of ``record`` whose text (a many2one: the name
        of the record it points to) holds ``marker``."""
        found = set()
        for name, field in record._fields.items():
            if not field.store or field.type not in (*TEXT_TYPES, "many2one"):
                continue
            value = record[name]
            text = value.display_name if field.type == "many2one" else value
            if text and marker in str(text):
                found.add(name)
        return found

    def _submit_form(self, page_url, action, marker):
        """Fill every input of the form posting to ``action`` on
        ``page_url`` with ``marker`` (the first option of a list, an address
        for an email input) and post it, as the logged-in customer."""
        page = html.fromstring(self.url_open(page_url).content)
        form = page.xpath(f"//form[@action='{action}']")[0]
        data = {}
        for element in form.xpath(".//input | .//textarea | .//select"):
            name, kind = element.get("name"), (element.get("type") or "").lower()
            if not name or kind in ("submit", "button", "file", "password"):
                continue
            if element.tag == "select":
                data[name] = next(
                    (v for v in element.xpath(".//option/@value") if v), ""
                )
            elif kind in ("hidden", "checkbox", "radio"):
                data[name] = element.get("value") or ""
            elif kind == "email":
                data[name] = f"{marker}{name}@example.com"
            else:
                data[name] = f"{marker}{name}"
        response = self.url_open(action, data=data)
        self.assertEqual(response.status_code, 200, f"{action} accepted the form")

    def _customer_written_ticket_fields(self):
        self.authenticate("source_customer", "source_customer")
        self._submit_form("/new/ticket", "/submitted/ticket", f"{MARK}form")
        from_form = self.Ticket.search(
            [("partner_id", "=", self.source_user.partner_id.id)],
            order="id desc",
            limit=1,
        )
        self.assertTrue(from_form, "the portal form made a ticket")
        ticket_id = self.env["mail.thread"].message_process(
            "helpdesk.ticket",
            f"From: {MARK}gw <{MARK}gw@example.com>\r\nTo: help@example.com\r\n"
            f"Subject: {MARK}gw subject\r\nMessage-Id: <{MARK}gw@example.com>\r\n"
            f"Content-Type: text/plain\r\n\r\n{MARK}gw body\r\n",
        )
        portal_writable = {
            name
            for name, attrs in self.Ticket.with_user(self.source_user)
            .fields_get(attributes=["readonly", "type"])
            .items()
            if not attrs["readonly"]
            and self.Ticket.with_user(self.source_user).has_access("write")
        }
        return (
            {"name", "description", "partner_id", "partner_name", "partner_email"}
            | self._fields_holding(from_form, MARK)
            | self._fields_holding(self.Ticket.browse(ticket_id), MARK)
            | portal_writable
        )

    def _customer_written_partner_fields(self):
        self.authenticate("source_customer", "source_customer")
        self._submit_form("/my/account", "/my/account", f"{MARK}account")
        partner = self.source_user.partner_id
        partner.invalidate_recordset()
        written = self._fields_holding(partner, MARK)
        self.assertIn("street", written, "the account form was saved")
        return written | {"name", "email"}

    # -- the source record and the reader's ------------------------------------

    def _marked_values(self, model, names, prefix):
        values = {}
        for name in names:
            field = self.env[model]._fields.get(name)
            if field is None or field.type not in TEXT_TYPES or field.readonly:
                continue
            marker = f"{MARK}{prefix}{name}"
            values[name] = (
                f"{marker}@example.com"
                if "email" in name
                else f"<p>{marker}</p>"
                if field.type == "html"
                else marker
            )
        return values

    def _marked_major_incident(self):
        ticket_fields = self._customer_written_ticket_fields()
        partner_fields = self._customer_written_partner_fields()
        source = self.env["res.partner"].create(
            {
                "name": "-",
                **self._marked_values("res.partner", partner_fields, "partner"),
            }
        )
        major = self._create_scenario_ticket(
            affected_service=False,
            error_message=False,
            business_impact=False,
            partner_id=source.id,
            **self._marked_values("helpdesk.ticket", ticket_fields, "ticket"),
        )
        self.assertEqual(major.class_of_service, "expedite")
        self.assertIn(MARK, major.name)
        return major

    def _reader_ticket(self, major):
        ticket = self._create_ticket(
            groups=[],
            name="My exam will not submit",
            partner_id=self.reader.id,
            affected_service=False,
            error_message=False,
            failure_rate=0.0,
            business_impact=False,
        )
        ticket.action_link_to_major_incident(major.id)
        # a record of every model the add-on's templates render
        ticket.action_escalate(self.dev_team.id)
        return ticket

    def _record_for(self, template, ticket, major):
        """The record ``template`` renders: of the reader's ticket, else of
        the marked incident (an update its subscribers get), else any (a
        subscriber: no ticket of its own)."""
        if template.model == "helpdesk.ticket":
            return ticket
        Model = self.env[template.model]
        links = [
            name
            for name, field in Model._fields.items()
            if field.type == "many2one" and field.comodel_name == "helpdesk.ticket"
        ]
        record = Model.browse()
        for source in (ticket, major) if links else ():
            record = record or Model.search([(links[0], "=", source.id)], limit=1)
        record = record or (Model.search([], limit=1) if not links else record)
        self.assertTrue(
            record, f"the guard has no {template.model} of the reader's ticket"
        )
        return record

    # -- what reaches the reader ---------------------------------------------

    def _leaks(self):
        """Markers in the mails sent to the reader (all their parts)."""
        to_reader = [
            mail
            for mail in self._mails
            if any(self.reader.email in address for address in mail["email_to"])
        ]
        self.assertTrue(to_reader, "mails were sent to the reader")
        return sorted(
            {
                found
                for mail in to_reader
                for found in re.findall(MARK + r"\w*", str(mail))
            }
        )

    def test_every_template_rendered_for_another_customer(self):
        major = self._marked_major_incident()
        ticket = self._reader_ticket(major)
        xmlids = self.env["ir.model.data"].search(
            [("module", "=", "helpdesk_expedite"), ("model", "=", "mail.template")]
        )
        self.assertGreaterEqual(len(xmlids), 6)
        for xmlid, lang in product(xmlids, self.languages):
            template = self.env["mail.template"].browse(xmlid.res_id)
            self.reader.lang = lang
            with self.subTest(template=xmlid.name, lang=lang), self.mock_mail_gateway():
                template.with_context(major_incident_text=AGENT_TEXT).send_mail(
                    self._record_for(template, ticket, major).id,
                    force_send=True,
                    email_values={"recipient_ids": [Command.link(self.reader.id)]},
                    email_layout_xmlid=template.email_layout_xmlid
                    or "mail.mail_notification_light",
                )
                self.assertEqual(self._leaks(), [])

    def test_the_incidents_mails_to_a_linked_customer(self):
        major = self._marked_major_incident()
        self._reader_ticket(major)
        self.reader.lang = self.languages[-1]
        with self.mock_mail_gateway():
            major.action_post_status_update(AGENT_TEXT)
            major.with_user(self.manager).write({"closure_override_reason": "guard"})
            major.with_user(self.manager).action_close()
            self.env.cr.precommit.run()
            # the linked customers' mails are queued: send them
            self._new_mails.filtered(lambda mail: mail.state == "outgoing").send()
        self.assertTrue(major.closed)
        self.assertEqual(self._leaks(), [])


@tagged("post_install", "-at_install")
class TestCustomerLanguage(ExpediteCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("vi_VN")
        cls.env["ir.module.module"].search(
            [("name", "=", "helpdesk_expedite")]
        )._load_module_terms(["helpdesk_expedite"], ["vi_VN"], overwrite=True)
        cls.customer.write({"lang": "vi_VN", "tz": "Asia/Ho_Chi_Minh"})

    def test_texts_for_a_vietnamese_customer_use_his_language_and_time(self):
        with self.at(datetime(2026, 6, 15, 10, 0)):
            ticket = self._create_scenario_ticket()
            acknowledgement = ticket.status_update_ids.filtered(
                lambda u: u.kind == "acknowledgement"
            )
            self._resolve(ticket)
            text = ticket._get_phase_update_text()
        self.assertIn("Bản sửa lỗi", text)
        self.assertIn("17:15", text, "10:15 UTC is 17:15 in Ho Chi Minh City")
        self.assertIn("Asia/Ho_Chi_Minh", text)
        self.assertNotIn("UTC", text)
        self.assertNotIn("We have classified", acknowledgement.body)
        mail = self.env["mail.mail"].search(
            [
                ("model", "=", "helpdesk.ticket"),
                ("res_id", "=", ticket.id),
                ("recipient_ids", "=", self.customer.id),
            ],
            limit=1,
        )
        self.assertTrue(mail)
        # the acknowledgement itself: Vietnamese words, local time, no UTC
        for expected in ("Xin chào", "Giai đoạn", "17:15", "Mở trang phiếu của bạn"):
            self.assertIn(expected, mail.body_html)
        for english in ("Hello", "Next update", "UTC"):
            self.assertNotIn(english, mail.body_html)
