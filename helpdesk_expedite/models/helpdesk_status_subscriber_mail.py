"""The mails of a status page's subscribers, rendered the same way for
the updates (helpdesk_status_mailing.py) and the confirmations: one
rendering per language and template, the subscriber's own links put in
afterwards, and the one-click unsubscribe headers (RFC 2369, RFC 8058) on
every mail."""

from odoo import api, models

from ..lib import mail_headers

CONFIRM_TEMPLATE = "helpdesk_expedite.mail_template_status_subscription_confirm"


class HelpdeskStatusSubscriberMail(models.AbstractModel):
    _name = "helpdesk.status.subscriber.mail"
    _description = "Status Page Subscriber Mails"

    @api.model
    def _mail_values(self, rendered, subscriber, token, placeholder=None):
        subject, body, email_from = rendered
        if placeholder:
            body = body.replace(placeholder, token)
        url = subscriber._get_link(token, "unsubscribe")
        return {
            "subject": subject,
            "body_html": body,
            "email_from": email_from,
            "email_to": subscriber.email,
            "headers": repr(mail_headers.unsubscribe_headers(url)),
            "auto_delete": True,
        }

    @api.model
    def _render(self, template, records, lang, context):
        """{id: (subject, body, sender)} of ``template`` on ``records``, in
        ``lang``, with ``context`` as the template's ``ctx``."""
        template = template.with_context(lang=lang, **context)
        subjects = template._render_field("subject", records.ids)
        bodies = template._render_field(
            "body_html", records.ids, options={"post_process": True}
        )
        senders = template._render_field("email_from", records.ids)
        default_from = self.env["ir.mail_server"]._get_default_from_address()
        return {
            record.id: (
                " ".join((subjects[record.id] or "").split()),
                bodies[record.id],
                senders[record.id] or default_from,
            )
            for record in records
        }

    @api.model
    def _by_language(self, subscribers):
        """{language: subscribers}, an inactive language as the default."""
        installed = {code for code, _name in self.env["res.lang"].get_installed()}
        default = "en_US" if "en_US" in installed else sorted(installed)[0]
        groups = {}
        for subscriber in subscribers:
            lang = subscriber.lang if subscriber.lang in installed else default
            groups.setdefault(lang, subscribers.browse())
            groups[lang] |= subscriber
        return groups

    @api.model
    def _absolute(self, path):
        base = self.env["ir.config_parameter"].sudo().get_param("web.base.url", "")
        return base.rstrip("/") + path

    @api.model
    def _send_due_confirmations(self, limit):
        """Queue the confirmation mails that requests made due; how many."""
        subscribers = (
            self.env["helpdesk.status.subscriber"]
            .sudo()
            .search(
                [("confirmation_due", "=", True), ("state", "=", "pending")],
                order="id",
                limit=limit,
            )
        )
        template = self.env.ref(CONFIRM_TEMPLATE).sudo()
        values = []
        for lang, group in self._by_language(subscribers).items():
            links = {
                s.id: s._get_link(s._get_confirm_token(), "confirm") for s in group
            }
            pages = {
                s.id: self._absolute(s.company_id._status_page_path()) for s in group
            }
            context = {"confirm_urls": links, "status_page_urls": pages}
            rendered = self._render(template, group, lang, context)
            for subscriber in group:
                token = subscriber._get_unsubscribe_token()
                values.append(
                    self._mail_values(rendered[subscriber.id], subscriber, token)
                )
        if values:
            self.env["mail.mail"].sudo().create(values)
            self.env.ref("mail.ir_cron_mail_scheduler_action")._trigger()
        subscribers.write({"confirmation_due": False})
        return len(subscribers)
