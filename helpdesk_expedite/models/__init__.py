from . import (
    helpdesk_check_template,
    helpdesk_escalation_target,
    helpdesk_expedite_rule,
    helpdesk_root_cause_category,
    helpdesk_ticket,
    helpdesk_ticket_check,
    helpdesk_ticket_corrective_action,
    helpdesk_ticket_escalation,
    helpdesk_ticket_impact_line,
    helpdesk_ticket_monitoring_log,
    helpdesk_ticket_status_update,
    res_config_settings,
)
