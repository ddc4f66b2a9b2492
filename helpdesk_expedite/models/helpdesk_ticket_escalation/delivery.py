"""Delivery bookkeeping shared by the channels: an attempt that went
through, a failed attempt retried with back-off or failed for good (the
assignee alerted), and the commit that records each outcome."""

import logging
from datetime import timedelta

from odoo import fields, models

from ...lib import retry
from ..db_locks import commit_progress

_logger = logging.getLogger(__name__)


class HelpdeskTicketEscalation(models.Model):
    _inherit = "helpdesk.ticket.escalation"

    def _record_sent(self, attempt):
        """Attempt number ``attempt`` delivered the escalation."""
        self.ensure_one()
        return self.write(
            {
                "state": "sent",
                "sent_date": fields.Datetime.now(),
                "attempt_count": attempt,
                "next_attempt_date": False,
                "last_error": False,
            }
        )

    def _record_failure(self, attempt, error, retry_after=None, permanent=False):
        """Attempt number ``attempt`` failed with ``error``: tried again
        after the back-off (or ``retry_after`` seconds), unless the attempts
        are spent or the failure is ``permanent`` (sending the same thing
        again would fail again); the escalation then fails and whoever
        answers for the ticket is alerted."""
        self.ensure_one()
        error = self._redact_webhook_url(error)
        _logger.warning(
            "Escalation %s (%s) attempt %s: %s", self.id, self.channel, attempt, error
        )
        if permanent or attempt >= retry.MAX_ATTEMPTS:
            self.write(
                {
                    "state": "failed",
                    "attempt_count": attempt,
                    "next_attempt_date": False,
                    "last_error": error,
                }
            )
            return self._alert_delivery_failed(attempt, error, permanent)
        delay = retry.next_delay(attempt, retry_after)
        return self.write(
            {
                "attempt_count": attempt,
                "next_attempt_date": fields.Datetime.now() + timedelta(seconds=delay),
                "last_error": error,
            }
        )

    def _alert_delivery_failed(self, attempt, error, permanent):
        if permanent and attempt < retry.MAX_ATTEMPTS:
            note = self.env._(
                "The escalation could not be delivered: %(error)s. Sending it "
                "again would fail the same way: correct the cause, then retry "
                "the escalation, or reach the target another way.",
                error=error,
            )
        else:
            note = self.env._(
                "The escalation could not be delivered after %(count)s "
                "attempts. Last error: %(error)s",
                count=attempt,
                error=error,
            )
        return self.ticket_id._alert_assignee(
            self.env._("Escalation to %s failed", self.target_id.name), note
        )

    def _commit_if_allowed(self):
        """Commit each delivery so a later crash cannot post a card twice."""
        commit_progress(self.env)
