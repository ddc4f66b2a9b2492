"""The watchdog: one alert per lapsed update deadline, and the alerts of
the other phases (recurrence, failed delivery) to whoever answers."""

from markupsafe import escape

from odoo import api, fields, models
from odoo.tools import format_datetime

from ..constants import AGENT_GROUP, CLASS_OF_SERVICE
from ..db_locks import skip_when_locked
from ..lifecycle_guard import system_write

WATCHDOG_BATCH = 100


class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"

    watchdog_notified_deadline = fields.Datetime(
        readonly=True,
        copy=False,
        help="Deadline whose lapse was already reported by the watchdog.",
        groups=AGENT_GROUP,
    )

    @api.model
    def _cron_update_watchdog(self, batch_size=WATCHDOG_BATCH):
        """Report lapsed update deadlines, and end monitoring windows."""
        tickets, remaining = self._lock_newly_overdue(batch_size)
        with system_write():
            for ticket in tickets:
                ticket._report_overdue_update()
        with skip_when_locked(self.env.cr, "Ending monitoring windows"):
            self._complete_monitoring_windows()
        self.env["ir.cron"]._notify_progress(done=len(tickets), remaining=remaining)

    def _newly_overdue_query(self):
        return """
            FROM helpdesk_ticket ticket
            JOIN helpdesk_ticket_stage stage ON stage.id = ticket.stage_id
            WHERE ticket.active
              AND ticket.class_of_service = 'expedite'
              AND NOT COALESCE(stage.closed, FALSE)
              AND ticket.next_update_deadline < %(now)s
              AND ticket.watchdog_notified_deadline
                  IS DISTINCT FROM ticket.next_update_deadline
        """

    def _lock_newly_overdue(self, limit):
        """Lock up to ``limit`` newly overdue tickets; skip rows other
        transactions hold, they are caught on the next run."""
        self.env.flush_all()
        params = {"now": fields.Datetime.now(), "limit": limit}
        self.env.cr.execute(
            "SELECT ticket.id "
            + self._newly_overdue_query()
            + " ORDER BY ticket.next_update_deadline, ticket.id"
            " LIMIT %(limit)s FOR UPDATE OF ticket SKIP LOCKED",
            params,
        )
        ids = [row[0] for row in self.env.cr.fetchall()]
        self.env.cr.execute("SELECT count(*) " + self._newly_overdue_query(), params)
        remaining = max(self.env.cr.fetchone()[0] - len(ids), 0)
        return self.browse(ids), remaining

    def _report_overdue_update(self):
        self.ensure_one()
        leader = self.team_id.user_id
        tz = leader.tz or self.user_id.tz or "UTC"
        due = format_datetime(
            self.env, self.next_update_deadline, tz=tz, dt_format="short"
        )
        self.write({"watchdog_notified_deadline": self.next_update_deadline})
        self._alert_assignee(
            self.env._("Customer update overdue"),
            self.env._(
                "The customer update promised for %(due)s (%(tz)s) has not been sent.",
                due=due,
                tz=tz,
            ),
            activity_type="helpdesk_expedite.mail_activity_type_update_overdue",
        )
        self.message_post(
            body=self.env._(
                "Customer update overdue since %(due)s (%(tz)s) on this %(cos)s "
                "ticket.",
                due=due,
                tz=tz,
                cos=dict(CLASS_OF_SERVICE)[self.class_of_service],
            ),
            subtype_xmlid="mail.mt_note",
            partner_ids=leader.partner_id.ids,
        )

    def _alert_assignee(self, summary, note, activity_type=None):
        """One activity for whoever answers for the ticket."""
        self.ensure_one()
        user = self.user_id or self.team_id.user_id or self.env.user
        return self.activity_schedule(
            activity_type or "helpdesk_expedite.mail_activity_type_incident_alert",
            summary=summary,
            note=escape(note),
            user_id=user.id,
        )
