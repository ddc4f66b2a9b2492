import hmac
import json

from psycopg2.errors import LockNotAvailable

from odoo import SUPERUSER_ID, http
from odoo.exceptions import UserError, ValidationError
from odoo.http import request

from ..lib import monitoring
from ..models.constants import FEED_ROUTE
from ..models.db_locks import bounded_lock_wait

MAX_BODY_BYTES = 4096
RATE_LIMIT_COUNT = 120  # posts per ticket (a check a second fits) ...
RATE_LIMIT_WINDOW = 60  # ... per this many seconds
FAILED_LIMIT_COUNT = 20  # unknown ticket or wrong token, per client address ...
BODY_KEY = "helpdesk_expedite.feed_body"


def _input_stream():
    """The request's body stream. Odoo's request wrapper offers only
    ``get_data()``, which reads a chunked body whole; the werkzeug request
    it wraps lets the body be read up to a limit."""
    return request.httprequest._HTTPRequest__wrapped.stream


class MonitoringFeedController(http.Controller):
    """Lets a monitoring system feed a ticket's post-fix watch.

    ``POST /helpdesk_expedite/monitoring/<ticket id>`` with a JSON object
    ``{"success_rate": 100, "timeout_errors": 0, "manual_test_ok": true,
    "recurrence": false, "note": "..."}`` and the ticket's secret token in
    the ``X-Monitoring-Token`` header (or a ``"token"`` key). Answers JSON:
    201 when the check is logged, 4xx with ``{"ok": false, "error": ...}``
    otherwise; nothing is written on an error. Rate limits are counted in
    the database, so they hold across workers and servers.
    """

    @http.route(
        f"{FEED_ROUTE}/<int:ticket_id>",
        type="http",
        auth="none",
        methods=["POST"],
        csrf=False,
        save_session=False,
        # auth="none" routes get a read-only cursor by default in Odoo 18.
        readonly=False,
    )
    def monitoring_feed(self, ticket_id, **kw):
        raw = self._read_body()
        if raw is None:
            return self._error(413, f"Body larger than {MAX_BODY_BYTES} bytes.")
        try:
            payload = json.loads(raw or b"null")
        except (ValueError, RecursionError):
            return self._error(400, "Body is not valid JSON.")
        if not isinstance(payload, dict):
            return self._error(400, "Body must be a JSON object.")
        # Always take the token out of the payload, so that it is never
        # mistaken for a check field (or stored in the note).
        body_token = payload.pop("token", None)
        token = request.httprequest.headers.get("X-Monitoring-Token") or body_token
        try:
            with bounded_lock_wait(request.env.cr):
                return self._log_check(ticket_id, token, payload)
        except LockNotAvailable:
            response = self._error(503, "The ticket is busy; try again shortly.")
            response.headers["Retry-After"] = "10"
            return response

    def _log_check(self, ticket_id, token, payload):
        ticket, refusal = self._authorized_ticket(ticket_id, token)
        if refusal:
            return refusal
        try:
            values = monitoring.parse_check(payload)
        except ValueError as error:
            return self._error(400, str(error))
        if not ticket.active or ticket.closed or ticket.monitoring_state != "running":
            return self._error(409, "This ticket is not being monitored.")
        try:
            with request.env.cr.savepoint():
                ticket._log_monitoring(values, source="webhook")
        except (UserError, ValidationError) as error:
            return self._error(400, str(error.args[0] if error.args else error))
        return request.make_json_response(
            {"ok": True, "monitoring_state": ticket.monitoring_state}, status=201
        )

    def _authorized_ticket(self, ticket_id, token):
        """(ticket, None) for the right token within its rate limit, else
        (None, error response). Failed attempts are limited per address."""
        # The route is auth="none": act as the system user, which records
        # the check and may post to the chatter.
        env = request.env(user=SUPERUSER_ID, su=True)
        Throttle = env["helpdesk.expedite.throttle"]
        ticket = env["helpdesk.ticket"].browse(ticket_id).exists()
        if not ticket or not self._token_matches(token, ticket.monitoring_token):
            wait = Throttle._hit(
                f"feed-failed:{request.httprequest.remote_addr}",
                FAILED_LIMIT_COUNT,
                RATE_LIMIT_WINDOW,
            )
            if wait:
                return None, self._too_many(
                    wait, "Too many failed attempts; slow down."
                )
            # Same answer for unknown tickets and bad tokens: no probing.
            return None, self._error(404, "Unknown ticket or wrong token.")
        wait = Throttle._hit(f"feed:{ticket.id}", RATE_LIMIT_COUNT, RATE_LIMIT_WINDOW)
        if wait:
            return None, self._too_many(
                wait, "Too many checks for this ticket; slow down."
            )
        return ticket, None

    @staticmethod
    def _read_body():
        """The raw body, or None when it is larger than allowed.

        Reads at most one byte more than allowed, also for a chunked body
        without Content-Length. The body is kept in the request's environ:
        Odoo replays the request after a serialization failure.
        """
        httprequest = request.httprequest
        environ = httprequest.environ
        if BODY_KEY not in environ:
            if (httprequest.content_length or 0) > MAX_BODY_BYTES:
                environ[BODY_KEY] = None
            else:
                raw = _input_stream().read(MAX_BODY_BYTES + 1)
                environ[BODY_KEY] = raw if len(raw) <= MAX_BODY_BYTES else None
        return environ[BODY_KEY]

    @staticmethod
    def _token_matches(given, expected):
        if not given or not expected or not isinstance(given, str):
            return False
        # Compare bytes: compare_digest refuses non-ASCII str.
        return hmac.compare_digest(given.encode(), expected.encode())

    @classmethod
    def _too_many(cls, wait, message):
        response = cls._error(429, message)
        response.headers["Retry-After"] = str(wait)
        return response

    @staticmethod
    def _error(status, message):
        return request.make_json_response(
            {"ok": False, "error": message}, status=status
        )
