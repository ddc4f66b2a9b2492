from . import (
    escalation_ack,
    monitoring_feed,
    portal,
    portal_executive,
    status_api,
    status_page,
    ticket_close,
)
