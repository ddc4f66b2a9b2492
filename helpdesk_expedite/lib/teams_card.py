"""Microsoft Teams Workflows webhook payload: one Adaptive Card."""

import json
import re

from .escalation_summary import group_lines, summary_facts

MAX_PAYLOAD_BYTES = 28 * 1024
CARD_CONTENT_TYPE = "application/vnd.microsoft.card.adaptive"
_MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()#+\-.!|>~<])")


def escape_text(text, limit=None):
    """Escape Adaptive Card markdown so user text shows as typed."""
    text = str(text or "")
    if limit and len(text) > limit:
        text = text[: limit - 1] + "…"
    return _MARKDOWN_SPECIALS.sub(r"\\\1", text)


def _card(snapshot, field_limit, _):
    facts = [
        {"title": escape_text(label), "value": escape_text(value, field_limit)}
        for label, value in summary_facts(snapshot, _)
        if label != _("Link")
    ]
    body = [
        {
            "type": "TextBlock",
            "size": "Large",
            "weight": "Bolder",
            "color": "Attention",
            "wrap": True,
            "text": escape_text(
                _("%(cos)s incident: %(title)s")
                % {"cos": snapshot.class_of_service, "title": snapshot.title},
                field_limit,
            ),
        },
        {"type": "FactSet", "facts": facts},
    ]
    groups = group_lines(snapshot)
    if groups:
        body.append(
            {
                "type": "TextBlock",
                "wrap": True,
                "text": escape_text(_("Users per group: ") + "; ".join(groups), field_limit),
            }
        )
    card = {
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": "1.4",
        "body": body,
    }
    if snapshot.url:
        card["actions"] = [
            {"type": "Action.OpenUrl", "title": _("Open ticket"), "url": snapshot.url}
        ]
    return card


def build_payload(snapshot, _=lambda s: s):
    """Webhook payload for ``snapshot``, kept under MAX_PAYLOAD_BYTES."""
    for field_limit in (4000, 1000, 250, 60):
        payload = {
            "type": "message",
            "attachments": [
                {
                    "contentType": CARD_CONTENT_TYPE,
                    "contentUrl": None,
                    "content": _card(snapshot, field_limit, _),
                }
            ],
        }
        if payload_size(payload) <= MAX_PAYLOAD_BYTES:
            return payload
    raise ValueError("Teams card cannot fit in %s bytes" % MAX_PAYLOAD_BYTES)


def payload_size(payload):
    return len(json.dumps(payload).encode())
