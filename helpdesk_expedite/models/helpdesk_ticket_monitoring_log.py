from odoo import api, fields, models
from odoo.exceptions import ValidationError


class HelpdeskTicketMonitoringLog(models.Model):
    """One observation during the post-fix monitoring window."""

    _name = "helpdesk.ticket.monitoring.log"
    _description = "Helpdesk Ticket Monitoring Check"
    _order = "ticket_id, check_date desc, id desc"

    ticket_id = fields.Many2one(
        "helpdesk.ticket", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(
        related="ticket_id.company_id", store=True, precompute=True
    )
    check_date = fields.Datetime(required=True, default=fields.Datetime.now)
    success_rate = fields.Float(string="Success Rate (%)", required=True)
    timeout_errors = fields.Integer(default=0)
    manual_test_ok = fields.Boolean(string="Manual Test OK", default=True)
    recurrence = fields.Boolean(help="The incident happened again.")
    note = fields.Text()
    source = fields.Selection(
        [("manual", "Manual"), ("webhook", "Webhook")],
        default="manual",
        required=True,
    )
    user_id = fields.Many2one(
        "res.users", string="Logged By", default=lambda self: self.env.user
    )

    @api.constrains("success_rate", "timeout_errors")
    def _check_values(self):
        for log in self:
            if not 0 <= log.success_rate <= 100:
                raise ValidationError(
                    self.env._(
                        "The success rate must be between 0 and 100, not %s.",
                        log.success_rate,
                    )
                )
            if log.timeout_errors < 0:
                raise ValidationError(
                    self.env._(
                        "The number of timeout errors cannot be negative (%s).",
                        log.timeout_errors,
                    )
                )
