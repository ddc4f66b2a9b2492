import hmac
import json
import math
import threading
import time

from odoo import SUPERUSER_ID, http
from odoo.exceptions import UserError, ValidationError
from odoo.http import request

MAX_BODY_BYTES = 4096
MAX_NOTE_CHARS = 2000
MAX_TIMEOUT_ERRORS = 2**31 - 1  # the column is a PostgreSQL integer
RATE_LIMIT_COUNT = 30  # posts per ticket ...
RATE_LIMIT_WINDOW = 60  # ... per this many seconds
ALLOWED_FIELDS = frozenset(
    {"success_rate", "timeout_errors", "manual_test_ok", "recurrence", "note"}
)
_recent_posts = {}
_recent_posts_lock = threading.Lock()


class MonitoringFeedController(http.Controller):
    """Lets a monitoring system feed a ticket's post-fix watch.

    ``POST /helpdesk_expedite/monitoring/<ticket id>`` with a JSON object
    ``{"success_rate": 100, "timeout_errors": 0, "manual_test_ok": true,
    "recurrence": false, "note": "..."}`` and the ticket's secret token in
    the ``X-Monitoring-Token`` header (or a ``"token"`` key). Answers JSON:
    201 when the check is logged, 4xx with ``{"ok": false, "error": ...}``
    otherwise; nothing is written on an error.
    """

    @http.route(
        "/helpdesk_expedite/monitoring/<int:ticket_id>",
        type="http",
        auth="none",
        methods=["POST"],
        csrf=False,
        save_session=False,
        # auth="none" routes get a read-only cursor by default in Odoo 18.
        readonly=False,
    )
    def monitoring_feed(self, ticket_id, **kw):
        raw, error = self._read_body()
        if error:
            return error
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
        # The route is auth="none": act as the system user, which records
        # the check and may post to the chatter.
        env = request.env(user=SUPERUSER_ID, su=True)
        ticket = env["helpdesk.ticket"].browse(ticket_id).exists()
        if not ticket or not self._token_matches(token, ticket.monitoring_token):
            # Same answer for unknown tickets and bad tokens: no probing.
            return self._error(404, "Unknown ticket or wrong token.")
        if self._rate_limited(ticket.id):
            return self._error(429, "Too many checks for this ticket; slow down.")
        try:
            values = self._parse_check(payload)
        except ValueError as error:
            return self._error(400, str(error))
        if not ticket.active or ticket.closed or ticket.monitoring_state != "running":
            return self._error(409, "This ticket is not being monitored.")
        try:
            ticket.action_log_monitoring(source="webhook", **values)
        except (UserError, ValidationError) as error:
            request.env.cr.rollback()
            return self._error(400, str(error.args[0] if error.args else error))
        return request.make_json_response(
            {"ok": True, "monitoring_state": ticket.monitoring_state}, status=201
        )

    @classmethod
    def _read_body(cls):
        """The raw body, or an error response when it is too large."""
        httprequest = request.httprequest
        if (httprequest.content_length or 0) > MAX_BODY_BYTES:
            return None, cls._error(413, f"Body larger than {MAX_BODY_BYTES} bytes.")
        # Werkzeug reads no more than the announced Content-Length. Keep the
        # body cached: Odoo replays the request on a concurrency error.
        raw = httprequest.get_data(cache=True)
        if len(raw) > MAX_BODY_BYTES:
            return None, cls._error(413, f"Body larger than {MAX_BODY_BYTES} bytes.")
        return raw, None

    @staticmethod
    def _token_matches(given, expected):
        if not given or not expected or not isinstance(given, str):
            return False
        # Compare bytes: compare_digest refuses non-ASCII str.
        return hmac.compare_digest(given.encode(), expected.encode())

    @staticmethod
    def _parse_check(payload):
        unknown = set(payload) - ALLOWED_FIELDS
        if unknown:
            raise ValueError(f"Unknown fields: {', '.join(sorted(unknown))}.")
        rate = payload.get("success_rate")
        if (
            isinstance(rate, bool)
            or not isinstance(rate, int | float)
            or not math.isfinite(rate)
            or not 0 <= rate <= 100
        ):
            raise ValueError("success_rate must be a number from 0 to 100.")
        timeouts = payload.get("timeout_errors", 0)
        if (
            isinstance(timeouts, bool)
            or not isinstance(timeouts, int)
            or not 0 <= timeouts <= MAX_TIMEOUT_ERRORS
        ):
            raise ValueError("timeout_errors must be a whole number >= 0.")
        values = {"success_rate": float(rate), "timeout_errors": timeouts}
        for flag in ("manual_test_ok", "recurrence"):
            if flag in payload:
                if not isinstance(payload[flag], bool):
                    raise ValueError(f"{flag} must be true or false.")
                values[flag] = payload[flag]
        note = payload.get("note")
        if note is not None:
            if not isinstance(note, str):
                raise ValueError("note must be a string.")
            if len(note) > MAX_NOTE_CHARS:
                raise ValueError(f"note must be at most {MAX_NOTE_CHARS} characters.")
            # PostgreSQL text cannot hold NUL characters.
            values["note"] = note.replace("\x00", "")
        return values

    @staticmethod
    def _rate_limited(ticket_id):
        """A per-process sliding window: enough to stop a runaway sender."""
        now = time.monotonic()
        with _recent_posts_lock:
            recent = [
                t
                for t in _recent_posts.get(ticket_id, ())
                if now - t < RATE_LIMIT_WINDOW
            ]
            limited = len(recent) >= RATE_LIMIT_COUNT
            if not limited:
                recent.append(now)
            _recent_posts[ticket_id] = recent
            if len(_recent_posts) > 1000:
                # Forget tickets that have been quiet for a whole window.
                for key in [
                    key
                    for key, times in _recent_posts.items()
                    if not times or now - times[-1] >= RATE_LIMIT_WINDOW
                ]:
                    del _recent_posts[key]
        return limited

    @staticmethod
    def _error(status, message):
        return request.make_json_response(
            {"ok": False, "error": message}, status=status
        )
