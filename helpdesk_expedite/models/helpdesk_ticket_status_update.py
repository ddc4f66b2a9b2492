from odoo import fields, models
from odoo.tools import format_datetime


class HelpdeskTicketStatusUpdate(models.Model):
    """A customer-facing update, as shown on the portal incident panel."""

    _name = "helpdesk.ticket.status.update"
    _inherit = ["helpdesk.ticket.line.mixin"]
    _description = "Helpdesk Ticket Customer Update"
    _order = "date desc, id desc"
    # what the customer was sent: written by action_post_status_update only
    _guarded_fields = frozenset({"date", "body", "kind", "author_id", "deadline"})

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

    def _evidence(self):
        return self  # sent when created

    def _evidence_label(self):
        self.ensure_one()
        kinds = dict(self._fields["kind"]._description_selection(self.env))
        return f"{kinds[self.kind]} ({format_datetime(self.env, self.date)})"
