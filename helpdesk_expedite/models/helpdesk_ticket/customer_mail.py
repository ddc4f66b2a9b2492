"""The incident's mails to its readers, the customer and each executive:
the template rendered for each, in his language and time zone (the agents'
text as written), with a link that works for him.

The customer's mail is the message the chatter and the portal show (one
update). Each executive gets a copy of his own, logged as a note (not on
the portal). The link is the access button of the mail layout
(``mail_notification_incident``), per recipient through Odoo's notification
groups: the customer's token link; an executive's link signed for him,
without the customer's token. The messages themselves carry no link."""

from collections import namedtuple

from odoo import models
from odoo.tools import format_datetime, is_html_empty

# the partner a mail is rendered and sent for, while it is
READER = "helpdesk_expedite_reader"
# the readers who get a copy of their own: not notified of the customer's
SERVED_APART = "helpdesk_expedite_served_apart"

Reader = namedtuple("Reader", "partner lang tz customer")


class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"

    def _get_incident_recipients(self):
        self.ensure_one()
        return self.partner_id | self.executive_partner_ids

    def _get_mail_readers(self, langs):
        """Who gets which rendering: the customer (also without a partner:
        the copy the chatter and the portal show), then each executive; a
        language must be one of ``langs``, the active ones."""
        self.ensure_one()
        customer = self.partner_id
        lang = customer.lang if customer.lang in langs else self.env.lang or "en_US"
        tz = customer.tz or "UTC"
        readers = [Reader(customer, lang, tz, True)]
        for executive in (self.sudo().executive_partner_ids - customer).with_env(
            self.env
        ):
            own_lang = executive.lang if executive.lang in langs else lang
            readers.append(Reader(executive, own_lang, executive.tz or tz, False))
        return readers

    # -- sending ----------------------------------------------------------

    def _send_customer_mail(self, template_xmlid):
        """Send ``template_xmlid`` to the readers of each ticket, each in his
        language and time zone (see the module's docstring)."""
        template = self.env.ref(template_xmlid)
        messages = self.env["mail.message"]
        if not self:
            return messages
        if self._needs_composer(template):
            return self._send_customer_mail_composed(template)
        langs = {code for code, _name in self.env["res.lang"].get_installed()}
        readers = {ticket: ticket._get_mail_readers(langs) for ticket in self}
        rendered = self._render_for_readers(template, readers)
        common = self._customer_mail_values(template)
        for ticket, ticket_readers in readers.items():
            for reader in ticket_readers:
                texts = rendered[ticket.id, reader.lang, reader.tz]
                values = {
                    **common[ticket.id],
                    **ticket._rendered_values(template, texts),
                }
                messages |= ticket._post_for_reader(reader, values, ticket_readers)
        return messages

    def _needs_composer(self, template):
        """A template given attachments, reports, recipients or a schedule
        is Odoo's composer's to send (one message, the customer's language)."""
        return bool(
            template.attachment_ids
            or template.report_template_ids
            or template.partner_to
            or template.email_to
            or template.email_cc
            or template.scheduled_date
        )

    def _send_customer_mail_composed(self, template):
        messages = self.env["mail.message"]
        for ticket in self:
            messages |= ticket.message_post_with_source(
                template,
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
                partner_ids=ticket._get_incident_recipients().ids,
            )
        return messages

    def _render_for_readers(self, template, readers):
        """{(ticket id, lang, tz): {"subject", "body_html"}}: ``template``
        rendered once per language and time zone its readers need."""
        variants = {}
        for ticket, ticket_readers in readers.items():
            for reader in ticket_readers:
                variants.setdefault((reader.lang, reader.tz), {})[ticket.id] = True
        rendered = {}
        for (lang, tz), ids in variants.items():
            renderer = template.with_context(tz=tz, **{READER: True})
            for field in ("subject", "body_html"):
                texts = renderer._render_field(field, list(ids), set_lang=lang)
                for res_id, text in texts.items():
                    rendered.setdefault((res_id, lang, tz), {})[field] = text
        return rendered

    def _customer_mail_values(self, template):
        """{ticket id: message_post arguments common to its readers}: those
        Odoo's composer gives for a template (author, sender, company...)."""
        senders = template._render_field("email_from", self.ids)
        companies = self._mail_get_companies(default=self.env.company)
        domains = self._mail_get_alias_domains(default_company=self.env.company)
        authors = {}  # email_from: author, found as the composer finds it
        values = {}
        for ticket in self:
            email_from = senders[ticket.id] if template.email_from else None
            email_from = email_from or self.env.user.email_formatted
            if email_from not in authors:
                authors[email_from] = self._mail_author(email_from)
            values[ticket.id] = {
                "attachment_ids": [],
                "author_id": authors[email_from],
                "email_add_signature": False,
                "email_from": email_from,
                "email_layout_xmlid": template.email_layout_xmlid or False,
                "force_send": True,
                "mail_activity_type_id": False,
                "mail_auto_delete": template.auto_delete,
                "mail_server_id": template.mail_server_id.id,
                "message_type": "comment",
                "model_description": self.env.context.get("model_description"),
                "parent_id": False,
                "record_alias_domain_id": domains[ticket.id].id,
                "record_company_id": companies[ticket.id].id,
                "record_name": ticket.display_name,
                "reply_to_force_new": False,
                "scheduled_date": False,
            }
        return values

    def _mail_author(self, email_from):
        author = (
            self.env["mail.thread"]
            .with_context(active_test=False)
            ._message_compute_author(None, email_from, raise_on_email=False)[0]
        )
        return author or self.env.user.partner_id.id

    def _rendered_values(self, template, texts):
        """The subject and the body, as the composer takes them."""
        composer = self.env["mail.compose.message"]
        body = texts.get("body_html") if not is_html_empty(template.body_html) else ""
        return {
            # the composer's body field sanitizes what it is given
            "body": composer._fields["body"].convert_to_cache(body, composer) or "",
            "subject": texts.get("subject") or self._message_compute_subject(),
        }

    def _post_for_reader(self, reader, values, readers):
        """The customer's message (a discussion: chatter and portal), or an
        executive's copy (a note), notified to that reader alone."""
        self.ensure_one()
        ticket = self.with_context(**{READER: reader.partner.id})
        if reader.customer:
            apart = [other.partner.id for other in readers if not other.customer]
            ticket = ticket.with_context(**{SERVED_APART: apart})
        return ticket.message_post(
            **values,
            partner_ids=reader.partner.ids,
            force_email_lang=reader.lang,
            subtype_xmlid="mail.mt_comment" if reader.customer else "mail.mt_note",
        )

    # -- per recipient, in the notification -------------------------------

    def _notify_get_recipients(self, message, msg_vals, **kwargs):
        recipients = super()._notify_get_recipients(message, msg_vals, **kwargs)
        apart = self.env.context.get(SERVED_APART)
        if apart:
            recipients = [data for data in recipients if data["id"] not in apart]
        return recipients

    def _notify_get_recipients_groups(self, message, model_description, msg_vals=None):
        """The access button of the add-on's mails: the customer's (Odoo's
        token link), or the executive's own link for an executive."""
        groups = super()._notify_get_recipients_groups(
            message, model_description, msg_vals=msg_vals
        )
        reader_id = self.env.context.get(READER)
        if not self or not reader_id:
            return groups
        self.ensure_one()
        title = self.env._("Open your ticket page")
        for name, _matches, data in groups:
            if name == "portal_customer":
                data["button_access"]["title"] = title
        ticket = self.sudo()
        if reader_id in (ticket.executive_partner_ids - ticket.partner_id).ids:
            button = {"url": self._get_executive_url(reader_id), "title": title}
            groups.insert(
                0,
                [
                    "helpdesk_expedite_executive",
                    lambda data: data["id"] == reader_id,
                    {
                        "active": True,
                        "has_button_access": True,
                        "button_access": button,
                    },
                ],
            )
        return groups

    def _get_executive_url(self, partner_id):
        """The ticket's portal page for one of its executives: signed for
        him (Odoo's ``pid`` and ``hash``), without the customer's access
        token; the portal opens it for the ticket's executives only."""
        ticket = self.sudo()
        ticket._portal_ensure_token()  # the signature depends on it
        url = ticket._get_share_url(pid=partner_id, share_token=False)
        return ticket.get_base_url() + url

    # -- what the templates read ------------------------------------------

    def _get_reader_tz(self):
        """The time zone of the mail's reader (the customer's when the
        template is rendered outside the add-on's sending)."""
        if self.env.context.get(READER):
            return self.env.context.get("tz") or "UTC"
        return self.partner_id.tz or "UTC"

    def _get_reader_next_update(self):
        """When the next update is due, for the reader (empty when none is)."""
        self.ensure_one()
        if not self.next_update_deadline or self.closed:
            return ""
        return self._format_reader_time(self.next_update_deadline)

    def _format_reader_time(self, when):
        """``when`` in the reader's language and time zone, the zone named."""
        zone = self._get_reader_tz()
        return f"{format_datetime(self.env, when, tz=zone, dt_format='short')} ({zone})"
