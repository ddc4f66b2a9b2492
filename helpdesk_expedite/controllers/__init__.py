from . import (
    escalation_ack,
    monitoring_feed,
    portal,
    portal_executive,
    status_api,
    status_page,
    status_subscribe,
    status_subscription,
    ticket_close,
)
