from odoo import fields, models

from ..models.public_method import public_method
from .notification import notify_and_close


class HelpdeskTicketMonitoringWizard(models.TransientModel):
    _name = "helpdesk.ticket.monitoring.wizard"
    _inherit = ["helpdesk.expedite.wizard.mixin"]
    _description = "Log a Monitoring Check"

    ticket_id = fields.Many2one("helpdesk.ticket", required=True, ondelete="cascade")
    success_rate = fields.Float(string="Success Rate (%)", default=100.0)
    timeout_errors = fields.Integer()
    manual_test_ok = fields.Boolean(string="Manual Test OK", default=True)
    recurrence = fields.Boolean(string="Incident Recurred")
    note = fields.Text()

    @public_method(access="read", single=True)
    def action_log(self):
        self.ensure_one()
        self.ticket_id.action_log_monitoring(
            self.success_rate,
            timeout_errors=self.timeout_errors,
            manual_test_ok=self.manual_test_ok,
            recurrence=self.recurrence,
            note=self.note,
        )
        ticket = self.ticket_id
        state = dict(
            ticket._fields["monitoring_state"]._description_selection(self.env)
        )
        return notify_and_close(
            self.env._(
                "Check logged. Post-fix monitoring: %s.",
                state[ticket.monitoring_state],
            ),
            "danger" if ticket.monitoring_state == "failed" else "success",
        )
