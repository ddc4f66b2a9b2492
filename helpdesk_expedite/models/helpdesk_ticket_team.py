from odoo import api, fields, models


class HelpdeskTicketTeam(models.Model):
    _inherit = "helpdesk.ticket.team"

    expedite_ticket_count = fields.Integer(
        string="Open Major Incidents", compute="_compute_incident_counts"
    )
    update_overdue_ticket_count = fields.Integer(
        string="Customer Updates Overdue", compute="_compute_incident_counts"
    )

    @api.depends("ticket_ids.class_of_service", "ticket_ids.stage_id")
    def _compute_incident_counts(self):
        """Counted in two grouped queries for all the teams on the board."""
        Ticket = self.env["helpdesk.ticket"]
        base = [("team_id", "in", self.ids), ("class_of_service", "=", "expedite")]
        open_counts = dict(
            Ticket._read_group(
                base + [("stage_id.closed", "=", False)], ["team_id"], ["__count"]
            )
        )
        overdue_counts = dict(
            Ticket._read_group(
                base + [("update_overdue", "=", True)], ["team_id"], ["__count"]
            )
        )
        for team in self:
            team.expedite_ticket_count = open_counts.get(team, 0)
            team.update_overdue_ticket_count = overdue_counts.get(team, 0)
