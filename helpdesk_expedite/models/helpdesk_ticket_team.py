from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL


class HelpdeskTicketTeam(models.Model):
    _inherit = "helpdesk.ticket.team"

    expedite_ticket_count = fields.Integer(
        string="Open Major Incidents", compute="_compute_incident_counts"
    )
    update_overdue_ticket_count = fields.Integer(
        string="Customer Updates Overdue", compute="_compute_incident_counts"
    )
    expedite_wip_limit = fields.Integer(
        string="Expedite WIP Limit",
        default=1,
        help="How many Expedite incidents the team works on at once. Above it "
        "the board and the chatter warn; nothing is blocked.",
    )
    expedite_wip_exceeded = fields.Boolean(compute="_compute_expedite_wip_exceeded")
    auto_link_reports = fields.Boolean(
        string="Link Matching Reports Automatically",
        default=False,
        groups="helpdesk_mgmt.group_helpdesk_user_own",
        help="A new ticket of this team whose service or error matches an open "
        "Expedite incident published on the status page (same company) is "
        "linked to it at once, and its customer gets a short answer pointing to "
        "the status page and his ticket instead of the usual acknowledgement. "
        "Off: the ticket shows the suggestion to link it.",
    )

    @api.depends("ticket_ids.class_of_service", "ticket_ids.stage_id")
    def _compute_incident_counts(self):
        """Both counters of all the teams on the board in one grouped query,
        under the user's record rules."""
        counts = self._count_open_expedite_tickets()
        for team in self:
            team.expedite_ticket_count, team.update_overdue_ticket_count = counts.get(
                team.id, (0, 0)
            )

    def _count_open_expedite_tickets(self):
        """{team id: (open Expedite tickets, of which update overdue)}."""
        if not self.ids:
            return {}
        Ticket = self.env["helpdesk.ticket"]
        query = Ticket._search(
            [
                ("team_id", "in", self.ids),
                ("class_of_service", "=", "expedite"),
                ("stage_id.closed", "=", False),
            ]
        )
        team_id = SQL.identifier(query.table, "team_id")
        deadline = SQL.identifier(query.table, "next_update_deadline")
        rows = self.env.execute_query(
            SQL(
                "SELECT %s, COUNT(*), COUNT(*) FILTER (WHERE %s < %s) "
                "FROM %s WHERE %s GROUP BY %s",
                team_id,
                deadline,
                fields.Datetime.now(),
                query.from_clause,
                query.where_clause,
                team_id,
            )
        )
        return {team: (open_count, overdue) for team, open_count, overdue in rows}

    @api.depends("expedite_ticket_count", "expedite_wip_limit")
    def _compute_expedite_wip_exceeded(self):
        for team in self:
            team.expedite_wip_exceeded = bool(team.expedite_wip_limit) and (
                team.expedite_ticket_count > team.expedite_wip_limit
            )

    @api.constrains("expedite_wip_limit")
    def _check_expedite_wip_limit(self):
        if any(team.expedite_wip_limit < 0 for team in self):
            raise ValidationError(
                self.env._("The Expedite WIP limit cannot be negative.")
            )

    def _warn_if_over_expedite_limit(self, tickets):
        """A note on each of ``tickets`` (the team's new Expedite incidents)
        when the team now runs more Expedite incidents than its limit: a
        warning, not a block. The team is counted once for all of them."""
        team = self.sudo()
        if not team or not team.expedite_wip_limit or not tickets:
            return
        team.invalidate_recordset(["expedite_ticket_count"])
        if team.expedite_ticket_count > team.expedite_wip_limit:
            body = self.env._(
                "Team %(team)s now runs %(count)s Expedite incidents, over its "
                "limit of %(limit)s: consider swarming on one at a time.",
                team=team.name,
                count=team.expedite_ticket_count,
                limit=team.expedite_wip_limit,
            )
            tickets._message_log_batch({ticket.id: body for ticket in tickets})
