"""Teams delivery: the outbox cron that posts Adaptive Cards after commit,
one locked escalation at a time, with timeouts, retries and back-off."""

import logging
from urllib.parse import urlsplit

import requests

from odoo import api, fields, models

from ...lib import retry, teams_card, webhook_post
from ..constants import TEAMS_TIMEOUT_PARAM
from ..db_locks import lock_rows, skip_when_locked
from ..lifecycle_guard import system_write

_logger = logging.getLogger(__name__)

TEAMS_TIMEOUT = (5, 15)  # connect, read seconds
DELIVERY_BATCH = 20
# escalations whose cards are prepared together (then posted one by one)
DELIVERY_PREPARE = 20
MAX_REASON_CHARS = 80
MAX_ERROR_CHARS = 300
# Statuses whose Retry-After header tells when to try again.
RETRY_AFTER_STATUSES = (429, 503)


class HelpdeskTicketEscalation(models.Model):
    _inherit = "helpdesk.ticket.escalation"

    def _queue_teams(self):
        if not self:
            return
        self.write(
            {
                "state": "queued",
                "next_attempt_date": fields.Datetime.now(),
                "last_error": False,
            }
        )
        # The trigger row lives in this transaction: the cron only runs, and
        # the card is only posted, once the escalation is committed.
        self.env.ref("helpdesk_expedite.ir_cron_escalation_delivery")._trigger()

    @api.model
    def _cron_deliver_escalations(self, batch_size=DELIVERY_BATCH):
        """Post due Teams escalations one at a time, each locked while it is
        posted and committed with its outcome: a crash can post again only
        the card that was in flight. The cards are prepared by groups, and
        one HTTP session serves the run. Email escalations due again (or
        whose mail's outcome is not recorded yet) are looked after first."""
        emailed = self._deliver_email_escalations(batch_size)
        self._commit_if_allowed()
        done = 0
        Target = self.env["helpdesk.escalation.target"]
        with webhook_post.WebhookPoster(Target._get_webhook_allowed_hosts()) as poster:
            while done < batch_size:
                due = self.search(
                    self._due_domain(),
                    order="next_attempt_date, id",
                    limit=min(DELIVERY_PREPARE, batch_size - done),
                )
                if not due:
                    break
                delivered = due._deliver_each(poster)
                if not delivered:
                    break  # all locked elsewhere: the next run catches up
                done += delivered
        remaining = self.search_count(self._due_domain())
        self.env["ir.cron"]._notify_progress(done=done + emailed, remaining=remaining)
        if not remaining:
            self._schedule_next_delivery()

    def _deliver_each(self, poster):
        """Lock, post and commit each of these escalations still due; how
        many were posted or failed."""
        # the cron's bookkeeping (queued -> sent) is no news for the chatter
        escalations = self.with_context(tracking_disable=True)
        payloads = escalations._prepare_teams_payloads()
        timeout = self._get_teams_timeout()
        done = 0
        for escalation in escalations:
            locked = self.browse()
            with skip_when_locked(self.env.cr, "Escalation delivery"):
                locked = escalation._lock_due_escalations(limit=1)
            if not locked:
                continue
            # read again under the lock: another worker may have tried it
            locked.invalidate_recordset(["state", "attempt_count"])
            # once posted, the outcome is recorded whatever the wait: a
            # rollback here would post the card a second time
            with system_write():
                escalation._deliver_teams(poster, payloads[escalation.id], timeout)
            self._commit_if_allowed()
            done += 1
        return done

    def _due_domain(self):
        return [
            ("state", "=", "queued"),
            ("channel", "=", "teams"),
            ("next_attempt_date", "<=", fields.Datetime.now()),
        ]

    def _lock_due_escalations(self, limit):
        """Due escalations (among these, when not empty), row-locked; rows
        another runner holds, or changed since this transaction began, are
        skipped."""
        domain = self._due_domain()
        if self:
            domain += [("id", "in", self.ids)]
        query = self._search(domain, order="next_attempt_date, id").select()
        self.env.flush_query(query)
        return self.browse(lock_rows(self.env.cr, self._table, query, limit))

    def _schedule_next_delivery(self):
        pending = self.search(
            [("state", "=", "queued"), ("channel", "=", "teams")],
            order="next_attempt_date",
            limit=1,
        )
        if pending.next_attempt_date:
            cron = self.env.ref("helpdesk_expedite.ir_cron_escalation_delivery")
            cron._trigger(at=pending.next_attempt_date)

    def _get_teams_timeout(self):
        """(connect, read) seconds, from setting helpdesk_expedite.teams_timeout."""
        value = self.env["ir.config_parameter"].sudo().get_param(TEAMS_TIMEOUT_PARAM)
        return retry.parse_timeout(value, TEAMS_TIMEOUT)

    def _prepare_teams_payload(self):
        self.ensure_one()
        return teams_card.build_payload(
            self.ticket_id._get_incident_snapshot(),
            self.env._,
            acknowledge_url=self._get_acknowledge_url(),
        )

    def _prepare_teams_payloads(self):
        """{escalation id: card payload, or the ValueError that prevents
        it}, the cards of all these escalations read together."""
        payloads = {}
        for escalation in self:
            try:
                payloads[escalation.id] = escalation._prepare_teams_payload()
            except ValueError as error:
                payloads[escalation.id] = error
        return payloads

    def _deliver_teams(self, poster=None, payload=None, timeout=None):
        """POST the card once; record success, or the failure and next try."""
        self.ensure_one()
        if self.state != "queued":
            return False
        if poster is None:
            Target = self.env["helpdesk.escalation.target"]
            with webhook_post.WebhookPoster(
                Target._get_webhook_allowed_hosts()
            ) as own_poster:
                return self._deliver_teams(own_poster, payload, timeout)
        attempt = self.attempt_count + 1
        if payload is None:
            try:
                payload = self._prepare_teams_payload()
            except ValueError as error:
                payload = error
        if isinstance(payload, ValueError):
            # no card can be built: trying again would fail the same way
            return self._record_failure(attempt, str(payload), permanent=True)
        url = (self.target_id.sudo().teams_webhook_url or "").strip()
        outcome = poster.post(url, payload, timeout or self._get_teams_timeout())
        if outcome.problem:
            return self._record_failure(
                attempt,
                self.target_id._describe_webhook_problem(
                    outcome.problem, outcome.detail
                ),
            )
        if outcome.error is not None:
            return self._record_failure(attempt, self._describe_error(outcome.error))
        if 200 <= outcome.status_code < 300:
            return self._record_sent(attempt)
        return self._record_rejection(attempt, outcome)

    def _record_rejection(self, attempt, outcome):
        """A reply other than 2xx: a failed attempt, retried when the
        server asks (Retry-After) or after the back-off."""
        retry_after = None
        if outcome.status_code in RETRY_AFTER_STATUSES:
            retry_after = retry.parse_retry_after(outcome.retry_after)
        reason = (outcome.reason or "")[:MAX_REASON_CHARS]
        return self._record_failure(
            attempt, f"HTTP {outcome.status_code} {reason}".strip(), retry_after
        )

    @staticmethod
    def _describe_error(error):
        if isinstance(error, requests.Timeout):
            return f"Timeout: {error}"[:MAX_ERROR_CHARS]
        return f"{type(error).__name__}: {error}"[:MAX_ERROR_CHARS]

    def _redact_webhook_url(self, text):
        """``text`` without the secret parts (path, query) of the webhook URL."""
        url = (self.target_id.sudo().teams_webhook_url or "").strip()
        if not url:
            return text
        parts = urlsplit(url)
        secrets = [url, parts.path, parts.query]
        try:
            secrets.append(requests.Request("POST", url).prepare().path_url)
        except requests.RequestException:
            _logger.debug("Cannot prepare the webhook URL of %s", self.target_id.id)
        for secret in sorted(filter(None, secrets), key=len, reverse=True):
            if len(secret) > 1:
                text = text.replace(secret, "[webhook URL]")
        return text
