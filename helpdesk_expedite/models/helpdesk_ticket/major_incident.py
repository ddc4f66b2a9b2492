"""One outage, many reporters: tickets linked to their major incident (the
link, its checks, linking and unlinking). The suggestion to link them is in
major_incident_suggestion.py, what the incident does for its reporters in
major_incident_fanout.py."""

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL, groupby

from ..constants import AGENT_GROUP
from ..lifecycle_guard import context_flag
from ..public_method import Record, public_method, visible_record

# raised while a closing major incident closes its reporters: their own
# closure gate is the incident's
closing_with_major_incident, is_closing_with_major_incident = context_flag(
    "helpdesk_expedite_closing_with_major"
)
# raised while new tickets are created (report_flood.py links the reports
# of a published outage as they are inserted)
creating_reports, is_creating_reports = context_flag(
    "helpdesk_expedite_creating_reports"
)


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

    @api.model
    def _get_guarded_fields(self):
        return super()._get_guarded_fields() | {"linked_ticket_count"}

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
        # the caller must see the incident (record rules): no linking blind,
        # and no telling an incident he may not see from a missing one; the
        # system's links of the reports being created (report_flood.py) are
        # not blind, and checked as the system
        major = self.sudo()
        if not is_creating_reports() or reporters.sudo().filtered(
            lambda t: not t.major_incident_auto_linked
        ):
            major = visible_record(reporters.env[self._name], self.id)
        # two agents linking A under B and B under A at once: the second
        # waits here (or deadlocks and is retried) and then sees the first
        self.env.execute_query(
            SQL(
                "SELECT id FROM helpdesk_ticket WHERE id = %s FOR NO KEY UPDATE",
                self.id,
            )
        )
        major._check_gathering_incident(reporters)
        major._check_gathered_reporters(reporters)

    def _check_gathering_incident(self, reporters):
        """The incident itself: an open Expedite one, not a reporter."""
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

    def _check_gathered_reporters(self, reporters):
        """The reporters: of the incident's company, gathering none."""
        _ = self.env._
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

    @public_method(access="write", major_incident_id=Record("helpdesk.ticket"))
    def action_link_to_major_incident(self, major_incident_id):
        """Report the tickets under the major incident ``major_incident_id``
        (one the user may see: any other id answers as a missing one)."""
        major = self.browse(major_incident_id)
        tickets = self.filtered(lambda t: t.major_incident_id != major)
        if tickets:
            tickets._write_major_incident(major, linking=True)
        return True

    @public_method(access="write")
    def action_unlink_from_major_incident(self):
        """Detach the tickets from their major incident."""
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
        self._log_major_incident_links(major, linking)

    def _log_major_incident_links(self, major, linking):
        """One note on each of these tickets, one on ``major`` naming them."""
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

    @public_method(access="read", single=True)
    def action_open_linked_tickets(self):
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
