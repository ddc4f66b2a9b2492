"""The customer's confirmation, the closure gate and the closing summary."""

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from ...lib import incident
from ..constants import (
    AGENT_CONFIRMATION_CHANNELS,
    AGENT_GROUP,
    CONFIRMATION_CHANNELS,
    MANAGER_GROUP,
)
from ..lifecycle_guard import incident_action, system_write
from ..public_method import Choice

# precommit data: the tickets whose closing summary went out in this
# transaction (the stage's own closing mail would be a second one)
SUMMARY_SENT = "helpdesk_expedite.closure_summary_sent"


class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"

    customer_confirmed = fields.Boolean(readonly=True, copy=False, tracking=True)
    customer_confirmed_date = fields.Datetime(readonly=True, copy=False)
    customer_confirmation_channel = fields.Selection(
        CONFIRMATION_CHANNELS,
        readonly=True,
        copy=False,
    )
    closure_override_reason = fields.Text(
        copy=False,
        groups=AGENT_GROUP,
        help="Helpdesk managers only: close an Expedite ticket although the "
        "closure checklist is incomplete.",
    )

    @api.model
    def _get_guarded_fields(self):
        return super()._get_guarded_fields() | {
            "customer_confirmed",
            "customer_confirmed_date",
            "customer_confirmation_channel",
        }

    @incident_action(channel=Choice(AGENT_CONFIRMATION_CHANNELS))
    def action_confirm_resolution(self, channel="agent"):
        """Record the customer's confirmation, received by ``channel`` (email,
        phone, teams, or agent); customers confirm on the portal."""
        self._confirm_resolution(channel, self.env.user.partner_id)
        return True

    def _confirm_resolution(self, channel, author):
        """The confirmation itself, by ``author`` (a partner); closes the
        tickets whose monitoring has passed."""
        for ticket in self:
            if not ticket._is_resolved():
                raise UserError(
                    self.env._(
                        "Ticket %s is not resolved yet: the customer can confirm "
                        "once a fix is in place.",
                        ticket.display_name,
                    )
                )
        for ticket in self.filtered(lambda t: not t.customer_confirmed):
            with system_write():
                ticket.write(
                    {
                        "customer_confirmed": True,
                        "customer_confirmed_date": fields.Datetime.now(),
                        "customer_confirmation_channel": channel,
                    }
                )
            ticket.message_post(
                body=self.env._("The customer confirmed that the service works again."),
                subtype_xmlid="mail.mt_note",
                author_id=author.id,
            )
            if ticket.monitoring_state == "passed" and not ticket.closed:
                ticket.action_close()

    def _is_resolved(self):
        self.ensure_one()
        return bool(self.resolved_date) and self.monitoring_state in (
            "running",
            "passed",
        )

    @incident_action
    def action_close(self):
        """Move the tickets to their closing stage, through the closure gate."""
        for ticket in self.filtered(lambda t: not t.closed):
            ticket.write({"stage_id": ticket._get_closing_stage().id})
        return True

    def _get_closure_missing_items(self):
        self.ensure_one()
        return self._describe_missing(incident.TO_CLOSE)

    def _check_closure_allowed(self, vals):
        problems = []
        for ticket in self:
            if vals.get("closure_override_reason") or ticket.closure_override_reason:
                continue
            missing = ticket._get_closure_missing_items()
            if missing:
                problems.append(
                    self.env._(
                        "%(ticket)s is missing: %(missing)s",
                        ticket=ticket.display_name,
                        missing=", ".join(missing),
                    )
                )
        if problems:
            raise UserError(
                self.env._(
                    "An Expedite ticket closes only when its incident is fully "
                    "handled.\n%s\nA helpdesk manager can close it anyway by "
                    "giving a closure override reason.",
                    "\n".join(problems),
                )
            )

    def _check_closure_override_allowed(self, vals):
        if (
            "closure_override_reason" in vals
            and not self.env.su
            and not self.env.user.has_group(MANAGER_GROUP)
        ):
            raise AccessError(
                self.env._("Only helpdesk managers can override the closure checks.")
            )

    def _on_incident_closed(self):
        self.env.cr.precommit.data.setdefault(SUMMARY_SENT, set()).update(self.ids)
        for ticket in self:
            if ticket.closure_override_reason:
                ticket.message_post(
                    body=self.env._(
                        "Closed by %(user)s despite missing items: %(missing)s. "
                        "Reason: %(reason)s",
                        user=self.env.user.name,
                        missing=", ".join(ticket._get_closure_missing_items())
                        or self.env._("none"),
                        reason=ticket.closure_override_reason,
                    ),
                    subtype_xmlid="mail.mt_note",
                )
            ticket._add_status_update(
                ticket._for_customer().env._(
                    "The incident is closed. Thank you for your patience."
                ),
                kind="closure",
            )
            ticket._send_customer_mail(
                "helpdesk_expedite.mail_template_closure_summary"
            )
            ticket._close_linked_tickets()

    def _track_template(self, changes):
        """A ticket closed with its closing summary gets no other closing
        mail: helpdesk_mgmt's stage mail ("The ticket ... has been closed",
        in English) would be a second one."""
        res = super()._track_template(changes)
        if "stage_id" in res and self[:1].id in self.env.cr.precommit.data.get(
            SUMMARY_SENT, ()
        ):
            del res["stage_id"]
        return res
