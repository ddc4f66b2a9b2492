from odoo import api, models

from .lifecycle_guard import check_guarded_defaults
from .public_method import Names, public_method


class HelpdeskExpediteGuardedMixin(models.AbstractModel):
    """Refuses ``default_<field>`` context keys for the model's guarded
    fields (``_get_guarded_fields``, see lifecycle_guard): over RPC a
    context default would set them on create."""

    _name = "helpdesk.expedite.guarded.mixin"
    _description = "Fields Set by the Incident's Actions Only"
    _guarded_fields = frozenset()

    @api.model
    def _get_guarded_fields(self):
        """Fields that only the add-on's actions set: ``_guarded_fields``,
        to which each incident phase of the ticket adds its own."""
        return self._guarded_fields

    @api.model
    @public_method(fields_list=Names())
    def default_get(self, fields_list):
        check_guarded_defaults(self)
        return super().default_get(fields_list)
