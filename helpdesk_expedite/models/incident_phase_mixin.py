from odoo import api, models


class HelpdeskExpediteIncidentPhaseMixin(models.AbstractModel):
    """Hooks that each incident phase of the ticket extends with its own
    part (with ``super()``), beside ``_get_guarded_fields``: a phase keeps
    its fields, their protection and their indexes in its own room."""

    _name = "helpdesk.expedite.incident.phase.mixin"
    _description = "Hooks of the Incident Phases"

    @api.model
    def _get_partial_indexes(self):
        """{column: SQL condition}: columns that hold a value on few tickets,
        indexed on those rows only (writing an ordinary ticket then leaves
        the index alone)."""
        return {}
