"""Delivery shared by the channels: sending by email, a failed attempt, retried
with back-off or failed for good (the assignee alerted), and the commit
that records each outcome."""

import logging
import threading
from datetime import timedelta

from odoo import fields, models

from ...lib import retry

_logger = logging.getLogger(__name__)


class HelpdeskTicketEscalation(models.Model):
    _inherit = "helpdesk.ticket.escalation"

    def _send_email(self):
        self.ensure_one()
        template = self.env.ref("helpdesk_expedite.mail_template_escalation")
        template.send_mail(self.id)
        self.write(
            {
                "state": "sent",
                "sent_date": fields.Datetime.now(),
                "attempt_count": self.attempt_count + 1,
                "next_attempt_date": False,
                "last_error": False,
            }
        )

    def _record_failure(self, attempt, error, retry_after=None):
        error = self._redact_webhook_url(error)
        _logger.warning("Teams escalation %s attempt %s: %s", self.id, attempt, error)
        if attempt >= retry.MAX_ATTEMPTS:
            self.write(
                {
                    "state": "failed",
                    "attempt_count": attempt,
                    "next_attempt_date": False,
                    "last_error": error,
                }
            )
            return self.ticket_id._alert_assignee(
                self.env._("Escalation to %s failed", self.target_id.name),
                self.env._(
                    "The escalation could not be delivered after %(count)s "
                    "attempts. Last error: %(error)s",
                    count=attempt,
                    error=error,
                ),
            )
        delay = retry.next_delay(attempt, retry_after)
        return self.write(
            {
                "attempt_count": attempt,
                "next_attempt_date": fields.Datetime.now() + timedelta(seconds=delay),
                "last_error": error,
            }
        )

    def _commit_if_allowed(self):
        """Commit each delivery so a later crash cannot post a card twice."""
        if not getattr(threading.current_thread(), "testing", False):
            self.env.cr.commit()  # pylint: disable=invalid-commit
