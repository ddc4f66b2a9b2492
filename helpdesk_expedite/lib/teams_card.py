"""Microsoft Teams Workflows webhook payload: one Adaptive Card."""

import json
import re

from .escalation_summary import group_lines, summary_facts
from .text import identity

MAX_PAYLOAD_BYTES = 28 * 1024
CARD_CONTENT_TYPE = "application/vnd.microsoft.card.adaptive"
# Characters that start Markdown emphasis, code, links, HTML or entities
# anywhere in a line; list and heading markers only matter at a line start.
_INLINE_SPECIALS = re.compile(r"([\\`*_~\[\]<>&])")
_LINE_MARKERS = re.compile(
    r"^([ \t]*[0-9]*)((?<=[0-9])[.)]|(?<![0-9])[-+#])", re.MULTILINE
)
_DOUBLE_BRACE = re.compile(r"\{(?=\{)")


def escape_text(text, limit=None):
    """Escape Adaptive Card Markdown so user text shows as typed.

    ``limit`` truncates the text (before escaping) with an ellipsis.
    Ordinary punctuation such as "20 + 18 = 38" or "WEB102-HN" is kept.
    """
    # Markdown ends a line at CR LF, LF or a lone CR: a list or heading
    # marker after a CR starts a line too
    text = str(text or "").replace("\r\n", "\n").replace("\r", "\n")
    if limit and len(text) > limit:
        text = text[: limit - 1] + "…"
    text = _INLINE_SPECIALS.sub(r"\\\1", text)
    text = _LINE_MARKERS.sub(r"\1\\\2", text)
    # "{{DATE(...)}}" is a card function: break the braces apart.
    return _DOUBLE_BRACE.sub("{\u200b", text)


def _card(snapshot, field_limit, _, acknowledge_url=""):
    card = {
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": "1.4",
        "body": _card_body(snapshot, field_limit, _),
    }
    actions = []
    if acknowledge_url:
        # opens a confirmation page: a link previewer opening it changes nothing
        actions.append(
            {
                "type": "Action.OpenUrl",
                "title": _("Acknowledge"),
                "url": acknowledge_url,
                "style": "positive",
            }
        )
    if snapshot.url:
        actions.append(
            {"type": "Action.OpenUrl", "title": _("Open ticket"), "url": snapshot.url}
        )
    if actions:
        card["actions"] = actions
    return card


def _card_body(snapshot, field_limit, _):
    """Title, the summary's facts, and the users per group."""
    facts = [
        {"title": escape_text(label), "value": escape_text(value, field_limit)}
        for label, value in summary_facts(snapshot, _)
        if label != _("Link")
    ]
    title = _(
        "%(cos)s incident: %(title)s",
        cos=snapshot.class_of_service,
        title=snapshot.title,
    )
    body = [
        {
            "type": "TextBlock",
            "size": "Large",
            "weight": "Bolder",
            "color": "Attention",
            "wrap": True,
            "text": escape_text(title, field_limit),
        },
        {"type": "FactSet", "facts": facts},
    ]
    groups = group_lines(snapshot)
    if groups:
        body.append(
            {
                "type": "TextBlock",
                "wrap": True,
                "text": escape_text(
                    _("Users per group: ") + "; ".join(groups), field_limit
                ),
            }
        )
    return body


def build_payload(snapshot, _=identity, acknowledge_url=""):
    """Webhook payload for ``snapshot``, kept under MAX_PAYLOAD_BYTES by
    truncating long texts further and further; ValueError if it cannot fit.

    ``acknowledge_url``, when given, adds an "Acknowledge" button opening
    the escalation's one-click acknowledgement page."""
    for field_limit in (4000, 1000, 250, 60):
        payload = {
            "type": "message",
            "attachments": [
                {
                    "contentType": CARD_CONTENT_TYPE,
                    "contentUrl": None,
                    "content": _card(snapshot, field_limit, _, acknowledge_url),
                }
            ],
        }
        if payload_size(payload) < MAX_PAYLOAD_BYTES:
            return payload
    raise ValueError(f"Teams card cannot fit in {MAX_PAYLOAD_BYTES} bytes")


def payload_size(payload):
    """Bytes of ``payload`` as ``requests`` sends it (ASCII-escaped JSON)."""
    return len(json.dumps(payload).encode())
