from odoo import api, fields, models

from ..models.public_method import public_method
from .notification import notify_and_close


class HelpdeskTicketStatusUpdateWizard(models.TransientModel):
    _name = "helpdesk.ticket.status.update.wizard"
    _inherit = ["helpdesk.expedite.wizard.mixin"]
    _description = "Send a Customer Update"

    ticket_id = fields.Many2one("helpdesk.ticket", required=True, ondelete="cascade")
    body = fields.Text(
        string="Update",
        required=True,
        compute="_compute_body",
        store=True,
        precompute=True,
        readonly=False,
        compute_sudo=False,
        help="Sent to the customer and the executives, and shown on the portal.",
    )
    is_public = fields.Boolean(
        string="Also on the Status Page",
        default=True,
        help="Shown on the public status page while the incident is published. "
        "Clear it for an update meant for the customer only.",
    )
    status_published = fields.Boolean(related="ticket_id.status_published")
    recipient_ids = fields.Many2many(
        "res.partner", compute="_compute_recipient_ids", string="Recipients"
    )

    @api.depends("ticket_id")
    def _compute_body(self):
        for wizard in self:
            wizard.body = (
                wizard.ticket_id._get_phase_update_text() if wizard.ticket_id else ""
            )

    @api.depends("ticket_id")
    def _compute_recipient_ids(self):
        for wizard in self:
            wizard.recipient_ids = (
                wizard.ticket_id._get_incident_recipients()
                if wizard.ticket_id
                else False
            )

    @public_method(access="read", single=True)
    def action_send(self):
        self.ensure_one()
        self.ticket_id.action_post_status_update(self.body, is_public=self.is_public)
        return notify_and_close(
            self.env._(
                "Update sent to %(count)s recipients; the next one is due by %(due)s.",
                count=len(self.recipient_ids),
                due=self.ticket_id.next_update_deadline
                and fields.Datetime.context_timestamp(
                    self, self.ticket_id.next_update_deadline
                ).strftime("%H:%M")
                or "-",
            ),
        )
