"""Escalation to the team that can fix it, with a structured summary."""

from odoo import api, fields, models
from odoo.exceptions import UserError

from ...lib import escalation_summary
from ..constants import AGENT_GROUP
from ..lifecycle_guard import incident_action
from ..public_method import Record


class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"

    escalated_date = fields.Datetime(readonly=True, copy=False, groups=AGENT_GROUP)
    escalation_ids = fields.One2many(
        "helpdesk.ticket.escalation",
        "ticket_id",
        string="Escalations",
        groups=AGENT_GROUP,
    )
    escalation_count = fields.Integer(
        compute="_compute_escalation_count", groups=AGENT_GROUP
    )

    @api.model
    def _get_guarded_fields(self):
        return super()._get_guarded_fields() | {"escalated_date"}

    @api.depends("escalation_ids")
    def _compute_escalation_count(self):
        for ticket in self:
            ticket.escalation_count = len(ticket.escalation_ids)

    @incident_action(target_id=Record("helpdesk.escalation.target", required=False))
    def action_escalate(self, target_id=None):
        """Escalate each ticket to ``target_id``, or the company's first target."""
        closed = self.filtered("closed")
        if closed:
            raise UserError(
                self.env._(
                    "These tickets are closed and cannot be escalated: %s.",
                    ", ".join(closed.mapped("display_name")),
                )
            )
        # every ticket's target is checked before anything is sent
        escalations = self.env["helpdesk.ticket.escalation"].create(
            [
                ticket._prepare_escalation_vals(
                    ticket._get_escalation_target(target_id)
                )
                for ticket in self
            ]
        )
        escalations.action_send()
        now = fields.Datetime.now()
        self.filtered(lambda t: not t.escalated_date).write({"escalated_date": now})
        for escalation in escalations:
            escalation.ticket_id.message_post(
                body=self.env._(
                    "Escalated to %(target)s by %(channel)s.",
                    target=escalation.target_id.name,
                    channel=dict(
                        escalation._fields["channel"]._description_selection(self.env)
                    )[escalation.channel],
                ),
                subtype_xmlid="mail.mt_note",
            )
        return True

    def _get_escalation_target(self, target_id):
        """``target_id`` if it is an active target of the ticket's company the
        user can read, else the company's first target; ready to send."""
        self.ensure_one()
        Target = self.env["helpdesk.escalation.target"]
        if target_id:
            target = Target.search([("id", "=", target_id)])
            if target.company_id != self.company_id:
                raise UserError(
                    self.env._(
                        "Escalation target %(target)s is not one of %(company)s's "
                        "targets: choose an active target of the ticket's company.",
                        target=target_id,
                        company=self.company_id.name,
                    )
                )
        else:
            target = Target._get_default_target(self.company_id)
        if not target:
            raise UserError(
                self.env._(
                    "No escalation target is configured for %s: add one "
                    "under Helpdesk › Configuration › Escalation Targets.",
                    self.company_id.name,
                )
            )
        target._check_channel_configuration()
        return target

    def _prepare_escalation_vals(self, target):
        self.ensure_one()
        return {
            "ticket_id": self.id,
            "target_id": target.id,
            "summary": self._get_escalation_summary(),
        }

    def _get_escalation_summary(self):
        self.ensure_one()
        return escalation_summary.compose_summary(
            self._get_incident_snapshot(), self.env._
        )

    def _get_incident_snapshot(self):
        self.ensure_one()
        return escalation_summary.IncidentSnapshot(
            reference=self.number or "",
            title=self.name or "",
            customer=self.partner_id.display_name or self.partner_name or "",
            class_of_service=self._get_selection_label("class_of_service"),
            affected_service=self.affected_service or "",
            groups=tuple(
                escalation_summary.ImpactGroup(
                    line.name, line.affected_users, line.location or ""
                )
                for line in self.impact_line_ids
            ),
            total_users=self.affected_user_count,
            failure_rate=self.failure_rate,
            error_message=self.error_message or "",
            critical_activity_blocked=self.critical_activity_blocked,
            executives=tuple(self.executive_partner_ids.mapped("name")),
            business_impact=self.business_impact or "",
            url=self._get_backend_url(),
        )

    def _get_backend_url(self):
        base = self.get_base_url()
        return f"{base}/odoo/helpdesk.ticket/{self.id}"
