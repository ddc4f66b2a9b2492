"""Decision logic of helpdesk_expedite, kept free of ORM access.

The models gather plain facts, call these functions and apply the outcome,
so every rule can be tested quickly and exhaustively without a database.
"""

from . import (
    ack_token,
    arguments,
    classification,
    commands,
    escalation_summary,
    http_cache,
    incident,
    mail_failure,
    mail_headers,
    matching,
    monitoring,
    retry,
    scorecard,
    status_atom,
    status_page,
    status_snapshot,
    status_view,
    statuspage_json,
    subscription,
    subscription_token,
    teams_card,
    text,
    webhook_safety,
)
