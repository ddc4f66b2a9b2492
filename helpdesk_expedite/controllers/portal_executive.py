"""The ticket's portal page opened from an executive's link: signed for
him, without the customer's access token (see helpdesk.ticket's
``_get_executive_url``)."""

from odoo import http
from odoo.http import request
from odoo.tools import consteq

from .portal import ExpediteCustomerPortal


def executive_ticket(ticket_id, pid, signature):
    """The ticket, when ``pid`` and ``signature`` are the link one of its
    executives received (helpdesk.ticket._get_executive_url: Odoo's portal
    signature of the partner, which depends on the ticket's access token);
    else None. The signature is checked on the ticket it names, as a token
    is."""
    try:
        pid = int(pid)
    except (TypeError, ValueError):
        return None
    ticket_sudo = request.env["helpdesk.ticket"].sudo().browse(ticket_id).exists()
    if not signature or not ticket_sudo or not ticket_sudo.access_token:
        return None
    if pid not in (ticket_sudo.executive_partner_ids - ticket_sudo.partner_id).ids:
        return None
    if not consteq(str(signature), ticket_sudo._sign_token(pid)):
        return None
    return ticket_sudo


class ExecutivePortal(ExpediteCustomerPortal):
    @http.route()
    def portal_my_ticket(self, ticket_id, access_token=None, **kw):
        """An executive's link opens the page too, read-only: no token, no
        confirmation (the customer's)."""
        ticket_sudo = None
        if not access_token and kw.get("pid"):
            ticket_sudo = executive_ticket(ticket_id, kw["pid"], kw.get("hash"))
        if ticket_sudo is None:
            return super().portal_my_ticket(ticket_id, access_token=access_token, **kw)
        values = self._ticket_get_page_view_values(ticket_sudo, None, **kw)
        if values.get("incident"):
            values["incident"]["can_confirm"] = False
        return request.render("helpdesk_mgmt.portal_helpdesk_ticket_page", values)
