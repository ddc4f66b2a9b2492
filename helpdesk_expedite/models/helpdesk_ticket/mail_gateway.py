"""A ticket from the mail gateway, at the gateway's pace.

Odoo's ``mail.thread.message_new`` asks ``fields_get()`` for the whole
description of every field of the model (strings, helps, selections,
domains...) only to learn whether the model has a ``name`` field. With the
add-on's fields a ticket has about 140: that question cost a quarter of each
mailed report's time. Asked from ``message_new``, it is answered with the
fields' names and types only; any other caller gets the full answer.
"""

from collections.abc import Container
from contextvars import ContextVar

from odoo import api, models

from ...lib import arguments
from ..public_method import Spec, Values, public_method

# raised by message_new for mail.thread's one question, lowered by the answer
_NAMES_ASKED = ContextVar("helpdesk_expedite_gateway_names_asked", default=False)
NAMES_ONLY = ("type",)
# what the ticket's message_new chain reads of the parsed message
TEXT_KEYS = ("subject", "body", "cc", "email_from")


class ParsedMessage(Spec):
    """A message as the gateway parses it: a dict whose texts are texts
    and whose author is a partner id."""

    def _check(self, model, value, label, _):
        if not isinstance(value, dict):
            raise arguments.ArgumentError(
                _(
                    "%(label)s: a parsed message is expected, not %(value)s.",
                    label=label,
                    value=arguments.describe(value),
                )
            )
        for key in TEXT_KEYS:
            if value.get(key):
                arguments.check_text(value[key], f"{label}[{key}]", _)
        if value.get("author_id"):
            arguments.check_id(value["author_id"], f"{label}[author_id]", _)
        return value


class NameContainer(Spec):
    """Names Odoo looks up with ``in``: a list over RPC, any container
    (set, keys, OrderedSet...) from the server's own code."""

    def _check(self, model, value, label, _):
        if isinstance(value, Container) and not isinstance(value, (str, bytes)):
            return value
        raise arguments.ArgumentError(
            _(
                "%(label)s: a list of names is expected, not %(value)s.",
                label=label,
                value=arguments.describe(value),
            )
        )


class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"

    @public_method(msg_dict=ParsedMessage(), custom_values=Values(required=False))
    @api.model
    def message_new(self, msg_dict, custom_values=None):
        token = _NAMES_ASKED.set(True)
        try:
            return super().message_new(msg_dict, custom_values=custom_values)
        finally:
            _NAMES_ASKED.reset(token)

    @public_method(
        allfields=NameContainer(required=False),
        attributes=NameContainer(required=False),
    )
    @api.model
    def fields_get(self, allfields=None, attributes=None):
        if _NAMES_ASKED.get() and not allfields and not attributes:
            # mail.thread's question, once: the ticket it creates next (and
            # everything its creation calls) gets full answers again
            _NAMES_ASKED.set(False)
            attributes = NAMES_ONLY
        return super().fields_get(allfields, attributes)
