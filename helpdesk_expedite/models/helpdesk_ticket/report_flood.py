"""The flood of reports during a published outage.

With its team's option *Link Matching Reports Automatically*, a new ticket
(mail gateway, portal form, back office) whose service or error matches an
open Expedite incident published on the status page, of the same company,
is linked to it as it is created. Its customer then gets one short answer
in his language, pointing to the incident's public page and to his ticket,
instead of the first stage's mail (the generic acknowledgement). Without
the option nothing is linked: the ticket shows the suggestion to link it.

The link is the system's: ``action_link_to_major_incident`` as superuser
whatever the channel's rights, with its checks (same company, an open
Expedite incident that is not linked itself, a report that gathers none)
and its notes. A report matches on its own service or error, or when its
subject or text mentions the incident's (at least two words). Until an agent
links it himself, such a reporter's customer is told what the public page
says: the public title, the public updates, that it is resolved; not the
incident's service, the updates for its customers only, nor its resolution
summary.
"""

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import email_normalize, html2plaintext

from ...lib.matching import mentions, text_key
from ..constants import AGENT_GROUP
from ..lifecycle_guard import context_flag, system_write
from ..public_method import Values, ValuesList, public_method
from .major_incident_fanout import CLOSED_TEMPLATE, UPDATE_TEMPLATE

# precommit data: the tickets linked automatically in this transaction
AUTO_LINKED = "helpdesk_expedite.auto_linked_reports"
ANSWER_TEMPLATE = "helpdesk_expedite.mail_template_report_linked"
# what an automatically linked reporter's customer gets instead
PUBLIC_TEMPLATES = {
    UPDATE_TEMPLATE: "helpdesk_expedite.mail_template_report_incident_update",
    CLOSED_TEMPLATE: "helpdesk_expedite.mail_template_report_incident_closed",
}
# precommit data: tickets created and not yet judged by _auto_link_reports,
# and those whose first stage's mail waits for that judgement
NEW_REPORTS = "helpdesk_expedite.new_reports"
DEFERRED_STAGE_MAIL = "helpdesk_expedite.deferred_stage_mail"
auto_linking, is_auto_linking = context_flag("helpdesk_expedite_auto_linking")
creating_reports, is_creating_reports = context_flag(
    "helpdesk_expedite_creating_reports"
)


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
        # next flush, before ticket.py's create links the reports: it waits
        # for them to be judged (_track_template below)
        with creating_reports():
            tickets = super().create(vals_list)
        self.env.cr.precommit.data.setdefault(NEW_REPORTS, set()).update(tickets.ids)
        return tickets

    @public_method(vals=Values())
    def write(self, vals):
        result = super().write(vals)
        if "major_incident_id" in vals and not is_auto_linking():
            # an agent linked or unlinked it: the link is his now
            agents = self.sudo().filtered("major_incident_auto_linked")
            if agents:
                with system_write():
                    agents.write({"major_incident_auto_linked": False})
        return result

    # -- linking as they come in ------------------------------------------

    def _auto_link_reports(self):
        """Link those of these new tickets that report a published outage
        (ticket.py's create calls it once they are classified)."""
        reports = self.sudo().filtered(lambda t: t._may_auto_link())
        incidents = reports and self._get_published_incidents(reports.company_id)
        links = {}
        for report in reports:
            major = report._match_published_incident(incidents)
            if major:
                links.setdefault(major, self.browse())
                links[major] |= report
        for major, group in links.items():
            group._link_automatically(major)
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

    def _may_auto_link(self):
        """A report of a team with the option, that could join an incident,
        whose customer may be told about this company's incidents."""
        self.ensure_one()
        team, customer = self.team_id, self.partner_id
        return bool(
            team.auto_link_reports
            and self.active
            and not self.closed
            and not self.major_incident_id
            and not self.linked_ticket_count
            and self.class_of_service != "expedite"
            and team.company_id in (self.company_id, team.company_id.browse())
            and customer.company_id in (self.company_id, customer.company_id.browse())
        )

    @api.model
    def _get_published_incidents(self, companies):
        """The open Expedite incidents on these companies' status pages,
        the most recently published first."""
        return self.sudo().search(
            [
                ("status_published", "=", True),
                ("class_of_service", "=", "expedite"),
                ("stage_id.closed", "=", False),
                ("major_incident_id", "=", False),
                ("company_id", "in", companies.ids),
            ],
            order="status_published_date desc, id desc",
        )

    def _match_published_incident(self, incidents):
        """The incident among ``incidents`` this report is about, if any."""
        self.ensure_one()
        incidents = incidents.filtered(lambda i: i.company_id == self.company_id)
        own = {self.service_match_key, self.error_match_key} - {False, ""}
        for major in incidents:
            if own & {major.service_match_key, major.error_match_key}:
                return major
        if not incidents:
            return incidents
        text = text_key(f"{self.name or ''} {html2plaintext(self.description or '')}")
        for major in incidents:
            if mentions(text, major.service_match_key) or mentions(
                text, major.error_match_key
            ):
                return major
        return incidents.browse()

    def _link_automatically(self, major):
        """Link these reports to ``major`` as the system, or leave them
        for an agent when the incident may not gather them (any more)."""
        reports = self.sudo()
        try:
            with self.env.cr.savepoint(), auto_linking(), system_write():
                # the agents' link method, as the system: the same checks
                # (same company, an incident gathering no other one), notes
                reports.action_link_to_major_incident(major.id)
                reports.write({"major_incident_auto_linked": True})
        except (UserError, ValidationError):
            return
        self.env.cr.precommit.data.setdefault(AUTO_LINKED, set()).update(reports.ids)
        template = self.env.ref(ANSWER_TEMPLATE).sudo()
        template.send_mail_batch(
            reports.ids, email_layout_xmlid="mail.mail_notification_light"
        )

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

    # -- what such a reporter's customer is told ---------------------------

    def _reporters_given_the_summary(self, reporters):
        """Not the reports linked automatically: the summary is written for
        the incident's own customers."""
        reporters = super()._reporters_given_the_summary(reporters)
        return reporters.filtered(lambda t: not t.sudo().major_incident_auto_linked)

    def _tell_linked_customers(self, template_xmlid, reporters, text):
        """Reporters linked by an agent hear what the incident's customers
        hear; those linked automatically what the status page says."""
        auto = reporters.sudo().filtered("major_incident_auto_linked")
        public = PUBLIC_TEMPLATES.get(template_xmlid)
        if not auto or not public:
            return super()._tell_linked_customers(template_xmlid, reporters, text)
        mails = super()._tell_linked_customers(template_xmlid, reporters - auto, text)
        if template_xmlid == UPDATE_TEMPLATE:
            if not self._get_latest_status_update().is_public:
                return mails  # for the incident's customers only
        else:
            text = ""  # the resolution summary is the customers'
        told = {email_normalize(mail.email_to) for mail in mails} | set(
            self._get_incident_recipients().mapped("email_normalized")
        )
        told |= set(mails.recipient_ids.mapped("email_normalized"))
        recipients = auto._one_report_per_address(told)
        if recipients:
            template = self.env.ref(public).sudo()
            mails |= template.with_context(major_incident_text=text).send_mail_batch(
                recipients.ids, email_layout_xmlid="mail.mail_notification_light"
            )
        return mails

    def _one_report_per_address(self, told):
        """The first report of each address not in ``told`` (a customer
        known as a contact, or only by the address he wrote from)."""
        chosen = {}
        for report in self.sorted("id"):
            address = report.partner_id.email_normalized or email_normalize(
                report.partner_email or ""
            )
            if address and address not in told:
                chosen.setdefault(address, report)
        return self.browse([report.id for report in chosen.values()])
