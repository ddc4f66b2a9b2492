from . import escalation_ack, monitoring_feed, portal, ticket_close
