from odoo import api, models

from .lifecycle_guard import check_guarded_defaults
from .public_method import Names, public_method


class HelpdeskExpediteGuardedMixin(models.AbstractModel):
    """Refuses ``default_<field>`` context keys for the model's guarded
    fields (``_get_guarded_fields``, see lifecycle_guard): over RPC a
    context default would set them on create; and ignores the defaults
    users save for them."""

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
        defaults = super().default_get(fields_list)
        self._drop_saved_guarded_defaults(defaults)
        return defaults

    def _drop_saved_guarded_defaults(self, defaults):
        """A default saved for a guarded field (``ir.default``: any user may
        save his own) is nobody's action: the field keeps its own default."""
        saved = self.env["ir.default"]._get_model_defaults(self._name).keys()
        for name in saved & self._get_guarded_fields() & defaults.keys():
            field = self._fields[name]
            if field.default:
                value = field.convert_to_cache(field.default(self), self, False)
                defaults[name] = field.convert_to_write(value, self)
            else:
                del defaults[name]
