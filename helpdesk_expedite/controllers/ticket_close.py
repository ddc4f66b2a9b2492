from odoo import http
from odoo.exceptions import AccessError, MissingError, UserError
from odoo.http import request

from odoo.addons.helpdesk_mgmt.controllers.main import HelpdeskTicketController
from odoo.addons.portal.controllers.portal import CustomerPortal


class ExpediteHelpdeskTicketController(HelpdeskTicketController):
    @http.route("/ticket/close", type="http", auth="user", methods=["POST"], csrf=True)
    def support_ticket_close(self, **kw):
        """Close a ticket from the portal, for those who may see it only.

        Replaces helpdesk_mgmt's GET route, which looked the ticket up with
        sudo from the request and let any user close any ticket.
        """
        try:
            ticket_id = int(kw.get("ticket_id") or 0)
            stage_id = int(kw.get("stage_id") or 0)
        except ValueError:
            return request.redirect("/my")
        try:
            ticket_sudo = CustomerPortal()._document_check_access(
                "helpdesk.ticket", ticket_id, access_token=kw.get("access_token")
            )
        except (AccessError, MissingError):
            return request.redirect("/my")
        applicable = ticket_sudo.team_id._get_applicable_stages()
        stage = applicable.filtered(lambda s: s.id == stage_id and s.close_from_portal)
        if stage and not ticket_sudo.closed:
            try:
                ticket_sudo.write({"stage_id": stage.id})
            except UserError as error:
                url = ticket_sudo.get_portal_url()
                return request.redirect(
                    f"{url}{'&' if '?' in url else '?'}"
                    + http.werkzeug.urls.url_encode({"incident_message": str(error)})
                )
        return request.redirect(ticket_sudo.get_portal_url())
