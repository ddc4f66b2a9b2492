"""One outage, many reporters: tickets linked to their major incident, the
suggestion to link them, and what the major incident does for them (its
customer updates reach their customers, its closing resolves them)."""

from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL, groupby

from ...lib.matching import match_key
from ..constants import AGENT_GROUP, INCIDENT_DETAILS, LINK_SUGGESTION_HOURS_PARAM
from ..lifecycle_guard import context_flag

DEFAULT_SUGGESTION_HOURS = 24
# raised while a closing major incident closes its reporters: their own
# closure gate is the incident's
closing_with_major_incident, is_closing_with_major_incident = context_flag(
    "helpdesk_expedite_closing_with_major"
)
UPDATE_TEMPLATE = "helpdesk_expedite.mail_template_major_incident_update"
CLOSED_TEMPLATE = "helpdesk_expedite.mail_template_major_incident_closed"
# precommit data: the reporters closed by their incident in this transaction
CLOSED_WITH_MAJOR = "helpdesk_expedite.closed_with_major"


def _match_keys(affected_service, error_message):
    return {
        "service_match_key": match_key(affected_service) or False,
        "error_match_key": match_key(error_message) or False,
    }


class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"

    major_incident_id = fields.Many2one(
        "helpdesk.ticket",
        string="Major Incident",
        index="btree_not_null",
        copy=False,
        ondelete="set null",
        tracking=True,
        groups=AGENT_GROUP,
        domain="[('class_of_service', '=', 'expedite'), ('closed', '=', False), "
        "('major_incident_id', '=', False), ('company_id', '=', company_id), "
        "('id', '!=', id)]",
        help="The open Expedite incident this ticket reports: its customer "
        "updates reach this ticket's customer and its closing resolves it.",
    )
    linked_ticket_ids = fields.One2many(
        "helpdesk.ticket",
        "major_incident_id",
        string="Linked Tickets",
        groups=AGENT_GROUP,
    )
    # precomputed: a new ticket has no linked tickets, and asking the
    # database so would cost every create a query
    linked_ticket_count = fields.Integer(
        compute="_compute_linked_ticket_count",
        store=True,
        precompute=True,
        groups=AGENT_GROUP,
    )
    # what the smart button shows: the linked tickets this user may open
    # (the stored count, for the rules, counts them all)
    visible_linked_ticket_count = fields.Integer(
        string="Linked Tickets You May Open",
        compute="_compute_visible_linked_ticket_count",
        groups=AGENT_GROUP,
    )
    service_match_key = fields.Char(
        compute="_compute_match_keys",
        store=True,
        precompute=True,
        index="btree_not_null",
        prefetch=INCIDENT_DETAILS,
    )
    error_match_key = fields.Char(
        compute="_compute_match_keys",
        store=True,
        precompute=True,
        index="btree_not_null",
        prefetch=INCIDENT_DETAILS,
    )
    major_incident_suggestion_id = fields.Many2one(
        "helpdesk.ticket",
        string="Suggested Major Incident",
        compute="_compute_major_incident_suggestion",
        groups=AGENT_GROUP,
    )
    dismissed_major_incident_id = fields.Many2one(
        "helpdesk.ticket",
        string="Dismissed Suggestion",
        copy=False,
        ondelete="set null",
        groups=AGENT_GROUP,
    )

    @api.model
    def _get_guarded_fields(self):
        return super()._get_guarded_fields() | {
            "linked_ticket_count",
            "service_match_key",
            "error_match_key",
        }

    @api.depends("linked_ticket_ids")
    def _compute_linked_ticket_count(self):
        counts = self._count_linked(self.env["helpdesk.ticket"].sudo())
        for ticket in self:
            ticket.linked_ticket_count = counts.get(ticket.id, 0)

    @api.depends_context("uid")
    @api.depends("linked_ticket_ids")
    def _compute_visible_linked_ticket_count(self):
        counts = self._count_linked(self.env["helpdesk.ticket"])
        for ticket in self:
            ticket.visible_linked_ticket_count = counts.get(ticket.id, 0)

    def _count_linked(self, tickets):
        """{incident id: how many of ``tickets`` are linked to it}."""
        saved_ids = [id_ for id_ in self.ids if isinstance(id_, int)]
        groups = saved_ids and tickets._read_group(
            [("major_incident_id", "in", saved_ids)],
            ["major_incident_id"],
            ["__count"],
        )
        return {major.id: count for major, count in groups or ()}

    @api.depends("affected_service", "error_message")
    def _compute_match_keys(self):
        for ticket in self:
            ticket.update(_match_keys(ticket.affected_service, ticket.error_message))

    @api.model
    def _add_precomputed_values(self, vals_list):
        """The link fields of a new ticket follow from its values alone.
        Odoo would build a new record for each ticket, impact lines
        included, to compute them: 1.5 s for 1,000 tickets."""
        for vals in vals_list:
            if "linked_ticket_ids" not in vals:
                vals.setdefault("linked_ticket_count", 0)
            keys = _match_keys(vals.get("affected_service"), vals.get("error_message"))
            for name, key in keys.items():
                vals.setdefault(name, key)
        return super()._add_precomputed_values(vals_list)

    @api.constrains("major_incident_id", "company_id")
    def _check_major_incident(self):
        linked = self.filtered("major_incident_id")
        for major, reporters in groupby(linked, key=lambda t: t.major_incident_id):
            major._check_can_gather(self.browse([t.id for t in reporters]))
        for major in self.sudo().filtered("linked_ticket_count"):
            if major.linked_ticket_ids.company_id != major.company_id:
                raise ValidationError(
                    self.env._(
                        "%s has linked tickets: it stays in their company.",
                        major.display_name,
                    )
                )

    def _check_can_gather(self, reporters):
        """Raise a clear error when ``reporters`` may not be linked to this
        major incident (checked once per batch, not per reporter)."""
        self.ensure_one()
        # the caller must see the incident (record rules): no linking blind
        self.with_env(reporters.env).check_access("read")
        # two agents linking A under B and B under A at once: the second
        # waits here (or deadlocks and is retried) and then sees the first
        self.env.execute_query(
            SQL(
                "SELECT id FROM helpdesk_ticket WHERE id = %s FOR NO KEY UPDATE",
                self.id,
            )
        )
        _ = self.env._
        if self in reporters:
            raise ValidationError(
                _("%s cannot be its own major incident.", self.display_name)
            )
        if self.class_of_service != "expedite" or self.closed:
            raise ValidationError(
                _(
                    "%s is not an open Expedite incident: only those gather "
                    "other tickets.",
                    self.display_name,
                )
            )
        if self.major_incident_id:
            raise ValidationError(
                _(
                    "%(major)s is itself linked to %(parent)s: link to that one.",
                    major=self.display_name,
                    parent=self.major_incident_id.display_name,
                )
            )
        foreign = reporters.filtered(lambda t: t.company_id != self.company_id)
        if foreign:
            raise ValidationError(
                _(
                    "%(tickets)s and %(major)s belong to different companies.",
                    tickets=", ".join(foreign.mapped("display_name")),
                    major=self.display_name,
                )
            )
        # counted afresh: a stored figure is no proof
        gathering = self.sudo().search([("major_incident_id", "in", reporters.ids)])
        gathering = gathering.major_incident_id.with_env(reporters.env)
        if gathering:
            raise ValidationError(
                _(
                    "%s has linked tickets of its own: a major incident cannot "
                    "be linked to another one.",
                    ", ".join(gathering.mapped("display_name")),
                )
            )

    # -- linking --------------------------------------------------------------

    def action_link_to_major_incident(self, major_incident_id):
        """Report the tickets under the major incident ``major_incident_id``."""
        if isinstance(major_incident_id, bool) or not isinstance(
            major_incident_id, int
        ):
            raise ValidationError(self.env._("Give the major incident's ticket id."))
        self.check_access("write")
        major = self.browse(major_incident_id).exists()
        if not major:
            raise ValidationError(
                self.env._("Ticket %s does not exist.", major_incident_id)
            )
        tickets = self.filtered(lambda t: t.major_incident_id != major)
        if tickets:
            tickets._write_major_incident(major, linking=True)
        return True

    def action_unlink_from_major_incident(self):
        """Detach the tickets from their major incident."""
        self.check_access("write")
        tickets = self.filtered("major_incident_id")
        # the incident may be one the agent cannot open: unlinking his own
        # tickets from it still names it in their chatter
        for major, group in groupby(tickets, key=lambda t: t.sudo().major_incident_id):
            self.browse([t.id for t in group])._write_major_incident(
                major, linking=False
            )
        return True

    def _write_major_incident(self, major, linking):
        """Link the tickets to ``major`` (or unlink them from it) in one
        write, and say so in their chatter and in the incident's."""
        self.with_context(tracking_disable=True).write(
            {"major_incident_id": major.id if linking else False}
        )
        _ = self.env._
        tickets = ", ".join(self.mapped("display_name"))
        if linking:
            mine = _("Linked to the major incident %s.", major.display_name)
            theirs = _(
                "%(count)s ticket(s) linked: %(tickets)s",
                count=len(self),
                tickets=tickets,
            )
        else:
            mine = _("Unlinked from the major incident %s.", major.display_name)
            theirs = _(
                "%(count)s ticket(s) unlinked: %(tickets)s",
                count=len(self),
                tickets=tickets,
            )
        self._log_link_notes(mine)
        major._log_link_notes(theirs)

    def action_link_to_suggested_major_incident(self):
        for ticket in self:
            if not ticket.major_incident_suggestion_id:
                raise UserError(
                    self.env._("%s has no major incident to link to.", ticket.name)
                )
            ticket.action_link_to_major_incident(ticket.major_incident_suggestion_id.id)
        return True

    def action_dismiss_major_incident_suggestion(self):
        self.check_access("write")
        for ticket in self.filtered("major_incident_suggestion_id"):
            ticket.dismissed_major_incident_id = ticket.major_incident_suggestion_id
        return True

    def action_open_linked_tickets(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Linked Tickets"),
            "res_model": "helpdesk.ticket",
            "view_mode": "list,form",
            "domain": [("major_incident_id", "=", self.id)],
            "context": {"default_major_incident_id": self.id},
        }

    def _log_link_notes(self, body):
        """One internal log line per ticket, created in one batch (linking a
        thousand reporters must not post a thousand times one by one)."""
        self._message_log_batch({ticket.id: body for ticket in self})

    def _on_major_incident_links_changed(self, previous_majors):
        """A flood of reports is a classification fact of the incident."""
        majors = (previous_majors | self.sudo().major_incident_id).with_env(self.env)
        majors.sudo()._classify()

    # -- suggestions ----------------------------------------------------------

    @api.depends_context("uid")
    @api.depends(
        "service_match_key",
        "error_match_key",
        "major_incident_id",
        "class_of_service",
        "stage_id",
        "company_id",
        "dismissed_major_incident_id",
    )
    def _compute_major_incident_suggestion(self):
        for ticket in self:
            ticket.major_incident_suggestion_id = ticket._find_major_incident()

    def _find_major_incident(self):
        """The most recent open Expedite incident this user can see that
        reports the same service or error, if the ticket could join it."""
        if (
            not isinstance(self.id, int)
            or self.major_incident_id
            or self.class_of_service == "expedite"
            or self.closed
            or self.linked_ticket_count
            or not (self.service_match_key or self.error_match_key)
        ):
            return self.browse()
        hours = int(
            self.env["ir.config_parameter"]
            .sudo()
            .get_param(LINK_SUGGESTION_HOURS_PARAM, DEFAULT_SUGGESTION_HOURS)
        )
        same_text = [
            (name, "=", self[name])
            for name in ("service_match_key", "error_match_key")
            if self[name]
        ]
        return self.search(
            [
                ("id", "not in", [self.id, self.dismissed_major_incident_id.id]),
                ("class_of_service", "=", "expedite"),
                ("stage_id.closed", "=", False),
                ("major_incident_id", "=", False),
                ("company_id", "=", self.company_id.id),
                ("create_date", ">=", fields.Datetime.now() - timedelta(hours=hours)),
                *(["|"] * (len(same_text) - 1)),
                *same_text,
            ],
            order="create_date desc, id desc",
            limit=1,
        )

    # -- what the major incident does for its reporters -----------------------

    def _get_open_linked_tickets(self):
        self.ensure_one()
        return self.sudo().linked_ticket_ids.filtered(lambda t: not t.closed)

    def _one_ticket_per_customer(self, exclude_partners):
        """The first ticket of each customer among ``self``: a customer who
        reported twice, or is known under two contacts with one address, gets
        one mail. ``exclude_partners`` are told already."""
        told = set(exclude_partners.mapped("email_normalized"))
        chosen = {}
        for ticket in self.sorted("id"):
            address = ticket.partner_id.email_normalized
            if address and address not in told:
                chosen.setdefault(address, ticket)
        return self.browse([ticket.id for ticket in chosen.values()])

    def _tell_linked_customers(self, template_xmlid, reporters, text):
        """Send ``template_xmlid`` once to each customer of ``reporters``,
        rendered on the customer's own ticket (language, time zone, link):
        no customer sees another one's name or address."""
        self.ensure_one()
        recipients = reporters._one_ticket_per_customer(self._get_incident_recipients())
        if not recipients:
            return self.env["mail.mail"]
        template = self.env.ref(template_xmlid).sudo()
        return template.with_context(major_incident_text=text).send_mail_batch(
            recipients.ids, email_layout_xmlid="mail.mail_notification_light"
        )

    def _fan_out_status_update(self, body):
        """The major incident's customer update, to its reporters' customers."""
        self.ensure_one()
        reporters = self._get_open_linked_tickets()
        if reporters:
            self._tell_linked_customers(UPDATE_TEMPLATE, reporters, body)

    def _close_linked_tickets(self):
        """Resolve the reporters still open with the incident's summary, through
        their closing stage (tracked); each customer is told once. A reporter
        whose team has no closed stage stays open, said on the incident."""
        self.ensure_one()
        reporters = self._get_open_linked_tickets()
        if not reporters:
            return
        if self.resolution_summary:
            reporters.filtered(lambda t: not t.resolution_summary).write(
                {"resolution_summary": self.resolution_summary}
            )
        closed, left_open = self.browse(), self.browse()
        with closing_with_major_incident():
            for _team, group in groupby(reporters, key=lambda t: t.team_id):
                group = self.browse([t.id for t in group]).sudo()
                stage = group[0]._find_closing_stage()
                if stage:
                    self.env.cr.precommit.data.setdefault(
                        CLOSED_WITH_MAJOR, set()
                    ).update(group.ids)
                    group.write({"stage_id": stage.id})
                    closed |= group
                else:
                    left_open |= group
        if left_open:
            self.message_post(
                body=self.env._(
                    "No closed stage for %s: close them by hand.",
                    ", ".join(left_open.mapped("display_name")),
                ),
                subtype_xmlid="mail.mt_note",
            )
        self._tell_linked_customers(
            CLOSED_TEMPLATE, closed, self.resolution_summary or ""
        )

    def _track_template(self, changes):
        """A reporter closed with its major incident is told by the incident's
        closing mail, not by the stage's own mail as well."""
        res = super()._track_template(changes)
        closed_with_major = self.env.cr.precommit.data.get(CLOSED_WITH_MAJOR, ())
        if "stage_id" in res and self[:1].id in closed_with_major:
            del res["stage_id"]
        return res
