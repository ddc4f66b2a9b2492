"""Names and settings shared by the add-on's models and controllers."""

AGENT_GROUP = "helpdesk_mgmt.group_helpdesk_user_own"
# Prefetch group of the ticket's incident texts and scorecard figures: read
# together when one of them is needed, not with every ticket a list, the
# board or a write loads.
INCIDENT_DETAILS = "incident_details"
MANAGER_GROUP = "helpdesk_mgmt.group_helpdesk_manager"

CLASS_OF_SERVICE = [
    ("expedite", "Expedite"),
    ("fixed_date", "Fixed Date"),
    ("standard", "Standard"),
    ("intangible", "Intangible"),
]
ESCALATION_CHANNELS = [("email", "Email"), ("teams", "Microsoft Teams")]
CONFIRMATION_CHANNELS = [
    ("portal", "Portal"),
    ("email", "Email"),
    ("phone", "Phone"),
    ("teams", "Microsoft Teams"),
    ("agent", "Recorded by Agent"),
]
# how a confirmation received outside the portal is recorded by an agent
AGENT_CONFIRMATION_CHANNELS = ("email", "phone", "teams", "agent")

# the monitoring feed's route, followed by /<ticket id>
FEED_ROUTE = "/helpdesk_expedite/monitoring"

# system parameters
THRESHOLD_PARAM = "helpdesk_expedite.monitoring_success_threshold"
ALLOWED_HOSTS_PARAM = "helpdesk_expedite.webhook_allowed_hosts"
TEAMS_TIMEOUT_PARAM = "helpdesk_expedite.teams_timeout"
ACK_TARGET_PARAM = "helpdesk_expedite.acknowledge_target_minutes"
LINK_SUGGESTION_HOURS_PARAM = "helpdesk_expedite.link_suggestion_hours"
ACK_LINK_HOURS_PARAM = "helpdesk_expedite.escalation_ack_link_hours"

# the public status page (Statuspage's vocabulary)
COMPONENT_STATUSES = [
    ("operational", "Operational"),
    ("degraded_performance", "Degraded Performance"),
    ("partial_outage", "Partial Outage"),
    ("major_outage", "Major Outage"),
    ("under_maintenance", "Under Maintenance"),
]
STATUS_IMPACTS = [
    ("none", "None"),
    ("minor", "Minor"),
    ("major", "Major"),
    ("critical", "Critical"),
]
STATUS_PHASES = [
    ("investigating", "Investigating"),
    ("identified", "Identified"),
    ("monitoring", "Monitoring"),
    ("resolved", "Resolved"),
]
