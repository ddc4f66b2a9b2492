"""What a major incident does for its reporters: its customer updates
reach their customers, its closing resolves them."""

from odoo import models
from odoo.tools import groupby

from .major_incident import closing_with_major_incident

UPDATE_TEMPLATE = "helpdesk_expedite.mail_template_major_incident_update"
CLOSED_TEMPLATE = "helpdesk_expedite.mail_template_major_incident_closed"
# precommit data: the reporters closed by their incident in this transaction
CLOSED_WITH_MAJOR = "helpdesk_expedite.closed_with_major"


class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"

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

    def _reporters_given_the_summary(self, reporters):
        """The reporters whose tickets take the incident's resolution
        summary (their customers read it on their portal page)."""
        return reporters

    def _close_linked_tickets(self):
        """Resolve the reporters still open with the incident's summary, through
        their closing stage (tracked); each customer is told once. A reporter
        whose team has no closed stage stays open, said on the incident."""
        self.ensure_one()
        reporters = self._get_open_linked_tickets()
        if not reporters:
            return
        if self.resolution_summary:
            self._reporters_given_the_summary(reporters).filtered(
                lambda t: not t.resolution_summary
            ).write({"resolution_summary": self.resolution_summary})
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
