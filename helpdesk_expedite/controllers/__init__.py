from . import (
    escalation_ack,
    monitoring_feed,
    portal,
    status_api,
    status_page,
    ticket_close,
)
