from odoo import api, models

from ..models.public_method import Values, ValuesList, public_method


class HelpdeskExpediteWizardMixin(models.AbstractModel):
    """Base of the add-on's wizards: a wizard shows and acts on records its
    user may read, nothing more.

    A wizard is filled from the ids it is given (a ticket, targets, the
    selected tickets), and Odoo computes stored fields as superuser: without
    this check, an agent who names another company's ticket would read what
    the wizard computes from it. Every relational value of a wizard is
    checked against the user's own rights once it is created or written;
    its computes that read another record run as the user
    (``compute_sudo=False``), so that the web client's onchange, which
    creates nothing, is refused the same way.
    """

    _name = "helpdesk.expedite.wizard.mixin"
    _description = "Helpdesk Expedite Wizard"

    @public_method(vals_list=ValuesList())
    @api.model_create_multi
    def create(self, vals_list):
        wizards = super().create(vals_list)
        wizards._check_referenced_records_readable()
        return wizards

    @public_method(vals=Values())
    def write(self, vals):
        result = super().write(vals)
        self._check_referenced_records_readable()
        return result

    def _check_referenced_records_readable(self):
        """AccessError unless the user may read every record these wizards
        refer to."""
        for name, field in self._fields.items():
            if field.relational and field.store and not field.automatic:
                self[name].check_access("read")
