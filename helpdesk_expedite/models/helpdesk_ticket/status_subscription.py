"""The status page's subscribers hear of the published incidents: each
public update, and the latest one when an incident is published, is mailed
once to the subscribers of its components (models/helpdesk_status_mailing.py
does the mailing, in batches, after the agent's transaction)."""

from odoo import models


class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"

    def _on_status_published(self):
        result = super()._on_status_published()
        latest = self.env["helpdesk.ticket.status.update"]
        for ticket in self:
            latest |= ticket._get_status_public_updates()[:1]
        self.env["helpdesk.status.mailing"]._queue(latest)
        return result

    def _on_status_public_update(self, updates):
        result = super()._on_status_public_update(updates)
        self.env["helpdesk.status.mailing"]._queue(updates)
        return result
