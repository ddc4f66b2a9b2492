from odoo import fields, models


class HelpdeskTicketStatusUpdate(models.Model):
    """A customer-facing update, as shown on the portal incident panel."""

    _name = "helpdesk.ticket.status.update"
    _description = "Helpdesk Ticket Customer Update"
    _order = "date desc, id desc"

    ticket_id = fields.Many2one(
        "helpdesk.ticket", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(
        related="ticket_id.company_id", store=True, precompute=True
    )
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
