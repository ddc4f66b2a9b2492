from odoo import api, fields, models
from odoo.tools import format_datetime

from .constants import STATUS_PHASES
from .public_method import Values, ValuesList, public_method

# what the public status page shows of an update
PUBLIC_FIELDS = frozenset({"is_public", "body", "date", "public_status"})


class HelpdeskTicketStatusUpdate(models.Model):
    """A customer-facing update, as shown on the portal incident panel."""

    _name = "helpdesk.ticket.status.update"
    _inherit = ["helpdesk.ticket.line.mixin"]
    _description = "Helpdesk Ticket Customer Update"
    _order = "date desc, id desc"
    # what the customer was sent: written by action_post_status_update only
    _guarded_fields = frozenset(
        {"date", "body", "kind", "author_id", "deadline", "public_status"}
    )

    date = fields.Datetime(required=True, default=fields.Datetime.now)
    body = fields.Text(required=True)
    deadline = fields.Datetime(
        readonly=True,
        help="When this update was promised (the ticket's next update due "
        "when it was sent); empty for the acknowledgement and the closure.",
    )
    kind = fields.Selection(
        [
            ("acknowledgement", "Acknowledgement"),
            ("update", "Status Update"),
            ("resolution", "Resolution"),
            ("closure", "Closure"),
        ],
        default="update",
        required=True,
    )
    author_id = fields.Many2one("res.users", default=lambda self: self.env.user)
    is_public = fields.Boolean(
        string="On the Status Page",
        default=True,
        help="Shown on the public status page while the incident is published. "
        "Clear it for an update meant for the customer only.",
    )
    # the incident's public phase when the update was posted
    public_status = fields.Selection(
        STATUS_PHASES,
        string="Public Phase",
        compute="_compute_public_status",
        store=True,
        precompute=True,
        readonly=True,
    )

    @api.depends("ticket_id")
    def _compute_public_status(self):
        for update in self:
            update.public_status = (
                update.ticket_id.sudo().status_phase if update.ticket_id else False
            )

    @public_method(vals_list=ValuesList())
    @api.model_create_multi
    def create(self, vals_list):
        updates = super().create(vals_list)
        tickets = updates.ticket_id
        tickets._status_page_touch()
        public = updates.filtered("is_public")
        for ticket in tickets.sudo().filtered("status_published"):
            posted = public.filtered(lambda update, t=ticket: update.ticket_id == t)
            if posted:
                ticket._on_status_public_update(posted)
        return updates

    @public_method(vals=Values())
    def write(self, vals):
        result = super().write(vals)
        if PUBLIC_FIELDS & vals.keys():
            self.ticket_id._status_page_touch()
        return result

    @public_method()
    def unlink(self):
        tickets = self.ticket_id
        result = super().unlink()
        tickets.exists()._status_page_touch()
        return result

    def _evidence(self):
        return self  # sent when created

    def _evidence_label(self):
        self.ensure_one()
        kinds = dict(self._fields["kind"]._description_selection(self.env))
        return f"{kinds[self.kind]} ({format_datetime(self.env, self.date)})"
