"""An escalation of a ticket: the record and its actions."""

import secrets

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..constants import ESCALATION_CHANNELS
from ..lifecycle_guard import incident_action


def _new_nonce():
    return secrets.token_hex(16)


class HelpdeskTicketEscalation(models.Model):
    """An escalation of a ticket, and the outbox of its delivery."""

    _name = "helpdesk.ticket.escalation"
    _description = "Helpdesk Ticket Escalation"
    _inherit = ["helpdesk.ticket.line.mixin", "mail.thread"]
    _order = "create_date desc, id desc"
    _check_company_auto = True
    # the delivery's own record: set by sending, delivering, acknowledging
    _guarded_fields = frozenset(
        {
            "channel",
            "state",
            "sent_date",
            "acknowledged_date",
            "acknowledged_by_id",
            "acknowledged_by_name",
            "acknowledged_via",
            "acknowledge_nonce",
            "attempt_count",
            "next_attempt_date",
            "last_error",
            "mail_id",
        }
    )
    _fixed_fields = frozenset({"ticket_id", "target_id"})
    # what the target was sent
    _evidence_fields = frozenset({"summary"})

    target_id = fields.Many2one(
        "helpdesk.escalation.target",
        required=True,
        ondelete="restrict",
        check_company=True,
        domain="[('company_id', '=', company_id)]",
    )
    # the target's channel when the escalation was made (kept if it changes)
    channel = fields.Selection(
        ESCALATION_CHANNELS,
        required=True,
        compute="_compute_channel",
        store=True,
        precompute=True,
    )
    summary = fields.Text(required=True)
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("queued", "Queued"),
            ("sent", "Sent"),
            ("acknowledged", "Acknowledged"),
            ("failed", "Failed"),
        ],
        default="draft",
        required=True,
        tracking=True,
        index=True,
    )
    sent_date = fields.Datetime(readonly=True)
    acknowledged_date = fields.Datetime(readonly=True)
    acknowledged_by_id = fields.Many2one("res.users", readonly=True)
    # who acknowledged, as shown: the user's name, or the target's when the
    # link was used without logging in
    acknowledged_by_name = fields.Char(string="Acknowledger", readonly=True)
    acknowledged_via = fields.Selection(
        [("backend", "In Odoo"), ("link", "Acknowledgement link")],
        string="Acknowledged Through",
        readonly=True,
    )
    # part of every acknowledgement link's signature; a new one revokes the
    # links sent before (a resend makes one)
    acknowledge_nonce = fields.Char(
        copy=False, default=lambda self: _new_nonce(), groups="base.group_system"
    )
    response_time = fields.Float(
        string="Response Time (min)",
        compute="_compute_response_time",
        store=True,
        aggregator="avg",
        help="Minutes from sending to acknowledgement (0 until acknowledged).",
    )
    attempt_count = fields.Integer(readonly=True)
    next_attempt_date = fields.Datetime(readonly=True, index=True)
    last_error = fields.Text(readonly=True)

    @api.depends("target_id")
    def _compute_channel(self):
        for escalation in self:
            escalation.channel = escalation.target_id.channel

    @api.depends("sent_date", "acknowledged_date")
    def _compute_response_time(self):
        for escalation in self:
            start = escalation.sent_date or escalation.create_date
            end = escalation.acknowledged_date
            escalation.response_time = (
                (end - start).total_seconds() / 60 if start and end else 0.0
            )

    def _evidence(self):
        return self.filtered(lambda escalation: escalation.state != "draft")

    def _compute_display_name(self):
        for escalation in self:
            escalation.display_name = self.env._(
                "%(ticket)s to %(target)s",
                ticket=escalation.ticket_id.number,
                target=escalation.target_id.name,
            )

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    @incident_action
    def action_send(self):
        """Send by email now, or queue for Teams delivery after commit.

        Escalations already sent or acknowledged are left alone. Each
        sending has links of its own: sending again (a resend, a retry)
        revokes the acknowledgement links sent before.
        """
        to_send = self.filtered(lambda e: e.state in ("draft", "queued", "failed"))
        to_send._renew_acknowledge_nonce()
        for escalation in to_send.filtered(lambda e: e.channel == "email"):
            escalation._send_email()
        to_send.filtered(lambda e: e.channel == "teams")._queue_teams()
        return True

    @incident_action
    def action_mark_acknowledged(self):
        """Record that the target took the escalation: who, when, how fast."""
        return self._mark_acknowledged(self.env.user, "backend")

    def _mark_acknowledged(self, user, via):
        """Acknowledge as ``user`` (a res.users, may be empty), ``via``
        "backend" or "link". The user is recorded only when he answers for
        the escalation (``_get_acknowledger``), otherwise the target itself
        is named. The caller may write guarded fields (``system_write`` or
        superuser).
        """
        self._check_acknowledgeable()
        now = fields.Datetime.now()
        for escalation in self:
            known = escalation._get_acknowledger(user)
            escalation.write(
                {
                    "state": "acknowledged",
                    "acknowledged_date": now,
                    "acknowledged_by_id": known.id,
                    "acknowledged_by_name": known.name or escalation.target_id.name,
                    "acknowledged_via": via,
                    "next_attempt_date": False,
                }
            )
            escalation._post_acknowledgement_note(known, via)
        return True

    def _check_acknowledgeable(self):
        for escalation in self:
            if escalation.state not in ("sent", "queued", "failed"):
                raise UserError(
                    self.env._(
                        "Escalation %s has not been sent, it cannot be acknowledged.",
                        escalation.display_name,
                    )
                )

    def _get_acknowledger(self, user):
        """``user`` when he answers for this escalation: an internal user
        allowed in its company. Nobody else is recorded (a visitor, the
        public user, a portal user, a user of another company holding the
        link): the target is named instead."""
        self.ensure_one()
        if user and user._is_internal() and self.company_id in user.sudo().company_ids:
            return user
        return user.browse()

    def _post_acknowledgement_note(self, known, via):
        self.ensure_one()
        if via == "link":
            body = self.env._(
                "%(who)s acknowledged the escalation to %(target)s through "
                "its link (%(minutes)s min).",
                who=self.acknowledged_by_name,
                target=self.target_id.name,
                minutes=round(self.response_time, 1),
            )
        else:
            body = self.env._(
                "%(target)s acknowledged the escalation (%(minutes)s min).",
                target=self.target_id.name,
                minutes=round(self.response_time, 1),
            )
        self.ticket_id.message_post(
            body=body,
            subtype_xmlid="mail.mt_note",
            author_id=known.partner_id.id or None,
        )

    @incident_action
    def action_retry(self):
        """Send failed escalations again, with a fresh attempt budget (and
        fresh acknowledgement links, as any sending)."""
        failed = self.filtered(lambda e: e.state == "failed")
        failed.write({"attempt_count": 0, "last_error": False})
        return failed.action_send()

    def _renew_acknowledge_nonce(self):
        """A new nonce for each: the links made before stop working. The
        nonce is readable by no user, hence sudo; callers checked the
        right to write the escalations."""
        for escalation in self.sudo():
            escalation.acknowledge_nonce = _new_nonce()
