"""Investigation checklist, root cause, corrective actions, the fix."""

import secrets
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError

from ...lib import incident
from ..constants import AGENT_GROUP, INCIDENT_DETAILS
from ..lifecycle_guard import incident_action


class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"

    # Internal investigation data: helpdesk users only, never the customer
    # (portal users and internal users may read their own tickets).
    check_ids = fields.One2many(
        "helpdesk.ticket.check",
        "ticket_id",
        string="Investigation Checks",
        groups=AGENT_GROUP,
    )
    findings = fields.Html(sanitize=True, groups=AGENT_GROUP, prefetch=INCIDENT_DETAILS)
    preliminary_assessment = fields.Text(groups=AGENT_GROUP, prefetch=INCIDENT_DETAILS)
    root_cause_category_id = fields.Many2one(
        "helpdesk.root.cause.category",
        tracking=True,
        groups=AGENT_GROUP,
    )
    root_cause = fields.Text()
    corrective_action_ids = fields.One2many(
        "helpdesk.ticket.corrective.action",
        "ticket_id",
        string="Corrective Actions",
        groups=AGENT_GROUP,
    )
    resolution_summary = fields.Text()
    resolved_date = fields.Datetime(readonly=True, copy=False)

    @api.model
    def _get_guarded_fields(self):
        return super()._get_guarded_fields() | {"resolved_date"}

    @incident_action
    def action_add_default_checks(self):
        self._add_default_checks()
        return True

    def _add_default_checks(self):
        templates = self.env["helpdesk.check.template"].search(
            ["|", ("company_id", "=", False), ("company_id", "in", self.company_id.ids)]
        )
        values = []
        for ticket in self:
            existing = set(ticket.check_ids.mapped("name"))
            values += [
                ticket._prepare_check_vals(template)
                for template in templates
                if template._applies_to(ticket) and template.name not in existing
            ]
        return self.env["helpdesk.ticket.check"].create(values)

    def _prepare_check_vals(self, template):
        return {
            "ticket_id": self.id,
            "name": template.name,
            "sequence": template.sequence,
            "description": template.description,
        }

    @incident_action
    def action_mark_resolved(self):
        """Record the fix and start the post-fix monitoring window."""
        for ticket in self:
            missing = ticket._get_resolution_missing_items()
            if missing:
                raise UserError(
                    self.env._(
                        "Ticket %(ticket)s cannot be marked resolved yet. "
                        "Missing: %(missing)s.",
                        ticket=ticket.display_name,
                        missing=", ".join(missing),
                    )
                )
        stage = self.env.ref("helpdesk_expedite.helpdesk_ticket_stage_monitoring")
        self.filtered(lambda t: not t.monitoring_token).write(
            {"monitoring_token": secrets.token_urlsafe(24)}
        )
        for ticket in self:
            now = fields.Datetime.now()
            ticket.write(
                {
                    "resolved_date": now,
                    "monitoring_end_date": now
                    + timedelta(minutes=ticket.monitoring_window),
                    "monitoring_state": "running",
                    "customer_confirmed": False,
                    "customer_confirmed_date": False,
                    "customer_confirmation_channel": False,
                    "stage_id": stage.id,
                }
            )
            ticket.message_post(
                body=self.env._(
                    "Resolved: post-fix monitoring runs for %s minutes.",
                    ticket.monitoring_window,
                ),
                subtype_xmlid="mail.mt_note",
            )
        return True

    def _get_resolution_missing_items(self):
        self.ensure_one()
        return self._describe_missing(incident.TO_RESOLVE)

    def _describe_missing(self, required):
        """The items of ``required`` (lib.incident.TO_RESOLVE, TO_CLOSE) the
        ticket lacks, as words for a message."""
        labels = {
            incident.OPEN: self.env._("an open ticket"),
            incident.ROOT_CAUSE: self.env._("root cause"),
            incident.RESOLUTION_SUMMARY: self.env._("resolution summary"),
            incident.MONITORING_PASSED: self.env._("post-fix monitoring passed"),
            incident.CUSTOMER_CONFIRMED: self.env._("customer confirmation"),
        }
        missing = incident.missing_items(self._get_incident_state(), required)
        return [labels[item] for item in missing]
