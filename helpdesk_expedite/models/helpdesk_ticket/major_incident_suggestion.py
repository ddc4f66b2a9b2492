"""The suggestion to link a report to the open major incident of the same
service or error: normalised keys of both texts, the incident found."""

from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError

from ...lib.matching import match_key
from ..constants import AGENT_GROUP, INCIDENT_DETAILS, LINK_SUGGESTION_HOURS_PARAM
from ..public_method import public_method

DEFAULT_SUGGESTION_HOURS = 24


def _match_keys(affected_service, error_message):
    return {
        "service_match_key": match_key(affected_service) or False,
        "error_match_key": match_key(error_message) or False,
    }


class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"

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
        return super()._get_guarded_fields() | {"service_match_key", "error_match_key"}

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

    @public_method(access="write")
    def action_link_to_suggested_major_incident(self):
        for ticket in self:
            if not ticket.major_incident_suggestion_id:
                raise UserError(
                    self.env._("%s has no major incident to link to.", ticket.name)
                )
            ticket.action_link_to_major_incident(ticket.major_incident_suggestion_id.id)
        return True

    @public_method(access="write")
    def action_dismiss_major_incident_suggestion(self):
        for ticket in self.filtered("major_incident_suggestion_id"):
            ticket.dismissed_major_incident_id = ticket.major_incident_suggestion_id
        return True

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
