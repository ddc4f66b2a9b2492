from urllib.parse import urlencode

from psycopg2.errors import LockNotAvailable

from odoo import http
from odoo.exceptions import AccessError, MissingError, UserError
from odoo.http import request
from odoo.tools import consteq

from odoo.addons.helpdesk_mgmt.controllers.myaccount import CustomerPortalHelpdesk

from ..models.db_locks import bounded_lock_wait

INCIDENT_CLASSES = ("expedite", "fixed_date")


def incident_messages(env):
    """Messages the portal ticket page may show, by key.

    Only a key travels in the URL: a crafted link cannot put arbitrary text
    on the ticket page.
    """
    return {
        "not_resolved": (
            "warning",
            env._(
                "The incident is not resolved yet: you can confirm once our "
                "team has put a fix in place."
            ),
        ),
        "close_refused": (
            "warning",
            env._(
                "This incident cannot be closed yet: the fix must be in place, "
                "watched and confirmed first."
            ),
        ),
    }


def portal_ticket_url(ticket_sudo, access_token=None, **params):
    """The ticket's portal page, carrying the access token only when the
    visitor came with it: a redirect must not hand the token to someone
    who reached the page with his own rights."""
    if access_token:
        params["access_token"] = access_token
    query = f"?{urlencode(params)}" if params else ""
    return f"/my/ticket/{ticket_sudo.id}{query}"


def portal_url_with_message(ticket_sudo, key, access_token=None):
    return portal_ticket_url(ticket_sudo, access_token, incident_message=key)


def may_act_as_customer(ticket_sudo, access_token):
    """Who may confirm or close a ticket from the portal.

    A logged-in user must be the ticket's customer: its contact or a contact
    of the same commercial partner (followers and agents may not, even with
    the token). A visitor who is not logged in needs the ticket's token.
    """
    user = request.env.user
    if user._is_public():
        return bool(
            access_token
            and ticket_sudo.access_token
            and consteq(ticket_sudo.access_token, access_token)
        )
    partner = user.partner_id
    commercial = ticket_sudo.commercial_partner_id
    return partner == ticket_sudo.partner_id or bool(
        commercial and partner.commercial_partner_id == commercial
    )


class ExpediteCustomerPortal(CustomerPortalHelpdesk):
    def _ticket_get_page_view_values(self, ticket, access_token, **kwargs):
        values = super()._ticket_get_page_view_values(ticket, access_token, **kwargs)
        major = ticket.sudo().major_incident_id
        if major:
            values["incident"] = self._prepare_linked_incident_panel(
                major, ticket.sudo()
            )
        elif ticket.class_of_service in INCIDENT_CLASSES:
            values["incident"] = self._prepare_incident_panel(ticket)
        message = incident_messages(request.env).get(kwargs.get("incident_message"))
        values["incident_message"] = message and message[1]
        values["incident_message_level"] = message and message[0]
        # helpdesk_mgmt gives the chatter the ticket's token: keep it for
        # those who came with it or are the customer (mails carry it anyway)
        values["chatter_token"] = (
            ticket.access_token if may_act_as_customer(ticket, access_token) else None
        )
        return values

    def _prepare_incident_panel(self, ticket_sudo):
        """Customer-facing facts only: nothing internal goes in here."""
        env = request.env

        def label(field_name):
            field = ticket_sudo._fields[field_name]
            return dict(field._description_selection(env)).get(ticket_sudo[field_name])

        phases = ticket_sudo._fields["incident_phase"]._description_selection(env)
        phase_keys = [key for key, _label in phases]
        resolved = ticket_sudo._is_resolved()
        return {
            "class_of_service": label("class_of_service"),
            "class_key": ticket_sudo.class_of_service,
            "phase": ticket_sudo.incident_phase,
            "phase_label": label("incident_phase"),
            "phases": [
                (key, text, index <= phase_keys.index(ticket_sudo.incident_phase))
                for index, (key, text) in enumerate(phases)
            ],
            "affected_service": ticket_sudo.affected_service,
            "affected_users": ticket_sudo.affected_user_count,
            "groups": [
                (line.name, line.affected_users) for line in ticket_sudo.impact_line_ids
            ],
            "deadline": ticket_sudo.deadline,
            "next_update": not ticket_sudo.closed and ticket_sudo.next_update_deadline,
            "overdue": ticket_sudo.update_overdue,
            "update_interval": ticket_sudo.update_interval,
            # oldest first: the story of the incident, in order
            "updates": ticket_sudo.status_update_ids.sorted(lambda u: (u.date, u.id)),
            "can_confirm": resolved
            and not ticket_sudo.customer_confirmed
            and not ticket_sudo.closed,
            "confirmed": ticket_sudo.customer_confirmed,
            "review_url": ticket_sudo.closed
            and ticket_sudo.class_of_service == "expedite"
            and f"/my/ticket/{ticket_sudo.id}/review",
        }

    def _prepare_linked_incident_panel(self, major_sudo, ticket_sudo=None):
        """The major incident as a reporter's customer sees it: its phase,
        cadence and published updates, nothing of its own customer (impact
        groups, deadline, confirmation, review). A report linked to it
        automatically sees what the status page shows: its public updates,
        not its service nor the number of users it affects."""
        panel = self._prepare_incident_panel(major_sudo)
        panel.update(
            linked=True,
            groups=[],
            deadline=False,
            can_confirm=False,
            confirmed=False,
            review_url=False,
        )
        if ticket_sudo and ticket_sudo.major_incident_auto_linked:
            panel.update(
                public_only=True,
                affected_service=False,
                updates=panel["updates"].filtered("is_public"),
            )
        return panel

    @http.route(
        "/my/ticket/<int:ticket_id>/review",
        type="http",
        auth="public",
        methods=["GET"],
        website=True,
    )
    def portal_ticket_review(self, ticket_id, access_token=None, **kw):
        """The customer's copy of the incident review, once it is closed."""
        try:
            ticket_sudo = self._document_check_access(
                "helpdesk.ticket", ticket_id, access_token=access_token
            )
        except (AccessError, MissingError):
            return request.redirect("/my")
        if (
            not may_act_as_customer(ticket_sudo, access_token)
            or not ticket_sudo.closed
            or ticket_sudo.class_of_service != "expedite"
        ):
            return request.redirect("/my")
        return self._show_report(
            ticket_sudo,
            "pdf",
            "helpdesk_expedite.action_report_incident_customer",
            download=True,
        )

    @http.route(
        "/my/ticket/<int:ticket_id>/confirm_resolution",
        type="http",
        auth="public",
        methods=["POST"],
        website=True,
        csrf=True,
    )
    def portal_ticket_confirm_resolution(self, ticket_id, access_token=None, **kw):
        """The customer confirms that the service works again."""
        try:
            ticket_sudo = self._document_check_access(
                "helpdesk.ticket", ticket_id, access_token=access_token
            )
        except (AccessError, MissingError):
            return request.redirect("/my")
        if not may_act_as_customer(ticket_sudo, access_token):
            return request.redirect("/my")
        if ticket_sudo.customer_confirmed:
            # a second click (or a replayed form) changes nothing
            return request.redirect(portal_ticket_url(ticket_sudo, access_token))
        author = (
            ticket_sudo.partner_id
            if request.env.user._is_public()
            else request.env.user.partner_id
        )
        try:
            with bounded_lock_wait(request.env.cr):
                ticket_sudo._confirm_resolution("portal", author)
        except LockNotAvailable:
            return self._ticket_busy_response()
        except UserError:
            return request.redirect(
                portal_url_with_message(ticket_sudo, "not_resolved", access_token)
            )
        return request.redirect(portal_ticket_url(ticket_sudo, access_token))

    def _ticket_busy_response(self):
        """503 with Retry-After: another request holds the ticket."""
        return request.make_response(
            request.env._(
                "Your ticket is being updated right now. Please go back and "
                "confirm again in a minute."
            ),
            headers=[
                ("Content-Type", "text/plain; charset=utf-8"),
                ("Retry-After", "30"),
            ],
            status=503,
        )
