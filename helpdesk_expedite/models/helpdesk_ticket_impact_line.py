from collections import Counter

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .public_method import Values, ValuesList, public_method


class HelpdeskTicketImpactLine(models.Model):
    _name = "helpdesk.ticket.impact.line"
    _inherit = ["helpdesk.ticket.line.mixin"]
    _description = "Helpdesk Ticket Affected Group"
    _order = "ticket_id, sequence, id"

    sequence = fields.Integer(default=10)
    name = fields.Char(
        string="Affected Group", required=True, help="e.g. a class: WEB102-HN"
    )
    location = fields.Char()
    affected_users = fields.Integer(default=0)
    note = fields.Char()

    @api.constrains("affected_users")
    def _check_affected_users(self):
        for line in self:
            if line.affected_users < 0:
                raise ValidationError(
                    self.env._(
                        "Affected group %(group)s: the number of affected users "
                        "cannot be negative (%(users)s).",
                        group=line.name,
                        users=line.affected_users,
                    )
                )

    @api.constrains("name", "ticket_id")
    def _check_unique_name(self):
        for ticket in self.ticket_id:
            names = Counter(
                line.name.strip().lower() for line in ticket.impact_line_ids
            )
            duplicates = {name for name, count in names.items() if count > 1}
            if duplicates:
                raise ValidationError(
                    self.env._(
                        "Affected group %(groups)s is listed more than once on "
                        "ticket %(ticket)s.",
                        groups=", ".join(sorted(duplicates)),
                        ticket=ticket.display_name,
                    )
                )

    @public_method(vals_list=ValuesList())
    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        lines.ticket_id._classify_if_direct()
        return lines

    @public_method(vals=Values())
    def write(self, vals):
        tickets = self.ticket_id
        res = super().write(vals)
        if {"affected_users", "ticket_id"} & vals.keys():
            (tickets | self.ticket_id)._classify_if_direct()
        return res

    @public_method()
    def unlink(self):
        tickets = self.ticket_id
        res = super().unlink()
        tickets.exists()._classify_if_direct()
        return res
