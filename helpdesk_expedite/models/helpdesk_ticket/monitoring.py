"""Post-fix monitoring: the window, the feed's token, the verdict."""

import secrets

from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError
from odoo.tools import SQL

from ...lib import monitoring
from ..constants import AGENT_GROUP, FEED_ROUTE, INCIDENT_DETAILS, THRESHOLD_PARAM
from ..db_locks import lock_ids, skip_when_locked
from ..lifecycle_guard import incident_action, system_write


class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"

    monitoring_window = fields.Integer(string="Monitoring Window (minutes)", default=15)
    monitoring_end_date = fields.Datetime(readonly=True, copy=False)
    monitoring_log_ids = fields.One2many(
        "helpdesk.ticket.monitoring.log",
        "ticket_id",
        string="Monitoring Checks",
        groups=AGENT_GROUP,
    )
    # indexed once started (_get_partial_indexes)
    monitoring_state = fields.Selection(
        [
            ("not_started", "Not Started"),
            ("running", "Running"),
            ("passed", "Passed"),
            ("failed", "Failed"),
        ],
        default="not_started",
        required=True,
        readonly=True,
        copy=False,
        tracking=True,
    )
    monitoring_token = fields.Char(
        groups="helpdesk_mgmt.group_helpdesk_user_own",
        copy=False,
        readonly=True,
        default=lambda self: secrets.token_urlsafe(24),
        prefetch=INCIDENT_DETAILS,
        help="Secret a monitoring system sends to feed this ticket's watch.",
    )

    # the token is in the example: same groups as the token itself
    monitoring_feed_url = fields.Char(
        string="Feed URL",
        compute="_compute_monitoring_feed_example",
        groups="helpdesk_mgmt.group_helpdesk_user_own",
        help="Where a monitoring system POSTs this ticket's checks.",
    )
    monitoring_feed_curl = fields.Char(
        string="Example Request",
        compute="_compute_monitoring_feed_example",
        groups="helpdesk_mgmt.group_helpdesk_user_own",
        help="A ready-made curl command posting one passing check, token included.",
    )

    @api.model
    def _get_guarded_fields(self):
        return super()._get_guarded_fields() | {
            "monitoring_end_date",
            "monitoring_state",
            "monitoring_token",
        }

    @api.model
    def _get_partial_indexes(self):
        return {
            **super()._get_partial_indexes(),
            "monitoring_state": "monitoring_state <> 'not_started'",
        }

    @api.constrains("monitoring_window")
    def _check_monitoring_window(self):
        if any(ticket.monitoring_window <= 0 for ticket in self):
            raise ValidationError(
                self.env._("The monitoring window must last at least one minute.")
            )

    @api.depends("monitoring_token")
    def _compute_monitoring_feed_example(self):
        for ticket in self:
            if not ticket.id or not ticket.monitoring_token:
                ticket.monitoring_feed_url = False
                ticket.monitoring_feed_curl = False
                continue
            url = f"{ticket.get_base_url()}{FEED_ROUTE}/{ticket.id}"
            ticket.monitoring_feed_url = url
            ticket.monitoring_feed_curl = monitoring.feed_curl_example(
                url, ticket.monitoring_token
            )

    def _init_column(self, column_name):
        """Give each existing ticket its own monitoring secret: the ORM would
        write one evaluated default into every row, a token shared by all."""
        if column_name != "monitoring_token":
            return super()._init_column(column_name)
        # gen_random_uuid() is volatile (one value per row) and uses a strong
        # random source (PostgreSQL 13+).
        self.env.cr.execute(
            SQL(
                "UPDATE %(table)s SET monitoring_token = replace("
                "gen_random_uuid()::text || gen_random_uuid()::text, '-', '') "
                "WHERE monitoring_token IS NULL",
                table=SQL.identifier(self._table),
            )
        )

    @incident_action
    def action_log_monitoring(
        self,
        success_rate,
        timeout_errors=0,
        manual_test_ok=True,
        recurrence=False,
        note=None,
    ):
        """Add a monitoring check to each ticket and update the verdict."""
        args = {
            "success_rate": success_rate,
            "timeout_errors": timeout_errors,
            "manual_test_ok": manual_test_ok,
            "recurrence": recurrence,
            "note": note or None,
        }
        try:
            values = monitoring.parse_check(args)
        except ValueError as error:
            raise ValidationError(str(error)) from None
        self._log_monitoring(values, source="manual")
        return True

    def _log_monitoring(self, values, source):
        """One check per ticket; the log refuses tickets not being watched
        and updates the verdict."""
        with system_write():
            self.env["helpdesk.ticket.monitoring.log"].create(
                [{**values, "ticket_id": t.id, "source": source} for t in self]
            )

    def _get_success_threshold(self):
        param = self.env["ir.config_parameter"].sudo().get_param(THRESHOLD_PARAM)
        try:
            return float(param) if param else 100.0
        except ValueError:
            return 100.0

    def _current_window_checks(self):
        self.ensure_one()
        return [
            monitoring.CheckPoint(
                check_date=log.check_date,
                success_rate=log.success_rate,
                timeout_errors=log.timeout_errors,
                recurrence=log.recurrence,
                sequence=log.id,
                manual_test_ok=log.manual_test_ok,
            )
            for log in self.monitoring_log_ids
            if not self.resolved_date or log.check_date >= self.resolved_date
        ]

    def _evaluate_monitoring(self):
        with system_write():
            self._apply_monitoring_verdict()

    def _apply_monitoring_verdict(self):
        threshold = self._get_success_threshold()
        now = fields.Datetime.now()
        for ticket in self.filtered(lambda t: t.monitoring_state == "running"):
            result = monitoring.verdict(
                ticket.monitoring_end_date,
                now,
                ticket._current_window_checks(),
                threshold,
            )
            if result == monitoring.FAILED:
                ticket._fail_monitoring()
            elif result == monitoring.PASSED:
                ticket._pass_monitoring()

    def _fail_monitoring(self):
        self.ensure_one()
        self.write(
            {
                "monitoring_state": "failed",
                "customer_confirmed": False,
                "customer_confirmed_date": False,
                "stage_id": self._get_in_progress_stage().id,
            }
        )
        message = self.env._(
            "The incident recurred during post-fix monitoring: the ticket is "
            "back in progress."
        )
        self.message_post(body=message, subtype_xmlid="mail.mt_note")
        self._alert_assignee(self.env._("Incident recurred"), message)

    def _pass_monitoring(self):
        self.ensure_one()
        checks = self._current_window_checks()
        last = monitoring.latest(checks)
        self.write({"monitoring_state": "passed"})
        self.message_post(
            body=self.env._(
                "Post-fix monitoring passed: %(count)s checks, latest success "
                "rate %(rate)s%%, %(timeouts)s timeout errors.",
                count=len(checks),
                rate=format(last.success_rate, "g"),
                timeouts=last.timeout_errors,
            ),
            subtype_xmlid="mail.mt_note",
        )
        if self.customer_confirmed:
            self.action_close()
        else:
            # Tell the customer the fix held, and ask for the confirmation.
            self.action_post_status_update(self._get_phase_update_text())

    def _complete_monitoring_windows(self):
        """Pass windows that ended since their last check was logged; a
        ticket another transaction holds, or changed since this one began
        (another watchdog ended it), is left to that transaction."""
        ended = self.search(
            [
                ("monitoring_state", "=", "running"),
                ("monitoring_end_date", "<=", fields.Datetime.now()),
            ]
        )
        if not ended:
            return
        with skip_when_locked(self.env.cr, "Ending monitoring windows"):
            ids = lock_ids(self.env.cr, self._table, ended.ids)
            self.browse(ids)._evaluate_monitoring()

    @incident_action
    def action_regenerate_monitoring_token(self):
        """A new secret for the monitoring feed (helpdesk users only)."""
        if not self.env.user.has_group(AGENT_GROUP):
            raise AccessError(
                self.env._("Only helpdesk users can renew the monitoring token.")
            )
        for ticket in self:
            ticket.monitoring_token = secrets.token_urlsafe(24)
        return True
