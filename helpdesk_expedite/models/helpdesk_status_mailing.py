"""The status page's mails to its subscribers, through Odoo's mail queue.

A public update of a published incident (and the latest one when an
incident is published) gets one ``helpdesk.status.mailing``: the outbox of
that update, one per update whatever calls queue it. The cron
``ir_cron_status_subscriber_mail`` sends the confirmation mails that are
due, then works the queued mailings: each batch of subscribers (confirmed,
of the incident's company, following one of its components or all of
them; one row each, in id order after the last one mailed) is rendered
once per language, queued as ``mail.mail`` records and committed with the
mailing's progress, so that each subscriber gets an update once, even if
the cron stops half way. Every mail carries the subscriber's one-click
unsubscribe link (RFC 8058) and only public facts: the public title,
phase and update, the page's links.
"""

import secrets

from odoo import api, fields, models
from odoo.tools import format_datetime

from .db_locks import commit_progress

BATCH = 1000  # mails queued per batch (and per commit)
CRON = "helpdesk_expedite.ir_cron_status_subscriber_mail"
UPDATE_TEMPLATE = "helpdesk_expedite.mail_template_status_subscriber_update"
MAIL = "helpdesk.status.subscriber.mail"


class HelpdeskStatusMailing(models.Model):
    _name = "helpdesk.status.mailing"
    _description = "Status Page Update Mailing"
    _order = "id"

    update_id = fields.Many2one(
        "helpdesk.ticket.status.update",
        required=True,
        readonly=True,
        index=True,
        ondelete="cascade",
    )
    state = fields.Selection(
        [("queued", "Queued"), ("done", "Sent"), ("cancelled", "Cancelled")],
        required=True,
        default="queued",
        readonly=True,
        index=True,
    )
    # the subscribers up to this id have been mailed
    last_subscriber_id = fields.Integer(readonly=True)
    mail_count = fields.Integer(readonly=True)

    _sql_constraints = [
        ("update_uniq", "unique(update_id)", "An update is mailed once."),
    ]

    @api.model
    def _queue(self, updates):
        """A mailing for each of the public ``updates`` that has none."""
        updates = updates.sudo().filtered("is_public")
        if not updates:
            return self.browse()
        known = self.sudo().search([("update_id", "in", updates.ids)]).update_id
        mailings = self.sudo().create(
            [{"update_id": update.id} for update in updates - known]
        )
        if mailings:
            self.env.ref(CRON)._trigger()
        return mailings

    # -- the cron -----------------------------------------------------------

    @api.model
    def _cron_send_subscriber_mails(self, batch_size=BATCH):
        """Due confirmation mails, then queued mailings, one batch a time."""
        done = self.env[MAIL]._send_due_confirmations(batch_size)
        self._commit_if_allowed()
        while done < batch_size:
            mailing = self._lock_next_queued()
            if not mailing:
                break
            done += mailing._send_next_batch(batch_size - done)
            self._commit_if_allowed()
        remaining = self.sudo().search_count([("state", "=", "queued")])
        remaining += (
            self.env["helpdesk.status.subscriber"]
            .sudo()
            .search_count([("confirmation_due", "=", True)])
        )
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)

    @api.model
    def _lock_next_queued(self):
        self.flush_model(["state"])  # the batches just done are not queued
        self.env.cr.execute(
            "SELECT id FROM helpdesk_status_mailing WHERE state = 'queued' "
            "ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED"
        )
        row = self.env.cr.fetchone()
        return self.sudo().browse(row[0]) if row else self.browse()

    def _commit_if_allowed(self):
        """Commit each batch with its progress (not while tests run)."""
        commit_progress(self.env)

    def _get_recipients(self, limit):
        """The next ``limit`` subscribers this mailing is for."""
        self.ensure_one()
        ticket = self.update_id.ticket_id
        return (
            self.env["helpdesk.status.subscriber"]
            .sudo()
            .search(
                [
                    ("company_id", "=", ticket.company_id.id),
                    ("state", "=", "confirmed"),
                    ("id", ">", self.last_subscriber_id),
                    "|",
                    ("component_ids", "=", False),
                    ("component_ids", "in", ticket.status_component_ids.ids),
                ],
                order="id",
                limit=limit,
            )
        )

    def _send_next_batch(self, limit):
        """Queue the next batch's mails; how many."""
        self.ensure_one()
        update = self.update_id
        ticket = update.ticket_id
        if not (ticket.status_published and ticket.active and update.is_public):
            self.write({"state": "cancelled"})  # taken off the page meanwhile
            return 0
        subscribers = self._get_recipients(limit)
        if subscribers:
            mails = self._prepare_update_mails(subscribers)
            self.env["mail.mail"].sudo().create(mails)
            self.env.ref("mail.ir_cron_mail_scheduler_action")._trigger()
        vals = {"mail_count": self.mail_count + len(subscribers)}
        if subscribers:
            vals["last_subscriber_id"] = subscribers[-1].id
        if len(subscribers) < limit:
            vals["state"] = "done"
        self.write(vals)
        return len(subscribers)

    # -- the mails ------------------------------------------------------------

    def _prepare_update_mails(self, subscribers):
        """mail.mail values for ``subscribers``: one rendering per language."""
        self.ensure_one()
        update = self.update_id
        template = self.env.ref(UPDATE_TEMPLATE).sudo()
        placeholder = f"t{secrets.token_hex(12)}t"
        values = []
        for lang, group in self.env[MAIL]._by_language(subscribers).items():
            context = self._update_context(
                lang, group[:1]._get_link(placeholder, "unsubscribe")
            )
            rendered = self.env[MAIL]._render(template, update, lang, context)[
                update.id
            ]
            for subscriber in group:
                token = subscriber._get_unsubscribe_token()
                values.append(
                    self.env[MAIL]._mail_values(
                        rendered, subscriber, token, placeholder
                    )
                )
        return values

    def _update_context(self, lang, unsubscribe_url):
        """What the update template shows, all of it public, in ``lang``."""
        update = self.update_id
        ticket = update.ticket_id
        company = ticket.company_id
        tz = company.partner_id.tz or "UTC"
        env = self.env(context=dict(self.env.context, lang=lang, tz=tz))
        page_path = company._status_page_path()
        return {
            "status_page_name": company.name,
            "status_page_url": self.env[MAIL]._absolute(page_path),
            "status_incident_url": self.env[MAIL]._absolute(
                f"{page_path}/incidents/{ticket.id}"
            ),
            "status_public_title": ticket.status_public_title or "",
            "status_phase_label": self._phase_label(env, update),
            "status_update_date": format_datetime(
                env, update.date, tz=tz, dt_format="medium"
            ),
            "status_update_tz": tz,
            "unsubscribe_url": unsubscribe_url,
        }

    @api.model
    def _phase_label(self, env, update):
        field = update._fields["public_status"]
        labels = dict(field._description_selection(env))
        return labels.get(update.public_status) or ""
