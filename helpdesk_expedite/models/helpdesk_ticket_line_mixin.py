from odoo import api, fields, models

from .lifecycle_guard import check_guarded_fields


class HelpdeskTicketLineMixin(models.AbstractModel):
    """A record that belongs to one ticket and is seen and changed through it.

    Access follows the ticket (see ``ir.rule._compute_domain``): a line is
    readable when its ticket is, and created, changed or deleted when its
    ticket may be written. Callers may not set ``_guarded_fields`` (the
    add-on's actions do, see ``lifecycle_guard``) nor change
    ``_fixed_fields`` once the line exists; ``_with_system_values`` adds what
    the line records by itself (who checked, when done).
    """

    _name = "helpdesk.ticket.line.mixin"
    _inherit = ["helpdesk.expedite.guarded.mixin"]
    _description = "Line of a Helpdesk Ticket"
    # ticket operation that each operation on a line needs
    _ticket_access_modes = {
        "read": "read",
        "create": "write",
        "write": "write",
        "unlink": "write",
    }
    _fixed_fields = frozenset({"ticket_id"})

    ticket_id = fields.Many2one(
        "helpdesk.ticket", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(
        related="ticket_id.company_id", store=True, precompute=True
    )

    @api.model_create_multi
    def create(self, vals_list):
        check_guarded_fields(self, vals_list)
        return super().create([self._with_system_values(vals) for vals in vals_list])

    def write(self, vals):
        check_guarded_fields(self, [vals], self._guarded_fields | self._fixed_fields)
        return super().write(self._with_system_values(vals))

    def _with_system_values(self, vals):
        """``vals`` plus what the line records by itself."""
        return vals
