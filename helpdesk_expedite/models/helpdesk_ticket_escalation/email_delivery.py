"""Email delivery: the escalation follows the real outcome of its mail.

Sending queues the mail in Odoo's outgoing queue; the escalation stays
*queued* until the mail queue has tried it. Then, as for a Teams card: the
mail went out (*sent*); a transient failure (the mail server unreachable, a
temporary refusal) is tried again after the back-off by the delivery cron,
up to the attempts allowed; a permanent one (a bad header, a refused
address) fails the escalation at once. A failed escalation alerts whoever
answers for the ticket.
"""

from odoo import api, fields, models

from ...lib import mail_failure
from ..db_locks import lock_ids, lock_row
from ..lifecycle_guard import system_write

MAX_MAIL_ERROR_CHARS = 300
MAIL_QUEUE_CRON = "mail.ir_cron_mail_scheduler_action"


class HelpdeskTicketEscalation(models.Model):
    _inherit = "helpdesk.ticket.escalation"

    # the mail of the latest sending: its outcome is the escalation's
    mail_id = fields.Many2one(
        "mail.mail",
        string="Escalation Mail",
        readonly=True,
        copy=False,
        ondelete="set null",
        index="btree_not_null",
        groups="base.group_system",
    )

    def _send_email(self):
        """Queue the escalation mail; Odoo's mail queue sends it after
        commit. A mail of an earlier sending not sent yet is cancelled: its
        acknowledgement link is revoked (``action_send``)."""
        self.ensure_one()
        earlier = self.sudo().mail_id
        if earlier.state in ("outgoing", "exception"):
            earlier.cancel()
        template = self.env.ref("helpdesk_expedite.mail_template_escalation")
        mail_id = template.send_mail(self.id)
        # the mail is a technical record: sudo (write access was checked)
        self.sudo().write(
            {
                "state": "queued",
                "mail_id": mail_id,
                "next_attempt_date": False,
                "last_error": False,
            }
        )
        self.env.ref(MAIL_QUEUE_CRON)._trigger()

    @api.model
    def _follow_mails(self, mails, failure_type=None, failure_reason=False):
        """After the mail queue's attempt on ``mails``: record it on their
        escalations. One that another transaction holds or changed since is
        left to the delivery cron (``_deliver_email_escalations``)."""
        escalations = self.sudo().search(
            [("mail_id", "in", mails.ids), ("state", "in", ("queued", "failed"))]
        )
        for escalation in escalations.with_context(tracking_disable=True):
            if lock_row(self.env.cr, self._table, escalation.id):
                escalation._follow_mail(failure_type, failure_reason)

    def _follow_mail(self, failure_type=None, failure_reason=False):
        """Record the outcome of this escalation's mail, once known."""
        self.ensure_one()
        mail = self.mail_id
        with system_write():
            if mail.state == "sent":
                return self._record_sent(self.attempt_count + 1)
            if self.state != "queued":
                return False
            if not mail:
                return self._record_failure(
                    self.attempt_count + 1,
                    self.env._("The escalation mail was deleted before it was sent."),
                    permanent=True,
                )
            if mail.state != "exception":
                return False  # not tried yet
            return self._record_mail_failure(failure_type, failure_reason)

    def _record_mail_failure(self, failure_type, failure_reason):
        mail = self.mail_id
        failure_type = failure_type or mail.failure_type or ""
        detail = failure_reason or mail.failure_reason or ""
        transient = mail_failure.is_transient(failure_type, detail)
        reason = self._describe_mail_failure(failure_type, detail)
        self._record_failure(self.attempt_count + 1, reason, permanent=not transient)
        if self.state == "queued":
            cron = self.env.ref("helpdesk_expedite.ir_cron_escalation_delivery")
            cron._trigger(at=self.next_attempt_date)
        return True

    def _describe_mail_failure(self, failure_type, detail):
        """The failure as the agent reads it: Odoo's kind of failure, and
        the mail server's or Python's words when they say more."""
        kinds = dict(
            self.env["mail.mail"]
            ._fields["failure_type"]
            ._description_selection(self.env)
        )
        kind = kinds.get(failure_type, "")
        if failure_type in mail_failure.ADDRESS_TYPES or not detail:
            # Odoo's text then is a placeholder ("Error without exception")
            text = kind or self.env._("The mail could not be sent.")
        else:
            text = f"{kind}: {detail}" if kind else detail
        return text[:MAX_MAIL_ERROR_CHARS]

    @api.model
    def _deliver_email_escalations(self, limit):
        """The delivery cron's part for email: queue again the mails whose
        failed attempt is due again, and record the outcomes the mail queue
        could not (an escalation locked at that moment). How many done.
        The mail is a technical record: sudo."""
        now = fields.Datetime.now()
        due = self.sudo().search(
            [
                ("channel", "=", "email"),
                ("state", "=", "queued"),
                "|",
                ("next_attempt_date", "<=", now),
                "&",
                ("next_attempt_date", "=", False),
                "|",
                ("mail_id", "=", False),
                ("mail_id.state", "in", ("sent", "exception")),
            ],
            order="id",
            limit=limit,
        )
        if not due:
            return 0
        locked = due.browse(lock_ids(self.env.cr, self._table, due.ids))
        locked = locked.with_context(tracking_disable=True)
        retried = locked.filtered("next_attempt_date")
        for escalation in locked - retried:
            escalation._follow_mail()
        mails = retried.mail_id.filtered(lambda mail: mail.state == "exception")
        mails.mark_outgoing()
        with system_write():
            retried.write({"next_attempt_date": False})
        if mails:
            self.env.ref(MAIL_QUEUE_CRON)._trigger()
        return len(locked)
