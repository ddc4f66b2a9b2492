import secrets
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL

from ..lib import classification, escalation_summary, monitoring
from .helpdesk_expedite_rule import CLASS_OF_SERVICE
from .res_config_settings import THRESHOLD_PARAM

# Ticket fields the classifier reads: only writes to these reclassify.
CLASSIFICATION_FACTS = frozenset(
    {
        "impact_line_ids",
        "failure_rate",
        "critical_activity_blocked",
        "executive_partner_ids",
        "executive_involved",
        "deadline",
        "team_id",
        "company_id",
    }
)
MANAGER_GROUP = "helpdesk_mgmt.group_helpdesk_manager"
AGENT_GROUP = "helpdesk_mgmt.group_helpdesk_user_own"
WATCHDOG_BATCH = 100
DEFER_CLASSIFICATION = "helpdesk_expedite_defer_classification"


def _minutes_between(start, end):
    """Minutes from ``start`` to ``end``, 0 while the milestone is not
    reached (filter on the milestone to average the reached ones only)."""
    if not start or not end:
        return 0.0
    return max((end - start).total_seconds() / 60.0, 0.0)


class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"

    # ------------------------------------------------------------------
    # Impact scope
    # ------------------------------------------------------------------
    # Lines are for helpdesk users; customers see them through the portal.
    impact_line_ids = fields.One2many(
        "helpdesk.ticket.impact.line",
        "ticket_id",
        string="Impact Scope",
        groups=AGENT_GROUP,
    )
    affected_user_count = fields.Integer(
        string="Affected Users",
        compute="_compute_impact_totals",
        store=True,
        tracking=True,
    )
    affected_group_count = fields.Integer(
        string="Affected Groups", compute="_compute_impact_totals", store=True
    )
    failure_rate = fields.Float(
        string="Failure Rate (%)", tracking=True, help="Percent of attempts failing."
    )
    error_message = fields.Char(help="The text users saw.")
    affected_service = fields.Char(help="e.g. Exam submission service")
    critical_activity_blocked = fields.Boolean(
        tracking=True, help="A critical business activity is blocked, e.g. exams."
    )
    executive_partner_ids = fields.Many2many(
        "res.partner",
        "helpdesk_ticket_executive_partner_rel",
        "ticket_id",
        "partner_id",
        string="Executive Stakeholders",
    )
    executive_involved = fields.Boolean(
        compute="_compute_executive_involved",
        store=True,
        readonly=False,
        tracking=True,
    )
    business_impact = fields.Text()
    deadline = fields.Datetime(tracking=True, help="A fixed date the work must meet.")

    # ------------------------------------------------------------------
    # Classification
    # ------------------------------------------------------------------
    class_of_service = fields.Selection(
        CLASS_OF_SERVICE,
        default="standard",
        required=True,
        tracking=True,
        index=True,
    )
    class_of_service_locked = fields.Boolean(
        string="Lock Class of Service",
        tracking=True,
        help="Keep the class set by a person: the rules leave it alone.",
    )
    class_of_service_lock_reason = fields.Char(string="Lock Reason")
    classification_rule_id = fields.Many2one(
        "helpdesk.expedite.rule", readonly=True, ondelete="set null"
    )
    classification_reason = fields.Text(readonly=True)

    # ------------------------------------------------------------------
    # Response and cadence
    # ------------------------------------------------------------------
    update_interval = fields.Integer(
        string="Update Every (minutes)",
        help="Minutes promised between two customer updates.",
    )
    acknowledged_date = fields.Datetime(readonly=True, copy=False)
    last_status_update_date = fields.Datetime(readonly=True, copy=False)
    escalated_date = fields.Datetime(readonly=True, copy=False)
    resolved_date = fields.Datetime(readonly=True, copy=False)
    monitoring_end_date = fields.Datetime(readonly=True, copy=False)
    customer_confirmed_date = fields.Datetime(readonly=True, copy=False)
    next_update_deadline = fields.Datetime(
        string="Next Update Due", readonly=True, copy=False, index=True
    )
    update_overdue = fields.Boolean(
        compute="_compute_update_overdue", search="_search_update_overdue"
    )
    watchdog_notified_deadline = fields.Datetime(
        readonly=True,
        copy=False,
        help="Deadline whose lapse was already reported by the watchdog.",
    )
    time_to_acknowledge = fields.Float(
        string="Time to Acknowledge (min)",
        compute="_compute_response_times",
        store=True,
        aggregator="avg",
    )
    time_to_escalate = fields.Float(
        string="Time to Escalate (min)",
        compute="_compute_response_times",
        store=True,
        aggregator="avg",
    )
    time_to_resolve = fields.Float(
        string="Time to Resolve (min)",
        compute="_compute_response_times",
        store=True,
        aggregator="avg",
    )
    time_to_close = fields.Float(
        string="Time to Close (min)",
        compute="_compute_response_times",
        store=True,
        aggregator="avg",
    )
    status_update_ids = fields.One2many(
        "helpdesk.ticket.status.update",
        "ticket_id",
        string="Customer Updates",
        groups=AGENT_GROUP,
    )

    # ------------------------------------------------------------------
    # Investigation, escalation, resolution, monitoring, closure
    # ------------------------------------------------------------------
    # Internal investigation data: helpdesk users only, never the customer
    # (portal users and internal users may read their own tickets).
    check_ids = fields.One2many(
        "helpdesk.ticket.check",
        "ticket_id",
        string="Investigation Checks",
        groups=AGENT_GROUP,
    )
    findings = fields.Html(sanitize=True, groups=AGENT_GROUP)
    preliminary_assessment = fields.Text(groups=AGENT_GROUP)
    escalation_ids = fields.One2many(
        "helpdesk.ticket.escalation",
        "ticket_id",
        string="Escalations",
        groups=AGENT_GROUP,
    )
    escalation_count = fields.Integer(
        compute="_compute_escalation_count", groups=AGENT_GROUP
    )
    root_cause_category_id = fields.Many2one(
        "helpdesk.root.cause.category", tracking=True
    )
    root_cause = fields.Text()
    corrective_action_ids = fields.One2many(
        "helpdesk.ticket.corrective.action",
        "ticket_id",
        string="Corrective Actions",
        groups=AGENT_GROUP,
    )
    resolution_summary = fields.Text()
    monitoring_window = fields.Integer(string="Monitoring Window (minutes)", default=15)
    monitoring_log_ids = fields.One2many(
        "helpdesk.ticket.monitoring.log",
        "ticket_id",
        string="Monitoring Checks",
        groups=AGENT_GROUP,
    )
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
        index=True,
    )
    monitoring_token = fields.Char(
        groups="helpdesk_mgmt.group_helpdesk_user_own",
        copy=False,
        readonly=True,
        default=lambda self: secrets.token_urlsafe(24),
        help="Secret a monitoring system sends to feed this ticket's watch.",
    )
    customer_confirmed = fields.Boolean(readonly=True, copy=False, tracking=True)
    customer_confirmation_channel = fields.Selection(
        [
            ("portal", "Portal"),
            ("email", "Email"),
            ("phone", "Phone"),
            ("teams", "Microsoft Teams"),
            ("agent", "Recorded by Agent"),
        ],
        readonly=True,
        copy=False,
    )
    closure_override_reason = fields.Text(
        copy=False,
        groups=AGENT_GROUP,
        help="Helpdesk managers only: close an Expedite ticket although the "
        "closure checklist is incomplete.",
    )
    incident_phase = fields.Selection(
        [
            ("investigating", "Investigating"),
            ("identified", "Identified"),
            ("monitoring", "Monitoring"),
            ("resolved", "Resolved"),
        ],
        compute="_compute_incident_phase",
    )

    # ------------------------------------------------------------------
    # Constraints
    # ------------------------------------------------------------------

    @api.constrains("failure_rate")
    def _check_failure_rate(self):
        for ticket in self:
            if not 0 <= ticket.failure_rate <= 100:
                raise ValidationError(
                    self.env._(
                        "The failure rate is a percentage between 0 and 100, not %s.",
                        ticket.failure_rate,
                    )
                )

    @api.constrains("class_of_service_locked", "class_of_service_lock_reason")
    def _check_lock_reason(self):
        for ticket in self:
            if (
                ticket.class_of_service_locked
                and not (ticket.class_of_service_lock_reason or "").strip()
            ):
                raise ValidationError(
                    self.env._(
                        "Say why the class of service of %s is locked.",
                        ticket.display_name,
                    )
                )

    @api.constrains("monitoring_window", "update_interval")
    def _check_durations(self):
        for ticket in self:
            if ticket.monitoring_window <= 0:
                raise ValidationError(
                    self.env._("The monitoring window must last at least one minute.")
                )
            if ticket.update_interval < 0:
                raise ValidationError(
                    self.env._("The update interval cannot be negative.")
                )

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------
    @api.depends("impact_line_ids.affected_users")
    def _compute_impact_totals(self):
        for ticket in self:
            ticket.affected_user_count = sum(
                ticket.impact_line_ids.mapped("affected_users")
            )
            ticket.affected_group_count = len(ticket.impact_line_ids)

    @api.depends("executive_partner_ids")
    def _compute_executive_involved(self):
        for ticket in self:
            ticket.executive_involved = bool(ticket.executive_partner_ids)

    @api.depends("class_of_service", "closed", "next_update_deadline")
    def _compute_update_overdue(self):
        now = fields.Datetime.now()
        for ticket in self:
            ticket.update_overdue = (
                ticket.class_of_service == "expedite"
                and not ticket.closed
                and bool(ticket.next_update_deadline)
                and ticket.next_update_deadline < now
            )

    def _search_update_overdue(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Unsupported search on update overdue."))
        overdue = [
            ("class_of_service", "=", "expedite"),
            ("stage_id.closed", "=", False),
            ("next_update_deadline", "<", fields.Datetime.now()),
        ]
        if (operator == "=") == value:
            return overdue
        return ["!", "&", "&", *overdue]

    @api.depends(
        "create_date",
        "acknowledged_date",
        "escalated_date",
        "resolved_date",
        "closed_date",
    )
    def _compute_response_times(self):
        for ticket in self:
            start = ticket.create_date
            ticket.time_to_acknowledge = _minutes_between(
                start, ticket.acknowledged_date
            )
            ticket.time_to_escalate = _minutes_between(start, ticket.escalated_date)
            ticket.time_to_resolve = _minutes_between(start, ticket.resolved_date)
            ticket.time_to_close = (
                _minutes_between(start, ticket.closed_date) if ticket.closed else 0.0
            )

    @api.depends("escalation_ids")
    def _compute_escalation_count(self):
        for ticket in self:
            ticket.escalation_count = len(ticket.escalation_ids)

    @api.depends("closed", "monitoring_state", "root_cause", "root_cause_category_id")
    def _compute_incident_phase(self):
        for ticket in self:
            if ticket.closed or ticket.monitoring_state == "passed":
                ticket.incident_phase = "resolved"
            elif ticket.monitoring_state == "running":
                ticket.incident_phase = "monitoring"
            elif ticket.root_cause or ticket.root_cause_category_id:
                ticket.incident_phase = "identified"
            else:
                ticket.incident_phase = "investigating"

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------
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

    @api.model_create_multi
    def create(self, vals_list):
        tickets = super(
            HelpdeskTicket, self.with_context(**{DEFER_CLASSIFICATION: True})
        ).create(vals_list)
        tickets = tickets.with_env(self.env)
        tickets._classify()
        return tickets

    def write(self, vals):
        if "closure_override_reason" in vals:
            self._check_closure_override_allowed(vals)
        closing = self._tickets_being_closed(vals)
        if closing:
            closing._check_closure_allowed(vals)
        if not CLASSIFICATION_FACTS & vals.keys() or self.env.context.get(
            DEFER_CLASSIFICATION
        ):
            res = super().write(vals)
        else:
            res = super(
                HelpdeskTicket, self.with_context(**{DEFER_CLASSIFICATION: True})
            ).write(vals)
            self._classify()
        if closing:
            closing._on_incident_closed()
        return res

    def _tickets_being_closed(self, vals):
        """Expedite tickets that this write moves into a closed stage."""
        if not vals.get("stage_id"):
            return self.browse()
        stage = self.env["helpdesk.ticket.stage"].browse(vals["stage_id"])
        if not stage.closed:
            return self.browse()
        return self.filtered(
            lambda t: t.class_of_service == "expedite" and not t.closed
        )

    # ------------------------------------------------------------------
    # Classification
    # ------------------------------------------------------------------
    def _classify_if_direct(self):
        """Reclassify after a change made outside of the ticket's own write."""
        if not self.env.context.get(DEFER_CLASSIFICATION):
            self._classify()

    def action_classify(self):
        """Rerun the classification rules (locked tickets are left alone)."""
        self._classify()
        return True

    def _classify(self):
        tickets = self.filtered(lambda t: not t.class_of_service_locked)
        if not tickets:
            return
        rules = self.env["helpdesk.expedite.rule"]._get_classification_rules(
            tickets.company_id
        )
        for ticket in tickets:
            result = classification.classify(
                rules, ticket._get_classification_facts(), self.env._
            )
            ticket._apply_classification(result)

    def _get_classification_facts(self):
        self.ensure_one()
        return classification.TicketFacts(
            affected_user_count=self.affected_user_count,
            affected_group_count=self.affected_group_count,
            failure_rate=self.failure_rate,
            critical_activity_blocked=self.critical_activity_blocked,
            executive_involved=self.executive_involved,
            has_deadline=bool(self.deadline),
            team_id=self.team_id.id or None,
            company_id=self.company_id.id or None,
        )

    def _prepare_classification_vals(self, result):
        rule = result.rule
        vals = {
            "class_of_service": result.class_of_service,
            "classification_rule_id": self.env["helpdesk.expedite.rule"].browse(
                rule.id if rule else ()
            ),
            "classification_reason": result.reason,
        }
        # A rule's outcome applies when it first takes effect, so that a
        # person's later choice of priority or cadence is not overridden.
        if rule and rule.update_interval and rule.id != self.classification_rule_id.id:
            vals["update_interval"] = rule.update_interval
        if (
            rule
            and rule.priority
            and result.class_of_service != self.class_of_service
            and not self.closed
        ):
            vals["priority"] = classification.raised_priority(
                self.priority, rule.priority
            )
        return {name: value for name, value in vals.items() if self[name] != value}

    def _apply_classification(self, result):
        self.ensure_one()
        previous_class = self.class_of_service
        vals = self._prepare_classification_vals(result)
        if not vals:
            return
        self.with_context(**{DEFER_CLASSIFICATION: True}).write(vals)
        if self.class_of_service != previous_class:
            self.message_post(
                body=self.env._(
                    "Class of service: %(old)s → %(new)s. %(reason)s",
                    old=dict(CLASS_OF_SERVICE)[previous_class],
                    new=dict(CLASS_OF_SERVICE)[self.class_of_service],
                    reason=result.reason,
                ),
                subtype_xmlid="mail.mt_note",
            )
            if self.class_of_service == "expedite" and not self.closed:
                self._on_became_expedite()

    def _on_became_expedite(self):
        self._add_default_checks()
        if not self.acknowledged_date:
            self.action_acknowledge()

    # ------------------------------------------------------------------
    # Acknowledgement and status updates
    # ------------------------------------------------------------------
    def _get_incident_recipients(self):
        self.ensure_one()
        return self.partner_id | self.executive_partner_ids

    def _send_customer_mail(self, template_xmlid):
        """Post a customer-visible message from a template to the customer
        and the executives (emailed as they are not helpdesk users)."""
        self.ensure_one()
        template = self.env.ref(template_xmlid)
        return self.message_post_with_source(
            template,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
            partner_ids=self._get_incident_recipients().ids,
        )

    def _add_status_update(self, body, kind="update"):
        self.ensure_one()
        return self.env["helpdesk.ticket.status.update"].create(
            {"ticket_id": self.id, "body": body, "kind": kind}
        )

    def _get_latest_status_update(self):
        self.ensure_one()
        return self.status_update_ids.sorted(
            lambda update: (update.date, update.id), reverse=True
        )[:1]

    def _next_deadline_vals(self, now):
        """The next promised update; none once the fix has held (only the
        customer's confirmation is awaited then)."""
        self.ensure_one()
        if not self.update_interval or self.monitoring_state == "passed":
            return {"next_update_deadline": False}
        return {"next_update_deadline": now + timedelta(minutes=self.update_interval)}

    def action_acknowledge(self):
        """Acknowledge the incident to the customer and the executives, once."""
        for ticket in self.filtered(lambda t: not t.acknowledged_date):
            if ticket.closed:
                raise UserError(
                    self.env._(
                        "Ticket %s is closed: it cannot be acknowledged.",
                        ticket.display_name,
                    )
                )
            now = fields.Datetime.now()
            vals = {
                "acknowledged_date": now,
                "last_status_update_date": now,
                **ticket._next_deadline_vals(now),
            }
            if ticket.stage_id.unattended:
                vals["stage_id"] = ticket._get_in_progress_stage().id
            ticket.write(vals)
            ticket._add_status_update(
                ticket._get_acknowledgement_text(), kind="acknowledgement"
            )
            ticket._send_customer_mail(
                "helpdesk_expedite.mail_template_executive_acknowledgement"
            )
        return True

    def _get_acknowledgement_text(self):
        self.ensure_one()
        text = self.env._(
            "We have classified this incident as %(cos)s and our team is working "
            "on it now.",
            cos=dict(CLASS_OF_SERVICE)[self.class_of_service],
        )
        if self.update_interval:
            text += " " + self.env._(
                "You will receive an update every %s minutes.", self.update_interval
            )
        return text

    def action_post_status_update(self, body):
        """Send a customer-visible status update and restart the cadence."""
        body = body.strip() if isinstance(body, str) else ""
        if not body:
            raise UserError(self.env._("A status update needs a message."))
        if self.ids:
            # Agents posting on one ticket at once wait for each other here,
            # early, instead of failing late on a serialization error.
            self.env.cr.execute(
                SQL(
                    "SELECT id FROM helpdesk_ticket WHERE id = ANY(%s) "
                    "FOR NO KEY UPDATE",
                    self.ids,
                )
            )
        for ticket in self:
            if ticket.closed:
                raise UserError(
                    self.env._(
                        "Ticket %s is closed: post no more updates.",
                        ticket.display_name,
                    )
                )
            now = fields.Datetime.now()
            ticket.write(
                {"last_status_update_date": now, **ticket._next_deadline_vals(now)}
            )
            ticket._add_status_update(body)
            ticket._send_customer_mail("helpdesk_expedite.mail_template_status_update")
        return True

    def action_open_status_update_wizard(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Customer Update"),
            "res_model": "helpdesk.ticket.status.update.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_ticket_id": self.id},
        }

    def _get_phase_update_text(self):
        """A starting point for the next update, from the current phase."""
        self.ensure_one()
        phase = self.incident_phase
        if phase == "investigating":
            return self.env._(
                "We are still investigating the incident affecting %(service)s "
                "(%(users)s users). Next update within %(minutes)s minutes.",
                service=self.affected_service or self.name,
                users=self.affected_user_count,
                minutes=self.update_interval or 15,
            )
        if phase == "identified":
            return self.env._(
                "We have identified the cause and are applying a fix. Next "
                "update within %s minutes.",
                self.update_interval or 15,
            )
        if phase == "monitoring":
            return self.env._(
                "A fix is in place and we are watching the service until "
                "%s (UTC) before asking you to confirm.",
                fields.Datetime.to_string(self.monitoring_end_date),
            )
        return self.env._(
            "The service is working again. Please confirm on your ticket page."
        )

    # ------------------------------------------------------------------
    # Watchdog
    # ------------------------------------------------------------------
    @api.model
    def _cron_update_watchdog(self, batch_size=WATCHDOG_BATCH):
        """Report lapsed update deadlines, and end monitoring windows."""
        tickets, remaining = self._lock_newly_overdue(batch_size)
        for ticket in tickets:
            ticket._report_overdue_update()
        self._complete_monitoring_windows()
        self._requeue_mail_after_smtp_outage()
        self.env["ir.cron"]._notify_progress(done=len(tickets), remaining=remaining)

    def _requeue_mail_after_smtp_outage(self):
        """Queue again the ticket mails that failed only because the mail
        server could not be reached (never delivered, so never sent twice):
        Odoo leaves them failed for good, the customer would never get them."""
        notifications = (
            self.env["mail.notification"]
            .sudo()
            .search(
                [
                    ("notification_type", "=", "email"),
                    ("notification_status", "=", "exception"),
                    ("failure_type", "=", "mail_smtp"),
                    ("mail_message_id.model", "=", self._name),
                    ("mail_mail_id.state", "=", "exception"),
                ],
                limit=WATCHDOG_BATCH * 10,
            )
        )
        if notifications:
            notifications.mail_mail_id.mark_outgoing()
            self.env.ref("mail.ir_cron_mail_scheduler_action")._trigger()

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
        due = fields.Datetime.to_string(self.next_update_deadline)
        self.write({"watchdog_notified_deadline": self.next_update_deadline})
        self._alert_assignee(
            self.env._("Customer update overdue"),
            self.env._(
                "The customer update promised for %s (UTC) has not been sent.", due
            ),
            activity_type="helpdesk_expedite.mail_activity_type_update_overdue",
        )
        leader = self.team_id.user_id
        self.message_post(
            body=self.env._(
                "Customer update overdue since %(due)s (UTC) on this %(cos)s ticket.",
                due=due,
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
            note=note,
            user_id=user.id,
        )

    # ------------------------------------------------------------------
    # Escalation
    # ------------------------------------------------------------------
    def action_escalate(self, target_id=None):
        """Escalate each ticket to ``target_id``, or the company's first target."""
        Target = self.env["helpdesk.escalation.target"]
        closed = self.filtered("closed")
        if closed:
            raise UserError(
                self.env._(
                    "These tickets are closed and cannot be escalated: %s.",
                    ", ".join(closed.mapped("display_name")),
                )
            )
        escalations = self.env["helpdesk.ticket.escalation"]
        for ticket in self:
            target = (
                Target.browse(target_id).exists()
                if target_id
                else Target._get_default_target(ticket.company_id)
            )
            if not target:
                raise UserError(
                    self.env._(
                        "No escalation target is configured for %s: add one "
                        "under Helpdesk › Configuration › Escalation Targets.",
                        ticket.company_id.name,
                    )
                )
            target._check_channel_configuration()
            escalations |= escalations.create(ticket._prepare_escalation_vals(target))
        escalations.action_send()
        now = fields.Datetime.now()
        self.filtered(lambda t: not t.escalated_date).write({"escalated_date": now})
        for escalation in escalations:
            escalation.ticket_id.message_post(
                body=self.env._(
                    "Escalated to %(target)s by %(channel)s.",
                    target=escalation.target_id.name,
                    channel=dict(
                        escalation._fields["channel"]._description_selection(self.env)
                    )[escalation.channel],
                ),
                subtype_xmlid="mail.mt_note",
            )
        return True

    def _prepare_escalation_vals(self, target):
        self.ensure_one()
        return {
            "ticket_id": self.id,
            "target_id": target.id,
            "channel": target.channel,
            "summary": self._get_escalation_summary(),
        }

    def _get_escalation_summary(self):
        self.ensure_one()
        return escalation_summary.compose_summary(
            self._get_incident_snapshot(), self.env._
        )

    def _get_incident_snapshot(self):
        self.ensure_one()
        return escalation_summary.IncidentSnapshot(
            reference=self.number or "",
            title=self.name or "",
            customer=self.partner_id.display_name or self.partner_name or "",
            class_of_service=dict(CLASS_OF_SERVICE)[self.class_of_service],
            affected_service=self.affected_service or "",
            groups=tuple(
                escalation_summary.ImpactGroup(
                    line.name, line.affected_users, line.location or ""
                )
                for line in self.impact_line_ids
            ),
            total_users=self.affected_user_count,
            failure_rate=self.failure_rate,
            error_message=self.error_message or "",
            critical_activity_blocked=self.critical_activity_blocked,
            executives=tuple(self.executive_partner_ids.mapped("name")),
            business_impact=self.business_impact or "",
            url=self._get_backend_url(),
        )

    def _get_backend_url(self):
        base = self.get_base_url()
        return f"{base}/odoo/helpdesk.ticket/{self.id}"

    def action_open_escalation_wizard(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Escalate"),
            "res_model": "helpdesk.ticket.escalation.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_ticket_id": self.id},
        }

    def action_view_escalations(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Escalations"),
            "res_model": "helpdesk.ticket.escalation",
            "view_mode": "list,form",
            "domain": [("ticket_id", "=", self.id)],
            "context": {"default_ticket_id": self.id},
        }

    # ------------------------------------------------------------------
    # Investigation
    # ------------------------------------------------------------------
    def action_add_default_checks(self):
        self._add_default_checks()
        return True

    def _add_default_checks(self):
        templates = self.env["helpdesk.check.template"].search(
            ["|", ("company_id", "=", False), ("company_id", "in", self.company_id.ids)]
        )
        values = []
        for ticket in self:
            existing = set(ticket.check_ids.mapped("name"))
            values += [
                ticket._prepare_check_vals(template)
                for template in templates
                if template._applies_to(ticket) and template.name not in existing
            ]
        return self.env["helpdesk.ticket.check"].create(values)

    def _prepare_check_vals(self, template):
        return {
            "ticket_id": self.id,
            "name": template.name,
            "sequence": template.sequence,
            "description": template.description,
        }

    # ------------------------------------------------------------------
    # Resolution and monitoring
    # ------------------------------------------------------------------
    def action_mark_resolved(self):
        """Record the fix and start the post-fix monitoring window."""
        for ticket in self:
            missing = ticket._get_resolution_missing_items()
            if missing:
                raise UserError(
                    self.env._(
                        "Ticket %(ticket)s cannot be marked resolved yet. "
                        "Missing: %(missing)s.",
                        ticket=ticket.display_name,
                        missing=", ".join(missing),
                    )
                )
        stage = self.env.ref("helpdesk_expedite.helpdesk_ticket_stage_monitoring")
        self.sudo().filtered(
            lambda t: not t.monitoring_token
        ).action_regenerate_monitoring_token()
        for ticket in self:
            now = fields.Datetime.now()
            ticket.write(
                {
                    "resolved_date": now,
                    "monitoring_end_date": now
                    + timedelta(minutes=ticket.monitoring_window),
                    "monitoring_state": "running",
                    "customer_confirmed": False,
                    "customer_confirmed_date": False,
                    "customer_confirmation_channel": False,
                    "stage_id": stage.id,
                }
            )
            ticket.message_post(
                body=self.env._(
                    "Resolved: post-fix monitoring runs for %s minutes.",
                    ticket.monitoring_window,
                ),
                subtype_xmlid="mail.mt_note",
            )
        return True

    def _get_resolution_missing_items(self):
        self.ensure_one()
        missing = []
        if self.closed:
            missing.append(self.env._("an open ticket"))
        if not (self.root_cause or "").strip():
            missing.append(self.env._("root cause"))
        if not (self.resolution_summary or "").strip():
            missing.append(self.env._("resolution summary"))
        return missing

    def action_log_monitoring(
        self,
        success_rate,
        timeout_errors=0,
        manual_test_ok=True,
        recurrence=False,
        note=None,
        source="manual",
    ):
        """Add a monitoring check to each ticket and update the verdict."""
        for ticket in self:
            if ticket.monitoring_state != "running":
                raise UserError(
                    self.env._(
                        "Ticket %s is not being monitored: mark it resolved first.",
                        ticket.display_name,
                    )
                )
        self.env["helpdesk.ticket.monitoring.log"].create(
            [
                {
                    "ticket_id": ticket.id,
                    "success_rate": success_rate,
                    "timeout_errors": timeout_errors,
                    "manual_test_ok": manual_test_ok,
                    "recurrence": recurrence,
                    "note": note or False,
                    "source": source,
                }
                for ticket in self
            ]
        )
        self._evaluate_monitoring()
        return True

    def action_open_monitoring_wizard(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Log Monitoring Check"),
            "res_model": "helpdesk.ticket.monitoring.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_ticket_id": self.id},
        }

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
                log.check_date,
                log.success_rate,
                log.timeout_errors,
                log.recurrence,
                log.id,
            )
            for log in self.monitoring_log_ids
            if not self.resolved_date or log.check_date >= self.resolved_date
        ]

    def _evaluate_monitoring(self):
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
        """Pass windows that ended since their last check was logged."""
        ended = self.search(
            [
                ("monitoring_state", "=", "running"),
                ("monitoring_end_date", "<=", fields.Datetime.now()),
            ]
        )
        ended._evaluate_monitoring()

    def action_regenerate_monitoring_token(self):
        for ticket in self:
            ticket.sudo().monitoring_token = secrets.token_urlsafe(24)
        return True

    # ------------------------------------------------------------------
    # Customer confirmation and closure
    # ------------------------------------------------------------------
    def action_confirm_resolution(self, channel="agent"):
        """Record the customer's confirmation; close when monitoring passed."""
        for ticket in self:
            if not ticket._is_resolved():
                raise UserError(
                    self.env._(
                        "Ticket %s is not resolved yet: the customer can confirm "
                        "once a fix is in place.",
                        ticket.display_name,
                    )
                )
        for ticket in self.filtered(lambda t: not t.customer_confirmed):
            ticket.write(
                {
                    "customer_confirmed": True,
                    "customer_confirmed_date": fields.Datetime.now(),
                    "customer_confirmation_channel": channel,
                }
            )
            ticket.message_post(
                body=self.env._("The customer confirmed that the service works again."),
                subtype_xmlid="mail.mt_note",
                author_id=self.env.context.get("helpdesk_expedite_confirmed_by"),
            )
            if ticket.monitoring_state == "passed" and not ticket.closed:
                ticket.action_close()
        return True

    def _is_resolved(self):
        self.ensure_one()
        return bool(self.resolved_date) and self.monitoring_state in (
            "running",
            "passed",
        )

    def action_close(self):
        """Move the tickets to their closing stage, through the closure gate."""
        for ticket in self.filtered(lambda t: not t.closed):
            ticket.write({"stage_id": ticket._get_closing_stage().id})
        return True

    def _get_closure_missing_items(self):
        self.ensure_one()
        missing = []
        if not (self.root_cause or "").strip():
            missing.append(self.env._("root cause"))
        if not (self.resolution_summary or "").strip():
            missing.append(self.env._("resolution summary"))
        if self.monitoring_state != "passed":
            missing.append(self.env._("post-fix monitoring passed"))
        if not self.customer_confirmed:
            missing.append(self.env._("customer confirmation"))
        return missing

    def _check_closure_allowed(self, vals):
        problems = []
        for ticket in self:
            if vals.get("closure_override_reason") or ticket.closure_override_reason:
                continue
            missing = ticket._get_closure_missing_items()
            if missing:
                problems.append(
                    self.env._(
                        "%(ticket)s is missing: %(missing)s",
                        ticket=ticket.display_name,
                        missing=", ".join(missing),
                    )
                )
        if problems:
            raise UserError(
                self.env._(
                    "An Expedite ticket closes only when its incident is fully "
                    "handled.\n%s\nA helpdesk manager can close it anyway by "
                    "giving a closure override reason.",
                    "\n".join(problems),
                )
            )

    def _check_closure_override_allowed(self, vals):
        if vals.get("closure_override_reason") and not self.env.user.has_group(
            MANAGER_GROUP
        ):
            raise AccessError(
                self.env._("Only helpdesk managers can override the closure checks.")
            )

    def _on_incident_closed(self):
        for ticket in self:
            if ticket.closure_override_reason:
                ticket.message_post(
                    body=self.env._(
                        "Closed by %(user)s despite missing items: %(missing)s. "
                        "Reason: %(reason)s",
                        user=self.env.user.name,
                        missing=", ".join(ticket._get_closure_missing_items())
                        or self.env._("none"),
                        reason=ticket.closure_override_reason,
                    ),
                    subtype_xmlid="mail.mt_note",
                )
            ticket._add_status_update(
                self.env._("The incident is closed. Thank you for your patience."),
                kind="closure",
            )
            ticket._send_customer_mail(
                "helpdesk_expedite.mail_template_closure_summary"
            )

    def _get_closing_stage(self):
        self.ensure_one()
        stages = self.team_id._get_applicable_stages().filtered("closed")
        done = self.env.ref(
            "helpdesk_mgmt.helpdesk_ticket_stage_done", raise_if_not_found=False
        )
        stage = done if done in stages else stages[:1]
        if not stage:
            raise UserError(
                self.env._("No closed stage is available for %s.", self.display_name)
            )
        return stage

    def _get_in_progress_stage(self):
        self.ensure_one()
        stages = self.team_id._get_applicable_stages()
        in_progress = self.env.ref(
            "helpdesk_mgmt.helpdesk_ticket_stage_in_progress",
            raise_if_not_found=False,
        )
        if in_progress in stages:
            return in_progress
        open_stages = stages.filtered(lambda s: not s.closed and not s.unattended)
        return open_stages[:1] or self.stage_id

    def _get_incident_timeline(self):
        """(label, date, minutes since report) of each milestone reached."""
        self.ensure_one()
        milestones = [
            (self.env._("Reported"), self.create_date),
            (self.env._("Acknowledged"), self.acknowledged_date),
            (self.env._("Escalated"), self.escalated_date),
            (self.env._("Resolved"), self.resolved_date),
            (self.env._("Monitoring ended"), self.monitoring_end_date),
            (self.env._("Customer confirmed"), self.customer_confirmed_date),
            (self.env._("Closed"), self.closed_date if self.closed else False),
        ]
        return [
            (label, date, round(_minutes_between(self.create_date, date)))
            for label, date in milestones
            if date
        ]
