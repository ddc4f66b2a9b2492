from odoo import fields, models


class HelpdeskTicketCorrectiveAction(models.Model):
    _name = "helpdesk.ticket.corrective.action"
    _inherit = ["helpdesk.ticket.line.mixin"]
    _description = "Helpdesk Ticket Corrective Action"
    _order = "ticket_id, sequence, id"
    _guarded_fields = frozenset({"done_date"})

    sequence = fields.Integer(default=10)
    name = fields.Char(string="Action", required=True)
    done = fields.Boolean()
    done_date = fields.Datetime(readonly=True)
    user_id = fields.Many2one(
        "res.users", string="Done By", default=lambda self: self.env.user
    )

    def _with_system_values(self, vals):
        if "done" not in vals:
            return vals
        return {**vals, "done_date": fields.Datetime.now() if vals["done"] else False}
