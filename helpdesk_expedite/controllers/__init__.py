from . import monitoring_feed, portal, ticket_close
