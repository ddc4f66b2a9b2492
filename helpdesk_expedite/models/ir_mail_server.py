"""Outgoing messages folded so that a Vietnamese subject arrives as written,
and a subscriber's unsubscribe link as a link (see lib/mail_headers.py)."""

from odoo import api, models

from odoo.addons.base.models.ir_mail_server import IdentificationFieldsNoFoldPolicy

from ..lib.mail_headers import (
    fold_keeping_words,
    keeps_unfolded,
    needs_word_keeping,
    unfolded,
)
from .public_method import public_method

# Odoo's mail sending calls build_email, no RPC caller: private where the
# 18.0 build can say so (@api.private, builds of 2025), checked everywhere
_private = getattr(api, "private", lambda method: method)


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

    @_private
    @public_method()
    def build_email(self, *args, **kwargs):
        message = super().build_email(*args, **kwargs)
        # smtplib serialises the message with its own policy
        message.policy = WORD_KEEPING_SMTP
        return message
