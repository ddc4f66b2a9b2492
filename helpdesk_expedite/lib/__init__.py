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
    incident,
    mail_headers,
    matching,
    monitoring,
    retry,
    scorecard,
    teams_card,
    text,
    webhook_safety,
)
