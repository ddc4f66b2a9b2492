import logging
import secrets
import threading
from datetime import timedelta
from urllib.parse import urlencode, urlsplit

import requests

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, consteq
from odoo.tools.misc import hmac

from ..lib import ack_token, retry, teams_card, webhook_post
from .constants import ACK_LINK_HOURS_PARAM, ESCALATION_CHANNELS, TEAMS_TIMEOUT_PARAM
from .db_locks import skip_when_locked
from .lifecycle_guard import incident_action, system_write

_logger = logging.getLogger(__name__)

TEAMS_TIMEOUT = (5, 15)  # connect, read seconds
DELIVERY_BATCH = 20
# escalations whose cards are prepared together (then posted one by one)
DELIVERY_PREPARE = 20
MAX_REASON_CHARS = 80
MAX_ERROR_CHARS = 300
# Statuses whose Retry-After header tells when to try again.
RETRY_AFTER_STATUSES = (429, 503)
# the acknowledgement link: HMAC scope, route and default lifetime
ACK_SCOPE = "helpdesk_expedite.escalation_ack"
ACK_ROUTE = "/helpdesk_expedite/escalation/%s/acknowledge"
DEFAULT_ACK_LINK_HOURS = 24


def _new_nonce():
    return secrets.token_hex(16)


class HelpdeskTicketEscalation(models.Model):
    """An escalation of a ticket, and the outbox of its delivery."""

    _name = "helpdesk.ticket.escalation"
    _description = "Helpdesk Ticket Escalation"
    _inherit = ["helpdesk.ticket.line.mixin", "mail.thread"]
    _order = "create_date desc, id desc"
    _check_company_auto = True
    # the delivery's own record: set by sending, delivering, acknowledging
    _guarded_fields = frozenset(
        {
            "channel",
            "state",
            "sent_date",
            "acknowledged_date",
            "acknowledged_by_id",
            "acknowledged_by_name",
            "acknowledged_via",
            "acknowledge_nonce",
            "attempt_count",
            "next_attempt_date",
            "last_error",
        }
    )
    _fixed_fields = frozenset({"ticket_id", "target_id"})
    # what the target was sent
    _evidence_fields = frozenset({"summary"})

    target_id = fields.Many2one(
        "helpdesk.escalation.target",
        required=True,
        ondelete="restrict",
        check_company=True,
        domain="[('company_id', '=', company_id)]",
    )
    # the target's channel when the escalation was made (kept if it changes)
    channel = fields.Selection(
        ESCALATION_CHANNELS,
        required=True,
        compute="_compute_channel",
        store=True,
        precompute=True,
    )
    summary = fields.Text(required=True)
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("queued", "Queued"),
            ("sent", "Sent"),
            ("acknowledged", "Acknowledged"),
            ("failed", "Failed"),
        ],
        default="draft",
        required=True,
        tracking=True,
        index=True,
    )
    sent_date = fields.Datetime(readonly=True)
    acknowledged_date = fields.Datetime(readonly=True)
    acknowledged_by_id = fields.Many2one("res.users", readonly=True)
    # who acknowledged, as shown: the user's name, or the target's when the
    # link was used without logging in
    acknowledged_by_name = fields.Char(string="Acknowledger", readonly=True)
    acknowledged_via = fields.Selection(
        [("backend", "In Odoo"), ("link", "Acknowledgement link")],
        string="Acknowledged Through",
        readonly=True,
    )
    # part of every acknowledgement link's signature; a new one revokes the
    # links sent before (a resend makes one)
    acknowledge_nonce = fields.Char(
        copy=False, default=lambda self: _new_nonce(), groups="base.group_system"
    )
    response_time = fields.Float(
        string="Response Time (min)",
        compute="_compute_response_time",
        store=True,
        aggregator="avg",
        help="Minutes from sending to acknowledgement (0 until acknowledged).",
    )
    attempt_count = fields.Integer(readonly=True)
    next_attempt_date = fields.Datetime(readonly=True, index=True)
    last_error = fields.Text(readonly=True)

    @api.depends("target_id")
    def _compute_channel(self):
        for escalation in self:
            escalation.channel = escalation.target_id.channel

    @api.depends("sent_date", "acknowledged_date")
    def _compute_response_time(self):
        for escalation in self:
            start = escalation.sent_date or escalation.create_date
            end = escalation.acknowledged_date
            escalation.response_time = (
                (end - start).total_seconds() / 60 if start and end else 0.0
            )

    def _evidence(self):
        return self.filtered(lambda escalation: escalation.state != "draft")

    def _compute_display_name(self):
        for escalation in self:
            escalation.display_name = self.env._(
                "%(ticket)s to %(target)s",
                ticket=escalation.ticket_id.number,
                target=escalation.target_id.name,
            )

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    @incident_action
    def action_send(self):
        """Send by email now, or queue for Teams delivery after commit.

        Escalations already sent or acknowledged are left alone.
        """
        to_send = self.filtered(lambda e: e.state in ("draft", "queued", "failed"))
        for escalation in to_send.filtered(lambda e: e.channel == "email"):
            escalation._send_email()
        to_send.filtered(lambda e: e.channel == "teams")._queue_teams()
        return True

    @incident_action
    def action_mark_acknowledged(self):
        """Record that the target took the escalation: who, when, how fast."""
        return self._mark_acknowledged(self.env.user, "backend")

    def _mark_acknowledged(self, user, via):
        """Acknowledge as ``user`` (a res.users, may be empty or the public
        user: the target itself is then named), ``via`` "backend" or "link".
        The caller may write guarded fields (``system_write`` or superuser).
        """
        for escalation in self:
            if escalation.state not in ("sent", "queued", "failed"):
                raise UserError(
                    self.env._(
                        "Escalation %s has not been sent, it cannot be acknowledged.",
                        escalation.display_name,
                    )
                )
        known = user if user and not user._is_public() else user.browse()
        now = fields.Datetime.now()
        for escalation in self:
            escalation.write(
                {
                    "state": "acknowledged",
                    "acknowledged_date": now,
                    "acknowledged_by_id": known.id,
                    "acknowledged_by_name": known.name or escalation.target_id.name,
                    "acknowledged_via": via,
                    "next_attempt_date": False,
                }
            )
        for escalation in self:
            if via == "link":
                body = self.env._(
                    "%(who)s acknowledged the escalation to %(target)s through "
                    "its link (%(minutes)s min).",
                    who=escalation.acknowledged_by_name,
                    target=escalation.target_id.name,
                    minutes=round(escalation.response_time, 1),
                )
            else:
                body = self.env._(
                    "%(target)s acknowledged the escalation (%(minutes)s min).",
                    target=escalation.target_id.name,
                    minutes=round(escalation.response_time, 1),
                )
            escalation.ticket_id.message_post(
                body=body,
                subtype_xmlid="mail.mt_note",
                author_id=known.partner_id.id or None,
            )
        return True

    @incident_action
    def action_retry(self):
        """Send failed escalations again, with a fresh attempt budget."""
        failed = self.filtered(lambda e: e.state == "failed")
        failed.write({"attempt_count": 0, "last_error": False})
        # a new nonce: the links sent before stop working (the nonce is
        # readable by no user, hence sudo; write access was checked above)
        for escalation in failed.sudo():
            escalation.acknowledge_nonce = _new_nonce()
        return failed.action_send()

    # ------------------------------------------------------------------
    # Acknowledgement link
    # ------------------------------------------------------------------

    def _get_acknowledge_url(self):
        """Absolute URL of the one-click acknowledgement page, with a signed
        token that expires (setting helpdesk_expedite.escalation_ack_link_hours,
        24 by default) and works once."""
        self.ensure_one()
        path = ACK_ROUTE % self.id
        query = urlencode({"token": self._get_acknowledge_token()})
        return f"{self.get_base_url()}{path}?{query}"

    def _get_acknowledge_token(self, expires=None):
        """A token valid until ``expires`` (naive UTC datetime; default: now
        plus the link's lifetime)."""
        self.ensure_one()
        if expires is None:
            expires = fields.Datetime.now() + timedelta(
                hours=self._get_acknowledge_link_hours()
            )
        expiry = ack_token.timestamp(expires)
        return ack_token.make_token(expiry, self._sign_acknowledge(expiry))

    def _check_acknowledge_token(self, token):
        """ack_token.VALID, MALFORMED, INVALID or EXPIRED for ``token``."""
        self.ensure_one()
        if not self.sudo().acknowledge_nonce:
            return ack_token.INVALID
        return ack_token.check_token(
            token,
            ack_token.timestamp(fields.Datetime.now()),
            self._sign_acknowledge,
            consteq,
        )

    def _sign_acknowledge(self, expiry):
        nonce = self.sudo().acknowledge_nonce or ""
        return hmac(self.env(su=True), ACK_SCOPE, (self.id, int(expiry), nonce))

    def _get_acknowledge_link_hours(self):
        value = self.env["ir.config_parameter"].sudo().get_param(ACK_LINK_HOURS_PARAM)
        try:
            hours = float(value) if value else DEFAULT_ACK_LINK_HOURS
        except ValueError:
            return DEFAULT_ACK_LINK_HOURS
        return hours if 0 < hours <= 24 * 366 else DEFAULT_ACK_LINK_HOURS

    # ------------------------------------------------------------------
    # Delivery
    # ------------------------------------------------------------------

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
        one HTTP session serves the run."""
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
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)
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
        locked elsewhere are skipped."""
        domain = self._due_domain()
        if self:
            domain += [("id", "in", self.ids)]
        query = self._search(domain, order="next_attempt_date, id", limit=limit)
        rows = self.env.execute_query(SQL("%s FOR UPDATE SKIP LOCKED", query.select()))
        return self.browse([row[0] for row in rows])

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
            return self._record_failure(retry.MAX_ATTEMPTS, str(payload))
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
            return self.write(
                {
                    "state": "sent",
                    "sent_date": fields.Datetime.now(),
                    "attempt_count": attempt,
                    "next_attempt_date": False,
                    "last_error": False,
                }
            )
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
