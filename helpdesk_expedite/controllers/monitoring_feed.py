import hmac
import json
import time

from odoo import http
from odoo.exceptions import UserError, ValidationError
from odoo.http import request

MAX_BODY_BYTES = 4096
RATE_LIMIT_COUNT = 30  # posts per ticket ...
RATE_LIMIT_WINDOW = 60  # ... per this many seconds
_recent_posts = {}


class MonitoringFeedController(http.Controller):
    """Lets a monitoring system feed a ticket's post-fix watch."""

    @http.route(
        "/helpdesk_expedite/monitoring/<int:ticket_id>",
        type="http",
        auth="none",
        methods=["POST"],
        csrf=False,
        save_session=False,
    )
    def monitoring_feed(self, ticket_id, **kw):
        raw = request.httprequest.get_data(cache=False, as_text=False)
        if len(raw) > MAX_BODY_BYTES:
            return self._error(413, "Body larger than %s bytes." % MAX_BODY_BYTES)
        try:
            payload = json.loads(raw or b"null")
        except ValueError:
            return self._error(400, "Body is not valid JSON.")
        if not isinstance(payload, dict):
            return self._error(400, "Body must be a JSON object.")
        token = request.httprequest.headers.get("X-Monitoring-Token") or payload.pop(
            "token", None
        )
        env = request.env(su=True)
        ticket = env["helpdesk.ticket"].browse(ticket_id).exists()
        if not ticket or not token or not hmac.compare_digest(
            str(token), ticket.monitoring_token or ""
        ):
            # Same answer for unknown tickets and bad tokens: no probing.
            return self._error(404, "Unknown ticket or wrong token.")
        if self._rate_limited(ticket_id):
            return self._error(429, "Too many checks for this ticket; slow down.")
        try:
            values = self._parse_check(payload)
        except ValueError as error:
            return self._error(400, str(error))
        if ticket.closed or ticket.monitoring_state != "running":
            return self._error(409, "This ticket is not being monitored.")
        try:
            ticket.action_log_monitoring(source="webhook", **values)
        except (UserError, ValidationError) as error:
            request.env.cr.rollback()
            return self._error(400, str(error.args[0] if error.args else error))
        return request.make_json_response(
            {"ok": True, "monitoring_state": ticket.monitoring_state}, status=201
        )

    @staticmethod
    def _parse_check(payload):
        allowed = {"success_rate", "timeout_errors", "manual_test_ok", "recurrence", "note"}
        unknown = set(payload) - allowed
        if unknown:
            raise ValueError("Unknown fields: %s." % ", ".join(sorted(unknown)))
        rate = payload.get("success_rate")
        if isinstance(rate, bool) or not isinstance(rate, int | float):
            raise ValueError("success_rate must be a number from 0 to 100.")
        if not 0 <= rate <= 100:
            raise ValueError("success_rate must be a number from 0 to 100.")
        timeouts = payload.get("timeout_errors", 0)
        if isinstance(timeouts, bool) or not isinstance(timeouts, int) or timeouts < 0:
            raise ValueError("timeout_errors must be a whole number >= 0.")
        values = {"success_rate": float(rate), "timeout_errors": timeouts}
        for flag in ("manual_test_ok", "recurrence"):
            if flag in payload:
                if not isinstance(payload[flag], bool):
                    raise ValueError("%s must be true or false." % flag)
                values[flag] = payload[flag]
        note = payload.get("note")
        if note is not None:
            if not isinstance(note, str):
                raise ValueError("note must be a string.")
            values["note"] = note[:2000]
        return values

    @staticmethod
    def _rate_limited(ticket_id):
        """A per-process sliding window: enough to stop a runaway sender."""
        now = time.monotonic()
        recent = [t for t in _recent_posts.get(ticket_id, []) if now - t < RATE_LIMIT_WINDOW]
        limited = len(recent) >= RATE_LIMIT_COUNT
        if not limited:
            recent.append(now)
        _recent_posts[ticket_id] = recent
        return limited

    @staticmethod
    def _error(status, message):
        return request.make_json_response({"ok": False, "error": message}, status=status)
