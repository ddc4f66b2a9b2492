from odoo import api, fields, models


class HelpdeskTicketCorrectiveAction(models.Model):
    _name = "helpdesk.ticket.corrective.action"
    _description = "Helpdesk Ticket Corrective Action"
    _order = "ticket_id, sequence, id"

    ticket_id = fields.Many2one(
        "helpdesk.ticket", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(
        related="ticket_id.company_id", store=True, precompute=True
    )
    sequence = fields.Integer(default=10)
    name = fields.Char(string="Action", required=True)
    done = fields.Boolean()
    done_date = fields.Datetime(readonly=True)
    user_id = fields.Many2one(
        "res.users", string="Done By", default=lambda self: self.env.user
    )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("done") and not vals.get("done_date"):
                vals["done_date"] = fields.Datetime.now()
        return super().create(vals_list)

    def write(self, vals):
        if "done" in vals:
            vals["done_date"] = fields.Datetime.now() if vals["done"] else False
        return super().write(vals)
