from datetime import datetime, timedelta

from odoo import api, fields, models
from odoo.tools import SQL

EPOCH = datetime(1970, 1, 1)


class HelpdeskExpediteThrottle(models.Model):
    """Request counters per key and time window, shared by every worker and
    server on the database (a per-process counter lets N workers allow N
    times the limit)."""

    _name = "helpdesk.expedite.throttle"
    _description = "Helpdesk Expedite Rate Limit Counter"
    _log_access = False

    key = fields.Char(required=True, index=True)
    window_start = fields.Datetime(required=True)
    hits = fields.Integer(default=0)

    _sql_constraints = [
        ("key_window_unique", "UNIQUE(key, window_start)", "One counter per window.")
    ]

    @api.model
    def _hit(self, key, limit, window_seconds):
        """Count one request for ``key``; return the seconds to wait when the
        limit of the current window is exceeded, else 0."""
        now = fields.Datetime.now()
        elapsed = int((now - EPOCH).total_seconds())
        start = EPOCH + timedelta(seconds=elapsed - elapsed % window_seconds)
        hits = self.env.execute_query(
            SQL(
                "INSERT INTO helpdesk_expedite_throttle AS t (key, window_start, hits)"
                " VALUES (%s, %s, 1)"
                " ON CONFLICT (key, window_start) DO UPDATE SET hits = t.hits + 1"
                " RETURNING hits",
                key,
                start,
            )
        )[0][0]
        if hits <= limit:
            return 0
        return max(1, int((start - now).total_seconds()) + window_seconds)

    @api.autovacuum
    def _gc_old_windows(self):
        """Forget counters older than a day."""
        self.env.execute_query(
            SQL(
                "DELETE FROM helpdesk_expedite_throttle WHERE window_start < %s",
                fields.Datetime.now() - timedelta(days=1),
            )
        )
