from odoo import api, fields, models

from ..models.public_method import public_method
from .notification import notify_and_close


class HelpdeskTicketMajorIncidentWizard(models.TransientModel):
    _name = "helpdesk.ticket.major.incident.wizard"
    _inherit = ["helpdesk.expedite.wizard.mixin"]
    _description = "Link Tickets to a Major Incident"

    ticket_ids = fields.Many2many(
        "helpdesk.ticket",
        string="Tickets",
        default=lambda self: self._default_ticket_ids(),
    )
    company_id = fields.Many2one("res.company", compute="_compute_company_id")
    major_incident_id = fields.Many2one(
        "helpdesk.ticket",
        string="Major Incident",
        required=True,
        domain="[('class_of_service', '=', 'expedite'), ('closed', '=', False), "
        "('major_incident_id', '=', False), ('company_id', '=', company_id), "
        "('id', 'not in', ticket_ids)]",
    )

    @api.model
    def _default_ticket_ids(self):
        context = self.env.context
        if context.get("active_model") != "helpdesk.ticket":
            return False
        ids = context.get("active_ids") or []
        return [fields.Command.set([i for i in ids if isinstance(i, int)])]

    @api.depends("ticket_ids")
    def _compute_company_id(self):
        for wizard in self:
            wizard.company_id = wizard.ticket_ids.company_id[:1]

    @public_method(access="read", single=True)
    def action_link(self):
        self.ensure_one()
        self.ticket_ids.action_link_to_major_incident(self.major_incident_id.id)
        return notify_and_close(
            self.env._(
                "%(count)s ticket(s) linked to %(major)s: its customer updates "
                "now reach their customers and its closing resolves them.",
                count=len(self.ticket_ids),
                major=self.major_incident_id.display_name,
            )
        )
