"""Demo data only: the messages of the replayed incident (see demo.py).

The campus reads Vietnamese when the database has the language (as
tools/screenshots installs it): its contacts are Vietnamese then, and the
add-on's translations are loaded before the incident's mails are written
(Odoo loads a module's translations after its demo data). The executive
reads English.

The ticket the demo replays its incident on is one of helpdesk_mgmt's demo
tickets: its messages from before (its creation as another ticket, a
closing mail to another customer) are not the incident's and go. The steps
run at install time and their dates are moved back afterwards; the next
update each mail promised is written in it, so it is moved with them.
"""

from odoo import api, models
from odoo.tools import SQL

from .customer_mail import READER


class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"

    @api.model
    def _demo_localize(self, partner_ids):
        if not self.env["res.lang"]._lang_get("vi_VN"):
            return
        self.env["res.partner"].browse(partner_ids).write({"lang": "vi_VN"})
        self.env["ir.module.module"]._load_module_terms(
            ["helpdesk_expedite"], ["vi_VN"], overwrite=True
        )

    def _demo_forget_former_life(self):
        """Remove the ticket's messages (and their mails) from before the
        incident, and date its assignment at its report."""
        self.ensure_one()
        messages = self.env["mail.message"].sudo().browse(self._demo_message_ids())
        self.env["mail.mail"].sudo().search(
            [("mail_message_id", "in", messages.ids)]
        ).unlink()
        messages.unlink()
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "UPDATE helpdesk_ticket SET assigned_date = create_date, "
                "last_stage_update = create_date WHERE id = %s",
                self.id,
            )
        )
        self.env.invalidate_all()

    def _demo_note_promises(self, before, promises):
        """Remember, for each message the step posted, its date and the
        next update due (the time its mail names, if it names one)."""
        if not self.next_update_deadline:
            return
        new = set(self._demo_message_ids()) - before
        for message in self.env["mail.message"].browse(sorted(new)):
            promises[message.id] = (message.date, self.next_update_deadline)

    def _demo_move_promises(self, promises):
        """Move the promised time written in each message (and its mails)
        by as much as the message's own date moved since it was posted."""
        langs = {code for code, _name in self.env["res.lang"].get_installed()}
        readers = self._get_mail_readers(langs)
        Message = self.env["mail.message"].sudo()
        for message_id, (posted, promised) in promises.items():
            message = Message.browse(message_id)
            shift = message.date - posted
            reader = next(
                (r for r in readers if r.partner and r.partner in message.partner_ids),
                readers[0],
            )
            ticket = self.with_context(
                lang=reader.lang, tz=reader.tz, **{READER: reader.partner.id or True}
            )
            old = ticket._format_reader_time(promised)
            new = ticket._format_reader_time(promised + shift)
            if old == new or old not in (message.body or ""):
                continue
            message.body = message.body.replace(old, new)
            mails = (
                self.env["mail.mail"]
                .sudo()
                .search([("mail_message_id", "=", message.id)])
            )
            for mail in mails:
                mail.body_html = (mail.body_html or "").replace(old, new)
