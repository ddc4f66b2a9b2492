from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError

from .lifecycle_guard import check_guarded_fields, writing_as_system
from .public_method import Values, ValuesList, public_method

MANAGER_GROUP = "helpdesk_mgmt.group_helpdesk_manager"


class HelpdeskTicketLineMixin(models.AbstractModel):
    """A record that belongs to one ticket and is seen and changed through it.

    Access follows the ticket (see ``ir.rule._compute_domain``): a line is
    readable when its ticket is, and created, changed or deleted when its
    ticket may be written. Callers may not set ``_guarded_fields`` (the
    add-on's actions do, see ``lifecycle_guard``) nor change
    ``_fixed_fields`` once the line exists; ``_with_system_values`` adds what
    the line records by itself (who checked, when done).

    Some lines are evidence of how the incident was run (``_evidence``: a
    monitoring check, a sent escalation, a sent customer update): the
    verdict and the handling score are computed from them. They are
    append-only below the helpdesk managers: their ``_evidence_fields`` stop
    changing, and only a manager deletes them, which the ticket's chatter
    records.
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
    # fields that stop changing once the line is evidence
    _evidence_fields = frozenset()

    ticket_id = fields.Many2one(
        "helpdesk.ticket", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(
        related="ticket_id.company_id", store=True, precompute=True
    )

    @public_method(vals_list=ValuesList())
    @api.model_create_multi
    def create(self, vals_list):
        check_guarded_fields(self, vals_list)
        self._check_company_follows_ticket(vals_list)
        return super().create([self._with_system_values(vals) for vals in vals_list])

    @public_method(vals=Values())
    def write(self, vals):
        check_guarded_fields(
            self, [vals], self._get_guarded_fields() | self._fixed_fields
        )
        self._check_company_follows_ticket([vals])
        if self._evidence_fields & vals.keys():
            self._evidence()._check_evidence_change(self._evidence_fields & vals.keys())
        return super().write(self._with_system_values(vals))

    @public_method()
    def unlink(self):
        evidence = self._evidence()
        if evidence:
            evidence._check_evidence_change()
            evidence._log_evidence_deletion()
        return super().unlink()

    def _check_company_follows_ticket(self, vals_list):
        """A line's company is its ticket's. A value given to that stored
        related field would be stored as it is (the registry fuzz made lines
        of one company's tickets with another company): only the ticket's
        own company is accepted."""
        if self._abstract:
            return  # the mixin itself over RPC: it has no lines
        Ticket = self.env["helpdesk.ticket"].sudo()
        for vals in vals_list:
            if "company_id" not in vals:
                continue
            tickets = (
                Ticket.browse(vals["ticket_id"])
                if vals.get("ticket_id")
                else self.ticket_id.sudo()
            )
            if tickets.company_id.ids != [vals["company_id"] or False]:
                raise ValidationError(
                    self.env._(
                        "%s: the company is the ticket's, it cannot be set.",
                        self._description,
                    )
                )

    def _with_system_values(self, vals):
        """``vals`` plus what the line records by itself."""
        return vals

    def _evidence(self):
        """Those of these lines that are evidence (none by default)."""
        return self.browse()

    def _evidence_label(self):
        """How the chatter names this line when a manager deletes it."""
        self.ensure_one()
        return self.display_name

    def _check_evidence_change(self, field_names=None):
        """AccessError unless these evidence lines may be changed (their
        ``field_names``) or, without names, deleted: by the add-on's own
        actions, and deleted by a helpdesk manager."""
        if not self or writing_as_system(self.env):
            return
        if not field_names and self.env.user.has_group(MANAGER_GROUP):
            return
        what = (
            ", ".join(sorted(self._fields[name].string for name in field_names))
            if field_names
            else self.env._("deleted")
        )
        raise AccessError(
            self.env._(
                "%(lines)s of ticket %(ticket)s: evidence of how the incident "
                "was run cannot be changed (%(what)s); a helpdesk manager may "
                "delete it, which the ticket's chatter records.",
                lines=self._description,
                ticket=", ".join(self.ticket_id.mapped("display_name")),
                what=what,
            )
        )

    def _log_evidence_deletion(self):
        """A note on each ticket naming what is deleted, and by whom."""
        for ticket in self.ticket_id:
            lines = self.filtered(lambda line, t=ticket: line.ticket_id == t)
            ticket._message_log(
                body=self.env._(
                    "%(user)s deleted %(what)s: %(lines)s",
                    user=self.env.user.name,
                    what=self._description,
                    lines="; ".join(line._evidence_label() for line in lines),
                ),
                author_id=self.env.user.partner_id.id,
            )
