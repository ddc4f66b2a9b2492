from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import format_datetime

from .public_method import ValuesList, public_method


class HelpdeskTicketMonitoringLog(models.Model):
    """One observation during the post-fix monitoring window."""

    _name = "helpdesk.ticket.monitoring.log"
    _inherit = ["helpdesk.ticket.line.mixin"]
    _description = "Helpdesk Ticket Monitoring Check"
    _order = "ticket_id, check_date desc, id desc"
    # when and by whom are recorded, not given; a logged check is evidence
    # of the verdict, so only its note can change afterwards
    _guarded_fields = frozenset({"check_date", "source", "user_id"})
    _fixed_fields = frozenset(
        {"ticket_id", "success_rate", "timeout_errors", "manual_test_ok", "recurrence"}
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

    @public_method(vals_list=ValuesList())
    @api.model_create_multi
    def create(self, vals_list):
        logs = super().create(vals_list)
        not_running = logs.ticket_id.filtered(
            lambda ticket: ticket.monitoring_state != "running"
        )
        if not_running:
            raise UserError(
                self.env._(
                    "Ticket %s is not being monitored: mark it resolved first.",
                    ", ".join(not_running.mapped("display_name")),
                )
            )
        logs.ticket_id._evaluate_monitoring()
        return logs

    def _evidence(self):
        return self  # the verdict is drawn from them

    def _evidence_label(self):
        self.ensure_one()
        return self.env._(
            "check of %(date)s: %(rate)s %% success, %(timeouts)s timeout errors, "
            "manual test %(manual)s%(recurrence)s",
            date=format_datetime(self.env, self.check_date),
            rate=self.success_rate,
            timeouts=self.timeout_errors,
            manual=self.env._("passed")
            if self.manual_test_ok
            else self.env._("failed"),
            recurrence=self.env._(", recurrence") if self.recurrence else "",
        )
