from odoo import api, fields, models

from ..models.public_method import public_method
from .notification import notify_and_close


class HelpdeskTicketEscalationWizard(models.TransientModel):
    """Choose where to escalate and read the note before it goes."""

    _name = "helpdesk.ticket.escalation.wizard"
    _inherit = ["helpdesk.expedite.wizard.mixin"]
    _description = "Escalate a Ticket"

    ticket_id = fields.Many2one("helpdesk.ticket", required=True, ondelete="cascade")
    company_id = fields.Many2one(related="ticket_id.company_id", compute_sudo=False)
    target_id = fields.Many2one(
        "helpdesk.escalation.target",
        string="Escalate To",
        required=True,
        compute="_compute_target_id",
        store=True,
        readonly=False,
        precompute=True,
        compute_sudo=False,
        domain="[('company_id', '=', company_id)]",
    )
    channel = fields.Selection(related="target_id.channel", compute_sudo=False)
    summary = fields.Text(compute="_compute_summary", string="Note")

    @api.depends("ticket_id")
    def _compute_target_id(self):
        Target = self.env["helpdesk.escalation.target"]
        for wizard in self:
            wizard.target_id = Target._get_default_target(wizard.ticket_id.company_id)

    @api.depends("ticket_id")
    def _compute_summary(self):
        for wizard in self:
            wizard.summary = (
                wizard.ticket_id._get_escalation_summary() if wizard.ticket_id else ""
            )

    @public_method(access="read", single=True)
    def action_escalate(self):
        self.ensure_one()
        self.ticket_id.action_escalate(target_id=self.target_id.id)
        escalation = self.ticket_id.escalation_ids.sorted("id")[-1:]
        queued = {
            "email": self.env._("queued for sending by email"),
            "teams": self.env._("queued for Microsoft Teams"),
        }
        outcome = {
            "sent": self.env._("sent by email"),
            "queued": queued.get(escalation.channel),
            "failed": self.env._("not delivered: %s", escalation.last_error or ""),
        }.get(escalation.state, escalation.state)
        return notify_and_close(
            self.env._(
                "Escalated to %(target)s: %(outcome)s.",
                target=self.target_id.name,
                outcome=outcome,
            ),
            "danger" if escalation.state == "failed" else "success",
        )
