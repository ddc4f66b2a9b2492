"""The ticket as an incident: the only create/write overrides (guarded
fields, classification, closure gate), the phase, the timeline and the
stage helpers shared by the phases."""

from contextlib import contextmanager, nullcontext

from odoo import api, fields, models
from odoo.tools import ormcache
from odoo.tools.sql import create_index, drop_index, make_index_name

from ...lib import incident, text
from ..constants import AGENT_GROUP, INCIDENT_DETAILS
from ..lifecycle_guard import check_guarded_fields
from ..public_method import Names, Values, ValuesList, public_method
from .classification import (
    CLASSIFICATION_FACTS,
    defer_classification,
    is_classification_deferred,
)
from .major_incident import is_closing_with_major_incident

# Columns once indexed whole, now partially (see _get_partial_indexes).
OBSOLETE_INDEXED_COLUMNS = (
    "class_of_service",
    "monitoring_state",
    "next_update_deadline",
    "class_of_service_rank",
)


# The fields of the writes under way on this cursor, innermost last
WRITTEN_FIELDS = "helpdesk_expedite.written_fields"


@contextmanager
def _writing(cr, vals):
    written = cr.cache.setdefault(WRITTEN_FIELDS, [])
    written.append(frozenset(vals))
    try:
        yield
    finally:
        written.pop()


def _minutes_field(string):
    """A measured duration in minutes from the report, averaged in reports."""
    return fields.Float(
        string=string,
        compute="_compute_response_times",
        store=True,
        aggregator="avg",
        groups=AGENT_GROUP,
        prefetch=INCIDENT_DETAILS,
    )


class HelpdeskTicket(models.Model):
    _name = "helpdesk.ticket"
    _inherit = [
        "helpdesk.ticket",
        "helpdesk.expedite.guarded.mixin",
        "helpdesk.expedite.incident.phase.mixin",
    ]

    incident_phase = fields.Selection(
        [
            ("investigating", "Investigating"),
            ("identified", "Identified"),
            ("monitoring", "Monitoring"),
            ("resolved", "Resolved"),
        ],
        compute="_compute_incident_phase",
    )
    time_to_acknowledge = _minutes_field("Time to Acknowledge (min)")
    time_to_escalate = _minutes_field("Time to Escalate (min)")
    time_to_resolve = _minutes_field("Time to Resolve (min)")
    time_to_close = _minutes_field("Time to Close (min)")

    @api.model
    def _get_guarded_fields(self):
        return super()._get_guarded_fields() | {
            "time_to_acknowledge",
            "time_to_escalate",
            "time_to_resolve",
            "time_to_close",
        }

    def init(self):
        res = super().init()
        cr, table = self.env.cr, self._table
        for column in OBSOLETE_INDEXED_COLUMNS:
            drop_index(cr, make_index_name(table, column), table)
        for column, where in self._get_partial_indexes().items():
            name = f"{table}_{column}_partial_index"
            create_index(cr, name, table, [f'"{column}"'], where=where)
        return res

    @api.depends("closed", "monitoring_state", "root_cause", "root_cause_category_id")
    def _compute_incident_phase(self):
        for ticket in self:
            ticket.incident_phase = incident.phase(ticket._get_incident_state())

    def _get_incident_state(self):
        """The facts the phase and the missing items are decided on."""
        self.ensure_one()
        return incident.IncidentState(
            closed=self.closed,
            root_cause=self.root_cause or "",
            root_cause_category=bool(self.sudo().root_cause_category_id),
            resolution_summary=self.resolution_summary or "",
            monitoring_state=self.monitoring_state,
            customer_confirmed=self.customer_confirmed,
        )

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
            ticket.time_to_acknowledge = incident.minutes_between(
                start, ticket.acknowledged_date
            )
            ticket.time_to_escalate = incident.minutes_between(
                start, ticket.escalated_date
            )
            ticket.time_to_resolve = incident.minutes_between(
                start, ticket.resolved_date
            )
            ticket.time_to_close = (
                incident.minutes_between(start, ticket.closed_date)
                if ticket.closed
                else 0.0
            )

    @public_method(vals_list=ValuesList())
    @api.model_create_multi
    def create(self, vals_list):
        check_guarded_fields(self, vals_list)
        self._make_single_line(vals_list)
        # a class given without a lock is harmless here: the rules classify
        # every new ticket that is not locked
        for vals in vals_list:
            self._check_closure_override_allowed(vals)
        with defer_classification():
            tickets = super().create(vals_list)
        tickets = tickets.with_env(self.env)
        # created with its reporters: the count precomputed on the new
        # record (0) is protected during the create; count them now
        majors = [
            t.id
            for t, v in zip(tickets, vals_list, strict=True)
            if v.get("linked_ticket_ids")
        ]
        if majors:
            field = self._fields["linked_ticket_count"]
            self.env.add_to_compute(field, self.browse(majors))
        tickets._classify()
        if any(vals.get("major_incident_id") for vals in vals_list):
            tickets._on_major_incident_links_changed(self.browse())
        tickets._auto_link_reports()
        return tickets

    @public_method(vals=Values())
    def write(self, vals):
        check_guarded_fields(self, [vals])
        self._make_single_line([vals])
        self._check_manual_class_allowed(vals)
        self._check_closure_override_allowed(vals)
        closing = self._tickets_being_closed(vals)
        if closing:
            closing._check_closure_allowed(vals)
        relinking = "major_incident_id" in vals
        previous_majors = self.sudo().major_incident_id if relinking else None
        classify = bool(CLASSIFICATION_FACTS & vals.keys())
        classify = classify and not is_classification_deferred()
        deferring = defer_classification() if classify else nullcontext()
        with _writing(self.env.cr, vals), deferring:
            res = super().write(vals)
        if classify:
            self._classify()
        if closing:
            closing._on_incident_closed()
        if relinking:
            self._on_major_incident_links_changed(previous_majors)
        return res

    @api.model
    @public_method(fields_list=Names())
    def default_get(self, fields_list):
        defaults = super().default_get(fields_list)
        self._make_single_line([defaults])  # context defaults come from RPC too
        return defaults

    def _make_single_line(self, vals_list):
        """Every text field of one line (the title, the service, the
        customer's name and address: any of them can reach a mail header)
        gets its line breaks as spaces, whatever the channel it came by."""
        names = self._get_single_line_fields()
        for vals in vals_list:
            for name in names & vals.keys():
                vals[name] = text.single_line(vals[name])

    @api.model
    @ormcache()
    def _get_single_line_fields(self):
        return frozenset(
            name for name, field in self._fields.items() if field.type == "char"
        )

    def _track_prepare(self, fields_iter):
        """Before any write, Odoo keeps the old value of every tracked field
        (renaming 1,000 tickets read 11,000 incident values for nothing).
        The add-on's plain fields change only when written; its computed
        ones are kept by Odoo anyway just before they are recomputed. So a
        write keeps only the add-on's fields it names. Only in the call
        mail.thread's write makes with all the fields: a recompute inside the
        write (a flush when a line is deleted) keeps its fields as usual."""
        written = self.env.cr.cache.get(WRITTEN_FIELDS)
        if written and fields_iter is self._fields:
            skipped = self._get_own_tracked_fields() - written[-1]
            fields_iter = [name for name in fields_iter if name not in skipped]
        return super()._track_prepare(fields_iter)

    @api.model
    @ormcache()
    def _get_own_tracked_fields(self):
        return frozenset(
            name
            for name, field in self._fields.items()
            if field._module == "helpdesk_expedite" and getattr(field, "tracking", None)
        )

    def _tickets_being_closed(self, vals):
        """Expedite tickets that this write moves into a closed stage (none
        while a major incident closes its reporters: its gate covers them)."""
        if not vals.get("stage_id") or is_closing_with_major_incident():
            return self.browse()
        stage = self.env["helpdesk.ticket.stage"].browse(vals["stage_id"])
        if not stage.closed:
            return self.browse()
        return self.filtered(
            lambda t: t.class_of_service == "expedite" and not t.closed
        )
