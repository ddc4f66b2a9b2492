"""The flood of reports during a published outage.

With its team's option *Link Matching Reports Automatically*, a new ticket
(mail gateway, portal form, back office) whose service or error matches an
open Expedite incident published on the status page, of the same company,
is linked to it as it is created. Its customer then gets one short answer
in his language, pointing to the incident's public page and to his ticket,
instead of the first stage's mail (the generic acknowledgement). Without
the option nothing is linked: the ticket shows the suggestion to link it.

The link is the system's, made as the report is inserted (no second
write), whatever the channel's rights: checked as an agent's link is (same
company, an open Expedite incident that is not linked itself, a report that
gathers none) but not for the incident's visibility to the user who wrote
in. A report classified Expedite as it is created is unlinked: an incident
of its own. A report matches on its own service or error, or when its
subject or text mentions the incident's (at least two words). The answer,
the notes and what such a reporter is told later: report_flood_answers.py.
"""

from odoo import api, fields, models
from odoo.tools import groupby, html2plaintext

from ...lib.matching import mentions, text_key
from ..constants import AGENT_GROUP
from ..lifecycle_guard import context_flag, system_write
from ..public_method import Values, ValuesList, public_method
from .major_incident import creating_reports, is_creating_reports

# precommit data: the tickets linked automatically in this transaction
AUTO_LINKED = "helpdesk_expedite.auto_linked_reports"
# precommit data: tickets created and not yet judged by _auto_link_reports,
# and those whose first stage's mail waits for that judgement
NEW_REPORTS = "helpdesk_expedite.new_reports"
DEFERRED_STAGE_MAIL = "helpdesk_expedite.deferred_stage_mail"
auto_linking, is_auto_linking = context_flag("helpdesk_expedite_auto_linking")


def _given(tickets, vals, name):
    """The record a new ticket's many2one ``name`` is given in ``vals`` (an
    id, or a record from server code), as the system sees it."""
    value = vals.get(name)
    comodel = tickets.env[tickets._fields[name].comodel_name].sudo()
    if isinstance(value, models.BaseModel):
        return comodel.browse(value.ids[:1])
    if isinstance(value, int) and not isinstance(value, bool):
        return comodel.browse(value)
    return comodel


class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"

    major_incident_auto_linked = fields.Boolean(
        string="Linked Automatically",
        readonly=True,
        copy=False,
        groups=AGENT_GROUP,
        help="Linked to its major incident by the team's option, not by an "
        "agent: its customer is told what the status page says.",
    )

    @api.model
    def _get_guarded_fields(self):
        return super()._get_guarded_fields() | {"major_incident_auto_linked"}

    @public_method(vals_list=ValuesList())
    @api.model_create_multi
    def create(self, vals_list):
        # the first stage's mail is posted inside Odoo's create or at the
        # next flush, before ticket.py's create classifies the reports: it
        # waits for them to be judged (_track_template below)
        with creating_reports():
            tickets = super().create(vals_list)
        data = self.env.cr.precommit.data
        data.setdefault(NEW_REPORTS, set()).update(tickets.ids)
        linked = tickets.sudo().filtered("major_incident_auto_linked")
        data.setdefault(AUTO_LINKED, set()).update(linked.ids)
        return tickets

    @public_method(vals=Values())
    def write(self, vals):
        unanswered = self.browse()
        if "major_incident_id" in vals and not is_auto_linking():
            # an agent links or unlinks it: the link (and the answer) is
            # his now, and checked as his (_check_can_gather)
            unanswered = self.sudo().filtered("report_answer_pending")
            vals = {
                **vals,
                "major_incident_auto_linked": False,
                "report_answer_pending": False,
            }
        result = super().write(vals)
        for report in unanswered:  # its short answer waited: the usual one
            report._message_track_post_template(["stage_id"])
        return result

    # -- linking as they come in ------------------------------------------

    @api.model
    def _add_precomputed_values(self, vals_list):
        """Link the new reports of a published outage as they are inserted:
        no second write, no second round of checks."""
        super()._add_precomputed_values(vals_list)
        candidates = [vals for vals in vals_list if self._may_auto_link(vals)]
        if not candidates:
            return
        companies = self.env["res.company"].union(
            *(_given(self, vals, "company_id") for vals in candidates)
        )
        incidents = self._get_published_incidents(companies)
        floods = {}  # {incident: whether it is flooded}
        for vals in candidates:
            major = self._match_published_incident(vals, incidents)
            if major:
                if major not in floods:
                    floods[major] = self._in_a_flood(major)
                vals["major_incident_id"] = major.id
                vals["major_incident_auto_linked"] = True
                vals["report_answer_pending"] = floods[major]

    @api.model
    def _may_auto_link(self, vals):
        """A report of a team with the option, that could join an incident,
        whose customer may be told about this company's incidents (from
        the values of a ticket about to be inserted)."""
        team = _given(self, vals, "team_id")
        if not team.auto_link_reports:
            return False
        company = _given(self, vals, "company_id")
        customer = _given(self, vals, "partner_id")
        stage = _given(self, vals, "stage_id")
        return bool(
            company
            and vals.get("active", True)
            and not stage.closed
            and not vals.get("major_incident_id")
            and not vals.get("linked_ticket_ids")
            and vals.get("class_of_service") != "expedite"
            and team.company_id in (company, team.company_id.browse())
            and customer.company_id in (company, customer.company_id.browse())
        )

    @api.model
    def _get_published_incidents(self, companies):
        """The open Expedite incidents on these companies' status pages,
        the most recently published first (with what a match reads)."""
        return self.sudo().search_fetch(
            [
                ("status_published", "=", True),
                ("class_of_service", "=", "expedite"),
                ("stage_id.closed", "=", False),
                ("major_incident_id", "=", False),
                ("company_id", "in", companies.ids),
            ],
            ["company_id", "service_match_key", "error_match_key"],
            order="status_published_date desc, id desc",
        )

    @api.model
    def _match_published_incident(self, vals, incidents):
        """The incident among ``incidents`` the new report ``vals`` is
        about, if any."""
        company = _given(self, vals, "company_id")
        incidents = incidents.filtered(lambda i: i.company_id == company)
        own = {vals.get("service_match_key"), vals.get("error_match_key")}
        own -= {None, False, ""}
        for major in incidents:
            if own & {major.service_match_key, major.error_match_key}:
                return major
        if not incidents:
            return incidents
        description = vals.get("description") or ""
        text = text_key(f"{vals.get('name') or ''} {html2plaintext(description)}")
        for major in incidents:
            if mentions(text, major.service_match_key) or mentions(
                text, major.error_match_key
            ):
                return major
        return incidents.browse()

    def _auto_link_reports(self):
        """Answer the new reports linked as they were inserted (ticket.py's
        create calls it once they are classified); one classified Expedite
        meanwhile is an incident of its own, not a report: unlinked."""
        linked = self.sudo().filtered("major_incident_auto_linked")
        expedite = linked.filtered(lambda t: t.class_of_service == "expedite")
        if expedite:
            self.env.cr.precommit.data[AUTO_LINKED].difference_update(expedite.ids)
            with auto_linking(), system_write():
                expedite.write(
                    {
                        "major_incident_id": False,
                        "major_incident_auto_linked": False,
                        "report_answer_pending": False,
                    }
                )
            linked -= expedite
        if linked:
            linked._on_major_incident_links_changed(self.browse())
        for major, reports in groupby(linked, key=lambda t: t.major_incident_id):
            reports = self.sudo().browse([r.id for r in reports])
            queued = reports.filtered("report_answer_pending")
            if queued:
                queued._queue_link_answers(major)
            if reports - queued:
                (reports - queued)._send_link_answers(major)
        self._post_deferred_stage_mails()

    def _post_deferred_stage_mails(self):
        """The first stage's mail of the new reports of a team with the
        option, now that it is known which ones got the short answer."""
        data = self.env.cr.precommit.data
        data.get(NEW_REPORTS, set()).difference_update(self.ids)
        deferred = data.get(DEFERRED_STAGE_MAIL, set())
        for ticket in self.filtered(lambda t: t.id in deferred):
            deferred.discard(ticket.id)
            ticket._message_track_post_template(["stage_id"])

    def _track_template(self, changes):
        """A report linked automatically has had its short answer: not the
        first stage's mail as well."""
        res = super()._track_template(changes)
        if "stage_id" not in res:
            return res
        data, ticket = self.env.cr.precommit.data, self[:1]
        if ticket.id in data.get(AUTO_LINKED, ()):
            del res["stage_id"]
        elif (
            is_creating_reports() or ticket.id in data.get(NEW_REPORTS, ())
        ) and ticket.sudo().team_id.auto_link_reports:
            data.setdefault(DEFERRED_STAGE_MAIL, set()).add(ticket.id)
            del res["stage_id"]  # posted by _auto_link_reports unless linked
        return res
