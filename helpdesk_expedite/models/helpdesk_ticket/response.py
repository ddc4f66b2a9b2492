"""Acknowledgement, customer updates and their cadence."""

from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

from ..constants import AGENT_GROUP
from ..lifecycle_guard import incident_action, system_write
from ..public_method import Boolean, Text

MAX_UPDATE_CHARS = 10000


class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"

    update_interval = fields.Integer(
        string="Update Every (minutes)",
        help="Minutes promised between two customer updates.",
    )
    acknowledged_date = fields.Datetime(readonly=True, copy=False)
    last_status_update_date = fields.Datetime(readonly=True, copy=False)
    # indexed where set (_get_partial_indexes)
    next_update_deadline = fields.Datetime(
        string="Next Update Due", readonly=True, copy=False
    )
    update_overdue = fields.Boolean(
        compute="_compute_update_overdue", search="_search_update_overdue"
    )
    status_update_ids = fields.One2many(
        "helpdesk.ticket.status.update",
        "ticket_id",
        string="Customer Updates",
        groups=AGENT_GROUP,
    )

    @api.model
    def _get_guarded_fields(self):
        return super()._get_guarded_fields() | {
            "acknowledged_date",
            "last_status_update_date",
            "next_update_deadline",
        }

    @api.model
    def _get_partial_indexes(self):
        return {
            **super()._get_partial_indexes(),
            "next_update_deadline": "next_update_deadline IS NOT NULL",
        }

    @api.constrains("update_interval")
    def _check_update_interval(self):
        if any(ticket.update_interval < 0 for ticket in self):
            raise ValidationError(self.env._("The update interval cannot be negative."))

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

    def _add_status_update(self, body, kind="update", deadline=False, is_public=True):
        self.ensure_one()
        return self._add_status_updates(
            {self.id: body}, kind=kind, deadline=deadline, is_public=is_public
        )

    def _add_status_updates(
        self, bodies, kind="update", deadline=False, is_public=True
    ):
        """One customer update per ticket (``bodies``: {ticket id: text}),
        created in one batch; ``is_public``: also on the status page."""
        with system_write():
            return self.env["helpdesk.ticket.status.update"].create(
                [
                    {
                        "ticket_id": ticket.id,
                        "body": bodies[ticket.id],
                        "kind": kind,
                        "deadline": deadline,
                        "is_public": is_public,
                    }
                    for ticket in self
                ]
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

    @incident_action
    def action_acknowledge(self):
        """Acknowledge the incident to the customer and the executives, once."""
        tickets = self.filtered(lambda t: not t.acknowledged_date)
        tickets._check_open_for_acknowledgement()
        if not tickets:
            return True
        tickets._write_acknowledged(fields.Datetime.now())
        tickets._add_status_updates(
            {
                ticket.id: ticket._for_customer()._get_acknowledgement_text()
                for ticket in tickets
            },
            kind="acknowledgement",
        )
        tickets._send_customer_mail(
            "helpdesk_expedite.mail_template_executive_acknowledgement"
        )
        return True

    def _check_open_for_acknowledgement(self):
        for ticket in self:
            if ticket.closed:
                raise UserError(
                    self.env._(
                        "Ticket %s is closed: it cannot be acknowledged.",
                        ticket.display_name,
                    )
                )

    def _write_acknowledged(self, now):
        """Record the acknowledgement, start the update cadence and move
        unattended tickets to work; tickets with equal changes in one write."""
        in_progress_stages = {}  # (team, stage): the stage work moves to
        groups = {}
        for ticket in self:
            vals = {
                "acknowledged_date": now,
                "last_status_update_date": now,
                **ticket._next_deadline_vals(now),
            }
            if ticket.stage_id.unattended:
                key = (ticket.team_id.id, ticket.stage_id.id)
                if key not in in_progress_stages:
                    in_progress_stages[key] = ticket._get_in_progress_stage().id
                vals["stage_id"] = in_progress_stages[key]
            groups.setdefault(tuple(sorted(vals.items())), []).append(ticket.id)
        for key, ids in groups.items():
            self.browse(ids).write(dict(key))

    def _get_acknowledgement_text(self):
        self.ensure_one()
        text = self.env._(
            "We have classified this incident as %(cos)s and our team is working "
            "on it now.",
            cos=self._get_selection_label("class_of_service"),
        )
        if self.update_interval:
            text += " " + self.env._(
                "You will receive an update every %s minutes.", self.update_interval
            )
        return text

    @incident_action(body=Text(required=False), is_public=Boolean())
    def action_post_status_update(self, body, is_public=True):
        """Send a customer-visible status update and restart the cadence;
        ``is_public`` false keeps it off the public status page."""
        body = (body or "").strip()
        if len(body) > MAX_UPDATE_CHARS:
            raise ValidationError(
                self.env._(
                    "A status update is at most %s characters long.", MAX_UPDATE_CHARS
                )
            )
        if not body:
            raise UserError(self.env._("A status update needs a message."))
        # Agents posting on one ticket at once wait for each other here,
        # early, instead of failing late on a serialization error.
        self.env.execute_query(
            SQL(
                "SELECT id FROM helpdesk_ticket WHERE id = ANY(%s) FOR NO KEY UPDATE",
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
            promised = ticket.next_update_deadline
            ticket.write(
                {"last_status_update_date": now, **ticket._next_deadline_vals(now)}
            )
            ticket._add_status_update(body, deadline=promised, is_public=is_public)
            ticket._send_customer_mail("helpdesk_expedite.mail_template_status_update")
            ticket._fan_out_status_update(body)
        return True
