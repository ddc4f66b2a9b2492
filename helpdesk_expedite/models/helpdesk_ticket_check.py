from odoo import fields, models


class HelpdeskTicketCheck(models.Model):
    """One line of a ticket's investigation checklist."""

    _name = "helpdesk.ticket.check"
    _inherit = ["helpdesk.ticket.line.mixin"]
    _description = "Helpdesk Ticket Investigation Check"
    _order = "ticket_id, sequence, id"
    _guarded_fields = frozenset({"checked_by_id", "checked_date"})

    name = fields.Char(string="Check", required=True)
    sequence = fields.Integer(default=10)
    description = fields.Text()
    state = fields.Selection(
        [
            ("pending", "Pending"),
            ("ok", "OK"),
            ("issue_found", "Issue Found"),
            ("not_applicable", "Not Applicable"),
        ],
        default="pending",
        required=True,
    )
    result = fields.Text()
    checked_by_id = fields.Many2one("res.users", string="Checked By", readonly=True)
    checked_date = fields.Datetime(readonly=True)

    def _with_system_values(self, vals):
        """Who checked and when, each time the state changes."""
        if "state" not in vals:
            return vals
        if vals["state"] == "pending":
            return {**vals, "checked_by_id": False, "checked_date": False}
        return {
            **vals,
            "checked_by_id": self.env.uid,
            "checked_date": fields.Datetime.now(),
        }
