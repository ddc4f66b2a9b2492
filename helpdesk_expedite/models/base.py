"""Every create and write of a model the add-on defines or adds fields to
checks its arguments and the values of the add-on's fields (all the fields
of its own models) before Odoo converts them: a value of the wrong type,
out of range or holding a NUL character is refused with a ValidationError
naming the field (see field_values). Other models are left alone."""

from odoo import api, models

from . import field_values
from .public_method import Values, ValuesList, public_method

_checked = field_values.is_addon_model


class Base(models.AbstractModel):
    _inherit = "base"

    @public_method(when=_checked, vals_list=ValuesList(all_fields=False))
    @api.model_create_multi
    def create(self, vals_list):
        return super().create(vals_list)

    @public_method(when=_checked, vals=Values(all_fields=False))
    def write(self, vals):
        return super().write(vals)
