"""The stages an incident moves through (in progress, closing) and the
timeline of its milestones."""

from odoo import models
from odoo.exceptions import UserError

from ...lib import incident


class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"

    def _find_closing_stage(self):
        """The team's "Done" stage, else its first closed one (may be none)."""
        self.ensure_one()
        stages = self.team_id._get_applicable_stages().filtered("closed")
        done = self.env.ref(
            "helpdesk_mgmt.helpdesk_ticket_stage_done", raise_if_not_found=False
        )
        return done if done in stages else stages[:1]

    def _get_closing_stage(self):
        self.ensure_one()
        stage = self._find_closing_stage()
        if not stage:
            raise UserError(
                self.env._("No closed stage is available for %s.", self.display_name)
            )
        return stage

    def _get_in_progress_stage(self):
        self.ensure_one()
        stages = self.team_id._get_applicable_stages()
        in_progress = self.env.ref(
            "helpdesk_mgmt.helpdesk_ticket_stage_in_progress",
            raise_if_not_found=False,
        )
        if in_progress in stages:
            return in_progress
        open_stages = stages.filtered(lambda s: not s.closed and not s.unattended)
        return open_stages[:1] or self.stage_id

    def _get_report_base_filename(self):
        """Name of the review's PDF (the portal's download uses it)."""
        self.ensure_one()
        return self.env._("Incident review %s", self.number or self.id)

    def _get_customer_timeline(self):
        """The milestones a customer may see (not the internal escalation)."""
        internal = {self.env._("Escalated")}
        return [
            step for step in self._get_incident_timeline() if step[0] not in internal
        ]

    def _get_incident_timeline(self):
        """(label, date, minutes since report) of each milestone reached."""
        self.ensure_one()
        milestones = [
            (self.env._("Reported"), self.create_date),
            (self.env._("Acknowledged"), self.acknowledged_date),
            (self.env._("Escalated"), self.escalated_date),
            (self.env._("Resolved"), self.resolved_date),
            (self.env._("Monitoring ended"), self.monitoring_end_date),
            (self.env._("Customer confirmed"), self.customer_confirmed_date),
            (self.env._("Closed"), self.closed_date if self.closed else False),
        ]
        return [
            (label, date, round(incident.minutes_between(self.create_date, date)))
            for label, date in milestones
            if date
        ]
