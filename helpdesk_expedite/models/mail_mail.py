"""The outgoing mail queue tells escalations how their mail went."""

from odoo import models

ESCALATION_MODEL = "helpdesk.ticket.escalation"


class MailMail(models.Model):
    _inherit = "mail.mail"

    def _postprocess_sent_message(
        self, success_pids, failure_reason=False, failure_type=None
    ):
        """After each attempt of the mail queue (sent, or failed with
        ``failure_type``): an escalation whose mail this is follows it. Done
        before Odoo's own post-processing, which may delete sent mails."""
        escalation_mails = self.filtered(lambda mail: mail.model == ESCALATION_MODEL)
        if escalation_mails:
            self.env[ESCALATION_MODEL]._follow_mails(
                escalation_mails, failure_type, failure_reason
            )
        return super()._postprocess_sent_message(
            success_pids, failure_reason=failure_reason, failure_type=failure_type
        )
