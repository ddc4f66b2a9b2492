from odoo import api, fields, models


class HelpdeskTicketCheck(models.Model):
    """One line of a ticket's investigation checklist."""

    _name = "helpdesk.ticket.check"
    _description = "Helpdesk Ticket Investigation Check"
    _order = "ticket_id, sequence, id"

    ticket_id = fields.Many2one(
        "helpdesk.ticket", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(
        related="ticket_id.company_id", store=True, precompute=True
    )
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

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("state", "pending") != "pending":
                vals.update(self._prepare_checked_vals())
        return super().create(vals_list)

    def write(self, vals):
        if "state" in vals:
            if vals["state"] == "pending":
                vals.update(checked_by_id=False, checked_date=False)
            else:
                vals.update(self._prepare_checked_vals())
        return super().write(vals)

    def _prepare_checked_vals(self):
        return {"checked_by_id": self.env.uid, "checked_date": fields.Datetime.now()}
