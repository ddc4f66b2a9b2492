from . import helpdesk_incident_xlsx
