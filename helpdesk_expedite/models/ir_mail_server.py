"""Outgoing messages folded so that a Vietnamese subject arrives as written,
and a subscriber's unsubscribe link as a link (see lib/mail_headers.py)."""

from odoo import models

from odoo.addons.base.models.ir_mail_server import IdentificationFieldsNoFoldPolicy

from ..lib.mail_headers import (
    fold_keeping_words,
    keeps_unfolded,
    needs_word_keeping,
    unfolded,
)


class WordKeepingPolicy(IdentificationFieldsNoFoldPolicy):
    """Odoo's SMTP policy, except for non-ASCII unstructured headers and
    the unsubscribe headers."""

    def _fold(self, name, value, *args, **kwargs):
        text = str(value)
        if keeps_unfolded(name, text):
            return unfolded(name, text, self.linesep)
        if needs_word_keeping(self, name, text):
            return fold_keeping_words(name, text, self.linesep)
        return super()._fold(name, value, *args, **kwargs)


WORD_KEEPING_SMTP = WordKeepingPolicy(linesep="\r\n")


class IrMailServer(models.Model):
    _inherit = "ir.mail_server"

    def _prepare_email_message(self, message, smtp_session):
        """Every message Odoo sends passes here just before smtplib
        serialises it with the message's own policy (a private hook: the
        public build_email stays Odoo's own)."""
        smtp_from, smtp_to_list, message = super()._prepare_email_message(
            message, smtp_session
        )
        message.policy = WORD_KEEPING_SMTP
        return smtp_from, smtp_to_list, message
