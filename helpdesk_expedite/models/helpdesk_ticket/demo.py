"""Demo data only: replay a past incident through the add-on's own actions.

The demo file (demo/helpdesk_expedite_demo.xml) calls
``_demo_replay_incident`` with a script of steps, each a number of minutes
after the ticket was reported. Before each step, the timestamps of
everything recorded so far on the ticket are moved back so that the step
runs that many minutes after the report; the last step runs at install
time. The next update a mail promised (written when the step ran, at
install time) is moved with the mail's own date at the end (demo_mail.py);
the closure's timeline, written at the last step, needs no move.

Nothing leaves the server: emails the steps produce are recorded as sent
instead of being queued, and the Teams escalation is written as delivered
instead of being queued for the delivery cron.
"""

from datetime import timedelta

from odoo import fields, models
from odoo.tools import SQL

from ..lifecycle_guard import system_write

# Date columns of the incident's records, per table, and the column that
# links the rows to the ticket.
_TICKET_DATES = (
    "create_date",
    "write_date",
    "assigned_date",
    "last_stage_update",
    "closed_date",
    "acknowledged_date",
    "last_status_update_date",
    "next_update_deadline",
    "watchdog_notified_deadline",
    "escalated_date",
    "resolved_date",
    "monitoring_end_date",
    "customer_confirmed_date",
    "status_published_date",
)
_LINE_DATES = {
    "helpdesk_ticket_impact_line": ("create_date", "write_date"),
    "helpdesk_ticket_check": ("create_date", "write_date", "checked_date"),
    "helpdesk_ticket_corrective_action": ("create_date", "write_date", "done_date"),
    "helpdesk_ticket_monitoring_log": ("create_date", "write_date", "check_date"),
    "helpdesk_ticket_status_update": ("create_date", "write_date", "date", "deadline"),
    "helpdesk_ticket_escalation": (
        "create_date",
        "write_date",
        "sent_date",
        "acknowledged_date",
        "next_attempt_date",
    ),
}


class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"

    def _demo_replay_incident(self, user_id, steps):
        """Play ``steps`` on this ticket as ``user_id``: a list of
        ``(minutes after the report, step name, values)``; each step name is
        a ``_demo_step_<name>`` method taking the values as keywords."""
        self.ensure_one()
        ticket = self.with_user(user_id).sudo()
        ticket._demo_forget_former_life()
        promises = {}  # message id: (its date then, the next update it named)
        for minutes, name, values in steps:
            ticket._demo_move_to(minutes)
            before = set(ticket._demo_message_ids())
            step = getattr(ticket, f"_demo_step_{name}")
            with system_write():
                step(**values)
            ticket._demo_mark_emails_sent()
            ticket._demo_note_promises(before, promises)
        ticket._demo_move_promises(promises)
        return True

    # ------------------------------------------------------------------
    # Steps
    # ------------------------------------------------------------------

    def _demo_step_write(self, **vals):
        self.write(vals)

    def _demo_step_check(self, name, state, result):
        self.check_ids.filtered(lambda check: check.name == name).write(
            {"state": state, "result": result}
        )

    def _demo_step_escalate_teams(self, target_id):
        """The escalation as delivered to the target's Teams channel."""
        target = self.env["helpdesk.escalation.target"].browse(target_id)
        now = fields.Datetime.now()
        escalation = self.env["helpdesk.ticket.escalation"].create(
            self._prepare_escalation_vals(target)
        )
        escalation.write(
            {"channel": "teams", "state": "sent", "sent_date": now, "attempt_count": 1}
        )
        self.write({"escalated_date": now})
        self.message_post(
            body=self.env._(
                "Escalated to %(target)s by %(channel)s.",
                target=target.name,
                channel=dict(
                    self.env["helpdesk.ticket.escalation"]
                    ._fields["channel"]
                    ._description_selection(self.env)
                )["teams"],
            ),
            subtype_xmlid="mail.mt_note",
        )

    def _demo_step_escalation_acknowledged(self, user_id):
        self.escalation_ids.with_user(user_id).sudo().action_mark_acknowledged()

    def _demo_step_publish_status(self, **vals):
        self.write(vals)
        self.action_publish_status()

    def _demo_step_status_update(self, body):
        self.action_post_status_update(body)

    def _demo_step_corrective_action(self, name):
        self.env["helpdesk.ticket.corrective.action"].create(
            {"ticket_id": self.id, "name": name, "done": True}
        )

    def _demo_step_resolve(self):
        self.action_mark_resolved()

    def _demo_step_monitoring(self, success_rate, note=None):
        self.action_log_monitoring(success_rate, note=note)

    def _demo_step_customer_confirms(self, channel):
        self._confirm_resolution(channel, self.partner_id)

    # ------------------------------------------------------------------
    # Time and emails
    # ------------------------------------------------------------------

    def _demo_move_to(self, minutes):
        """Move the ticket's recorded dates back so that now is ``minutes``
        after its report."""
        self.env.flush_all()
        self.env.cr.execute(
            SQL("SELECT create_date FROM helpdesk_ticket WHERE id = %s", self.id)
        )
        reported = self.env.cr.fetchone()[0]
        target = fields.Datetime.now() - timedelta(minutes=minutes)
        shift = target - reported
        for table, columns, where in self._demo_dated_rows():
            assignments = SQL(", ").join(
                SQL(
                    "%(col)s = %(col)s + %(shift)s",
                    col=SQL.identifier(column),
                    shift=shift,
                )
                for column in columns
            )
            self.env.cr.execute(
                SQL("UPDATE %s SET %s WHERE %s", table, assignments, where)
            )
        self.env.invalidate_all()

    def _demo_dated_rows(self):
        """(table, date columns, rows) of everything the replay dates: the
        ticket, its lines, its and its escalations' messages."""
        messages = self._demo_message_ids()
        updates = [
            (SQL.identifier("helpdesk_ticket"), _TICKET_DATES, SQL("id = %s", self.id))
        ]
        updates += [
            (SQL.identifier(table), columns, SQL("ticket_id = %s", self.id))
            for table, columns in _LINE_DATES.items()
        ]
        updates += [
            (
                SQL.identifier("mail_message"),
                ("create_date", "write_date", "date"),
                SQL("id = ANY(%s)", messages),
            ),
            (
                SQL.identifier("mail_tracking_value"),
                ("create_date", "write_date"),
                SQL("mail_message_id = ANY(%s)", messages),
            ),
        ]
        return updates

    def _demo_message_ids(self):
        """The messages of the ticket and of its escalations."""
        self.env.cr.execute(
            SQL(
                """SELECT id FROM mail_message
                    WHERE (model = 'helpdesk.ticket' AND res_id = %(ticket)s)
                       OR (model = 'helpdesk.ticket.escalation' AND res_id IN (
                           SELECT id FROM helpdesk_ticket_escalation
                            WHERE ticket_id = %(ticket)s))""",
                ticket=self.id,
            )
        )
        return [row[0] for row in self.env.cr.fetchall()]

    def _demo_mark_emails_sent(self):
        """Record the ticket's queued emails as sent, without delivering
        them (the queue and the sending after commit skip sent emails). Tracking messages
        and the emails of stage templates are made at commit: make them
        now, at the step's time."""
        self.env.flush_all()
        self.env.cr.precommit.run()
        mails = (
            self.env["mail.mail"]
            .sudo()
            .search([("mail_message_id", "in", self._demo_message_ids())])
        )
        self.env["mail.notification"].sudo().search(
            [("mail_mail_id", "in", mails.ids)]
        ).write({"notification_status": "sent"})
        mails.write({"state": "sent"})
