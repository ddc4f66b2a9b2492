from odoo import fields, models


class HelpdeskTicketStatusUpdate(models.Model):
    """A customer-facing update, as shown on the portal incident panel."""

    _name = "helpdesk.ticket.status.update"
    _inherit = ["helpdesk.ticket.line.mixin"]
    _description = "Helpdesk Ticket Customer Update"
    _order = "date desc, id desc"
    # what the customer was sent: written by action_post_status_update only
    _guarded_fields = frozenset({"date", "body", "kind", "author_id"})

    date = fields.Datetime(required=True, default=fields.Datetime.now)
    body = fields.Text(required=True)
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
