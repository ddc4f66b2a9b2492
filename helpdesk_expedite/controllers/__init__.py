from . import escalation_ack, monitoring_feed, portal, portal_executive, ticket_close
