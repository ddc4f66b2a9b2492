"""The watchdog: one alert per lapsed update deadline, and the alerts of
the other phases (recurrence, failed delivery) to whoever answers."""

from datetime import timedelta

from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.tools import SQL, format_datetime

from ...lib import mail_failure
from ..constants import AGENT_GROUP
from ..db_locks import lock_ids, lock_rows
from ..lifecycle_guard import system_write

WATCHDOG_BATCH = 100
# failed ticket mails are queued again for this long after they were made
MAIL_REQUEUE_HOURS = 24
REQUEUE_FAILURE_TYPES = (*sorted(mail_failure.TRANSIENT_TYPES), "unknown")


class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"

    watchdog_notified_deadline = fields.Datetime(
        readonly=True,
        copy=False,
        help="Deadline whose lapse was already reported by the watchdog.",
        groups=AGENT_GROUP,
    )

    @api.model
    def _get_guarded_fields(self):
        return super()._get_guarded_fields() | {"watchdog_notified_deadline"}

    @api.model
    def _cron_update_watchdog(self, batch_size=WATCHDOG_BATCH):
        """Report lapsed update deadlines, and end monitoring windows."""
        tickets, remaining = self._lock_newly_overdue(batch_size)
        with system_write():
            tickets._report_overdue_updates()
        self._complete_monitoring_windows()
        self._requeue_mail_after_smtp_outage()
        self.env["ir.cron"]._notify_progress(done=len(tickets), remaining=remaining)

    def _requeue_mail_after_smtp_outage(self):
        """Queue again the ticket mails whose failure was transient (the
        mail server unreachable, a timeout, a temporary 4xx refusal): never
        delivered, so never sent twice; Odoo leaves them failed for good and
        the customer would never get them. A permanent failure (a header
        with a line break, a refused address) would fail again: it stays
        failed, shown on the ticket. Mails older than MAIL_REQUEUE_HOURS
        are left to a person too."""
        since = fields.Datetime.now() - timedelta(hours=MAIL_REQUEUE_HOURS)
        notifications = (
            self.env["mail.notification"]
            .sudo()
            .search(
                [
                    ("notification_type", "=", "email"),
                    ("notification_status", "=", "exception"),
                    ("failure_type", "in", REQUEUE_FAILURE_TYPES),
                    ("mail_message_id.model", "=", self._name),
                    ("mail_mail_id.state", "=", "exception"),
                    ("mail_mail_id.create_date", ">=", since),
                ],
                limit=WATCHDOG_BATCH * 10,
            )
        ).filtered(
            lambda n: mail_failure.is_transient(n.failure_type, n.failure_reason)
        )
        if notifications:
            # the mail queue or another watchdog may have them: skip those
            mails = notifications.mail_mail_id
            mails.browse(lock_ids(self.env.cr, "mail_mail", mails.ids)).mark_outgoing()
            self.env.ref("mail.ir_cron_mail_scheduler_action")._trigger()

    def _newly_overdue_query(self, select, now):
        return SQL(
            """
            SELECT %s
            FROM helpdesk_ticket
            JOIN helpdesk_ticket_stage stage
              ON stage.id = helpdesk_ticket.stage_id
            WHERE helpdesk_ticket.active
              AND helpdesk_ticket.class_of_service = 'expedite'
              AND NOT COALESCE(stage.closed, FALSE)
              AND helpdesk_ticket.next_update_deadline < %s
              AND helpdesk_ticket.watchdog_notified_deadline
                  IS DISTINCT FROM helpdesk_ticket.next_update_deadline
            """,
            select,
            now,
        )

    def _lock_newly_overdue(self, limit):
        """Lock up to ``limit`` newly overdue tickets; skip those another
        transaction holds or changed since this one began (another runner
        has them), they are caught on the next run if still due."""
        self.env.flush_all()
        cr, now = self.env.cr, fields.Datetime.now()
        cr.execute(self._newly_overdue_query(SQL("count(*)"), now))
        due = cr.fetchone()[0]
        if not due:
            return self.browse(), 0
        query = SQL(
            "%s ORDER BY helpdesk_ticket.next_update_deadline, helpdesk_ticket.id",
            self._newly_overdue_query(SQL("helpdesk_ticket.id"), now),
        )
        ids = lock_rows(cr, self._table, query, limit)
        return self.browse(ids), max(due - len(ids), 0)

    def _report_overdue_updates(self):
        """Per ticket, one activity for its assignee and one note to its
        team leader, once per overdue period. Done in batch, with one
        digest notification per person instead of one mail per activity
        and per note: a few queries per run and per person notified, about
        two per ticket."""
        if not self:
            return
        self._mark_overdue_reported()
        alerts, notes, digests = [], {}, {}
        for ticket in self:
            summary, text, note = ticket._get_overdue_texts()
            alerts.append((ticket, summary, text))
            leader = ticket.team_id.user_id
            notes.setdefault(leader, {})[ticket.id] = note
            for user in leader | ticket._get_alerted_user():
                digests.setdefault(user, self.browse())
                digests[user] |= ticket
        # the activities' own assignment mails are replaced by the digests
        self.with_context(mail_activity_quick_update=True)._alert_assignees(
            alerts, "helpdesk_expedite.mail_activity_type_update_overdue"
        )
        for leader, bodies in notes.items():
            # logged, not notified one by one: the leader gets the digest
            self.browse(bodies)._message_log_batch(
                bodies=bodies, partner_ids=leader.partner_id.ids
            )
        for user, tickets in digests.items():
            # as for activities, nobody is notified of their own alerts
            if user != self.env.user:
                tickets._notify_overdue_digest(user)

    def _get_overdue_texts(self):
        """The assignee's activity (summary, text) and the team leader's note
        of the ticket's overdue update, in the leader's time zone."""
        self.ensure_one()
        _ = self.env._
        tz = self.team_id.user_id.tz or self.user_id.tz or "UTC"
        due = format_datetime(
            self.env, self.next_update_deadline, tz=tz, dt_format="short"
        )
        note = _(
            "Customer update overdue since %(due)s (%(tz)s) on this %(cos)s ticket.",
            due=due,
            tz=tz,
            cos=self._get_selection_label("class_of_service"),
        )
        return (
            _("Customer update overdue"),
            _(
                "The customer update promised for %(due)s (%(tz)s) has not been sent.",
                due=due,
                tz=tz,
            ),
            escape(note),
        )

    def _mark_overdue_reported(self):
        """Remember the lapsed deadline of each ticket: its period is then
        reported once. One statement for the batch: the rows are locked by
        the caller, so their deadline cannot move meanwhile, and no other
        field depends on this one (nothing to recompute or track)."""
        self.env.cr.execute(
            "UPDATE helpdesk_ticket SET watchdog_notified_deadline = "
            "next_update_deadline WHERE id = ANY(%s)",
            [self.ids],
        )
        self.invalidate_recordset(["watchdog_notified_deadline"])

    def _notify_overdue_digest(self, user):
        """One notification (inbox or mail, as the user prefers) listing the
        tickets whose customer update is overdue, for their assignee or
        their team leader."""
        items = Markup("").join(
            Markup('<li><a href="%s">%s</a></li>')
            % (ticket._notify_get_action_link("view"), ticket.display_name)
            for ticket in self
        )
        body = Markup("<p>%s</p><ul>%s</ul>") % (
            self.env._(
                "The promised customer update is overdue on these tickets (%(count)s):",
                count=len(self),
            ),
            items,
        )
        # on the first ticket (a notification, not in its chatter): a mail
        # lost to an SMTP outage is queued again like the ticket's others
        self[:1].message_notify(
            partner_ids=user.partner_id.ids,
            subject=self.env._("Customer updates overdue"),
            body=body,
            subtype_xmlid="mail.mt_note",
        )

    def _get_alerted_user(self):
        """Whoever answers for the ticket: its assignee, else its team
        leader, else the current user."""
        self.ensure_one()
        return self.user_id or self.team_id.user_id or self.env.user

    def _alert_assignee(self, summary, note, activity_type=None):
        """One activity for whoever answers for the ticket."""
        self.ensure_one()
        return self._alert_assignees([(self, summary, note)], activity_type)

    @api.model
    def _alert_assignees(self, alerts, activity_type=None):
        """One activity per (ticket, summary, note) of ``alerts`` for whoever
        answers for the ticket, all created at once."""
        if self.env.context.get("mail_activity_automation_skip"):
            return self.env["mail.activity"]
        activity_type = self.env.ref(
            activity_type or "helpdesk_expedite.mail_activity_type_incident_alert"
        )
        model_id = self.env["ir.model"]._get_id(self._name)
        today = fields.Date.context_today(self)
        vals_list = []
        for ticket, summary, note in alerts:
            user = ticket._get_alerted_user()
            vals_list.append(
                {
                    "activity_type_id": activity_type.id,
                    "summary": summary,
                    "note": escape(note),
                    "automated": True,
                    "date_deadline": today,
                    "res_model_id": model_id,
                    "res_id": ticket.id,
                    "user_id": user.id,
                }
            )
        return self.env["mail.activity"].create(vals_list)
