# The checks of every create and write (base), then the mixins: the ticket
# and its line models inherit them.
from . import base, incident_phase_mixin, lifecycle_guard_mixin

# isort: split
from . import helpdesk_ticket_line_mixin

# isort: split
from . import (
    helpdesk_check_template,
    helpdesk_escalation_target,
    helpdesk_expedite_rule,
    helpdesk_expedite_throttle,
    helpdesk_root_cause_category,
    helpdesk_status_component,
    helpdesk_status_mailing,
    helpdesk_status_page,
    helpdesk_status_subscriber,
    helpdesk_status_subscriber_link,
    helpdesk_status_subscriber_mail,
    helpdesk_ticket,
    helpdesk_ticket_check,
    helpdesk_ticket_corrective_action,
    helpdesk_ticket_escalation,
    helpdesk_ticket_impact_line,
    helpdesk_ticket_monitoring_log,
    helpdesk_ticket_status_update,
    helpdesk_ticket_team,
    ir_mail_server,
    ir_rule,
    mail_mail,
    res_company,
    res_config_settings,
)
