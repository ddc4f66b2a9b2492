from odoo import http
from odoo.exceptions import AccessError, MissingError, UserError
from odoo.http import request

from odoo.addons.helpdesk_mgmt.controllers.myaccount import CustomerPortalHelpdesk

INCIDENT_CLASSES = ("expedite", "fixed_date")


class ExpediteCustomerPortal(CustomerPortalHelpdesk):
    def _ticket_get_page_view_values(self, ticket, access_token, **kwargs):
        values = super()._ticket_get_page_view_values(ticket, access_token, **kwargs)
        if ticket.class_of_service in INCIDENT_CLASSES:
            values["incident"] = self._prepare_incident_panel(ticket)
        values["incident_message"] = kwargs.get("incident_message")
        return values

    def _prepare_incident_panel(self, ticket_sudo):
        """Customer-facing facts only: nothing internal goes in here."""
        return {
            "class_of_service": dict(
                ticket_sudo._fields["class_of_service"]._description_selection(
                    request.env
                )
            )[ticket_sudo.class_of_service],
            "phase": ticket_sudo.incident_phase,
            "phase_label": dict(
                ticket_sudo._fields["incident_phase"]._description_selection(
                    request.env
                )
            )[ticket_sudo.incident_phase],
            "affected_users": ticket_sudo.affected_user_count,
            "groups": [
                (line.name, line.affected_users) for line in ticket_sudo.impact_line_ids
            ],
            "next_update": ticket_sudo.next_update_deadline
            if not ticket_sudo.closed
            else False,
            "overdue": ticket_sudo.update_overdue,
            "updates": ticket_sudo.status_update_ids.sorted(
                lambda u: (u.date, u.id)
            ),
            "can_confirm": ticket_sudo._is_resolved()
            and not ticket_sudo.customer_confirmed
            and not ticket_sudo.closed,
            "confirmed": ticket_sudo.customer_confirmed,
        }

    @http.route(
        "/my/ticket/<int:ticket_id>/confirm_resolution",
        type="http",
        auth="public",
        methods=["POST"],
        website=True,
        csrf=True,
    )
    def portal_ticket_confirm_resolution(self, ticket_id, access_token=None, **kw):
        try:
            ticket_sudo = self._document_check_access(
                "helpdesk.ticket", ticket_id, access_token=access_token
            )
        except (AccessError, MissingError):
            return request.redirect("/my")
        if not access_token and not self._is_ticket_customer(ticket_sudo):
            return request.redirect("/my")
        url = ticket_sudo.get_portal_url()
        try:
            ticket_sudo.with_context(
                helpdesk_expedite_confirmed_by=request.env.user.partner_id.id
            ).action_confirm_resolution(channel="portal")
        except UserError as error:
            return request.redirect(
                self._url_with_message(url, error.args[0] if error.args else "")
            )
        return request.redirect(url)

    @staticmethod
    def _url_with_message(url, message):
        from werkzeug.urls import url_encode

        separator = "&" if "?" in url else "?"
        return f"{url}{separator}{url_encode({'incident_message': message})}"

    @staticmethod
    def _is_ticket_customer(ticket_sudo):
        """The ticket's contact, or a contact of its commercial partner."""
        partner = request.env.user.partner_id
        if request.env.user._is_public():
            return False
        return (
            partner == ticket_sudo.partner_id
            or partner.commercial_partner_id == ticket_sudo.commercial_partner_id
            and bool(ticket_sudo.commercial_partner_id)
        )
