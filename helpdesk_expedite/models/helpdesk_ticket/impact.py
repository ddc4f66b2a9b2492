"""Impact scope: who is affected, how badly, who is watching."""

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..company_links import check_same_company
from ..constants import AGENT_GROUP, INCIDENT_DETAILS


class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"

    # Lines are for helpdesk users; customers see them through the portal.
    impact_line_ids = fields.One2many(
        "helpdesk.ticket.impact.line",
        "ticket_id",
        string="Impact Scope",
        groups=AGENT_GROUP,
    )
    affected_user_count = fields.Integer(
        string="Affected Users",
        compute="_compute_impact_totals",
        store=True,
        tracking=True,
    )
    affected_group_count = fields.Integer(
        string="Affected Groups", compute="_compute_impact_totals", store=True
    )
    failure_rate = fields.Float(
        string="Failure Rate (%)", tracking=True, help="Percent of attempts failing."
    )
    error_message = fields.Char(help="The text users saw.")
    affected_service = fields.Char(help="e.g. Exam submission service")
    critical_activity_blocked = fields.Boolean(
        tracking=True, help="A critical business activity is blocked, e.g. exams."
    )
    executive_partner_ids = fields.Many2many(
        "res.partner",
        "helpdesk_ticket_executive_partner_rel",
        "ticket_id",
        "partner_id",
        string="Executive Stakeholders",
        groups=AGENT_GROUP,
    )
    executive_involved = fields.Boolean(
        compute="_compute_executive_involved",
        store=True,
        readonly=False,
        tracking=True,
        groups=AGENT_GROUP,
    )
    business_impact = fields.Text(groups=AGENT_GROUP, prefetch=INCIDENT_DETAILS)
    deadline = fields.Datetime(tracking=True, help="A fixed date the work must meet.")

    @api.model
    def _get_guarded_fields(self):
        return super()._get_guarded_fields() | {
            "affected_user_count",
            "affected_group_count",
        }

    @api.constrains("failure_rate")
    def _check_failure_rate(self):
        for ticket in self:
            if not 0 <= ticket.failure_rate <= 100:
                raise ValidationError(
                    self.env._(
                        "The failure rate is a percentage between 0 and 100, not %s.",
                        ticket.failure_rate,
                    )
                )

    @api.constrains("company_id", "executive_partner_ids")
    def _check_executive_companies(self):
        check_same_company(self, "executive_partner_ids")

    @api.depends("impact_line_ids.affected_users")
    def _compute_impact_totals(self):
        for ticket in self:
            ticket.affected_user_count = sum(
                ticket.impact_line_ids.mapped("affected_users")
            )
            ticket.affected_group_count = len(ticket.impact_line_ids)

    @api.depends("executive_partner_ids")
    def _compute_executive_involved(self):
        for ticket in self:
            ticket.executive_involved = bool(ticket.executive_partner_ids)
