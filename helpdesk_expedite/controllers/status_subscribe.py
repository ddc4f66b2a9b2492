"""The status page's subscription form: GET /status/subscribe (or
/status/<company id>/subscribe) shows it, POST asks for a subscription.

The form is a page of its own, never cached, linked from the status page's
header: the cached pages hold no CSRF token. A request answers the same
page whatever the address's state (new, waiting for its confirmation,
confirmed, unsubscribed), so that the form never tells whether an
address is subscribed; the confirmation mail is queued for the cron, which
keeps the time of the answer the same too. Per client address, per page
and per address asked for (whatever its state), too many requests answer
429 with Retry-After.
"""

from odoo import http
from odoo.exceptions import ValidationError
from odoo.http import request

from .status_http import not_found, page_state, visitor_lang
from .status_subscription_http import (
    client_address,
    render,
    throttled,
    visitor_env,
)

FORM = "helpdesk_expedite.status_subscribe_page"
# requests of one client address (a form sent, valid or not) ...
CLIENT_LIMIT_COUNT = 10
CLIENT_LIMIT_WINDOW = 600  # ... per this many seconds
# valid requests of one page: a flood of addresses must not make the
# server a source of unwanted mail
PAGE_LIMIT_COUNT = 300
PAGE_LIMIT_WINDOW = 3600


class StatusSubscribeController(http.Controller):
    @http.route(
        ["/status/subscribe", "/status/<int:company_id>/subscribe"],
        type="http",
        auth="public",
        methods=["GET", "POST"],
        csrf=True,
        sitemap=False,
        readonly=False,
    )
    def status_subscribe(self, company_id=None, **kwargs):
        state = page_state(company_id)
        if not state:
            return not_found()
        lang = visitor_lang()
        if request.httprequest.method != "POST":
            return self._form(state, lang)
        wait = throttled(
            f"status-subscribe-client:{client_address()}",
            CLIENT_LIMIT_COUNT,
            CLIENT_LIMIT_WINDOW,
        )
        if wait:
            return self._too_many(state, lang, wait)
        form = request.httprequest.form
        email, chosen = form.get("email", ""), form.getlist("component_ids")
        company = request.env["res.company"].sudo().browse(state["id"])
        Subscriber = visitor_env(lang)["helpdesk.status.subscriber"].sudo()
        try:
            Subscriber._check_request(company, email, chosen)
        except ValidationError as error:
            return self._form(state, lang, 400, str(error.args[0]), email, chosen)
        wait = throttled(
            f"status-subscribe-page:{state['id']}", PAGE_LIMIT_COUNT, PAGE_LIMIT_WINDOW
        )
        if wait:
            return self._too_many(state, lang, wait)
        wait = Subscriber._request(company, email, chosen, lang)
        if wait:  # this address was asked for too often, whatever its state
            return self._too_many(state, lang, wait)
        return render(FORM, state, lang, {"state": "sent"})

    def _form(self, state, lang, status=200, error=None, email="", chosen=()):
        components = (
            visitor_env(lang)["helpdesk.status.component"]
            .sudo()
            .search([("company_id", "=", state["id"])])
        )
        chosen = {str(value) for value in chosen}
        values = {
            "state": "form",
            "action": request.httprequest.path,
            "csrf_token": request.csrf_token(),
            "error": error,
            "email": email[:254] if isinstance(email, str) else "",
            "components": [
                {
                    "id": component.id,
                    "name": component.name,
                    "checked": str(component.id) in chosen,
                }
                for component in components
            ],
        }
        return render(FORM, state, lang, values, status=status)

    def _too_many(self, state, lang, wait):
        env = visitor_env(lang)
        values = {
            "state": "form",
            "action": request.httprequest.path,
            "csrf_token": request.csrf_token(),
            "error": env._(
                "Too many requests: wait %s seconds before trying again.", wait
            ),
            "email": "",
            "components": [],
        }
        return render(FORM, state, lang, values, status=429, retry_after=wait)
