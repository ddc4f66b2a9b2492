# One file per incident phase, each extending helpdesk.ticket with that
# phase's fields next to its methods (see readme/DEVELOP.md for the map).
from . import (
    classification,
    closure,
    customer_mail,
    customer_text,
    demo,
    demo_mail,
    escalation,
    impact,
    major_incident,
    major_incident_fanout,
    major_incident_suggestion,
    monitoring,
    resolution,
    response,
    scorecard,
    status_page,
    ticket,
    timeline,
    user_threshold,
    watchdog,
)
