# One file per incident phase, each extending helpdesk.ticket with that
# phase's fields next to its methods (see readme/DEVELOP.md for the map).
from . import (
    classification,
    closure,
    customer_mail,
    demo,
    demo_mail,
    escalation,
    impact,
    major_incident,
    monitoring,
    resolution,
    response,
    scorecard,
    status_page,
    ticket,
    watchdog,
)
