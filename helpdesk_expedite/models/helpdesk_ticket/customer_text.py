"""The texts the customer reads, composed in his language and time zone
whoever sends them: the incident's phase, a selection's label, a starting
point for the next update."""

from odoo import models
from odoo.tools import format_datetime


class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"

    def _for_customer(self):
        """The ticket in its customer's language and time zone: texts the
        customer reads are composed there, whoever sends them."""
        partner = self.partner_id
        return self.with_context(
            lang=partner.lang or self.env.lang,
            tz=partner.tz or self.env.context.get("tz") or "UTC",
        )

    def _get_incident_phase_label(self):
        """The phase as the mails name it, in the rendering language."""
        return self._get_selection_label("incident_phase")

    def _get_selection_label(self, field_name):
        """The label of the ticket's value of a selection field, in the
        language of the environment (the constants hold untranslated ones)."""
        self.ensure_one()
        field = self._fields[field_name]
        return dict(field._description_selection(self.env)).get(self[field_name])

    def _get_phase_update_text(self):
        """A starting point for the next update, from the current phase, in
        the customer's language and time zone."""
        self.ensure_one()
        ticket = self._for_customer()
        _ = ticket.env._
        phase = ticket.incident_phase
        if phase == "investigating":
            return _(
                "We are still investigating the incident affecting %(service)s "
                "(%(users)s users). Next update within %(minutes)s minutes.",
                service=ticket.affected_service or ticket.name,
                users=ticket.affected_user_count,
                minutes=ticket.update_interval or 15,
            )
        if phase == "identified":
            return _(
                "We have identified the cause and are applying a fix. Next "
                "update within %s minutes.",
                ticket.update_interval or 15,
            )
        if phase == "monitoring":
            return _(
                "A fix is in place and we are watching the service until "
                "%(when)s (%(tz)s) before asking you to confirm.",
                when=format_datetime(
                    ticket.env,
                    ticket.monitoring_end_date,
                    tz=ticket.env.context["tz"],
                    dt_format="short",
                ),
                tz=ticket.env.context["tz"],
            )
        return _("The service is working again. Please confirm on your ticket page.")
