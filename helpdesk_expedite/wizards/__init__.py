from . import (
    helpdesk_expedite_wizard_mixin,
    helpdesk_ticket_escalation_wizard,
    helpdesk_ticket_major_incident_wizard,
    helpdesk_ticket_monitoring_wizard,
    helpdesk_ticket_status_update_wizard,
)
