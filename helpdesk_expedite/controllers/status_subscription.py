"""The links of a status page subscription's mails.

``/status/subscription/<token>/confirm``: GET shows a button and changes
nothing (mail scanners and link previewers open links), POST with the
page's CSRF token confirms. The token is signed, expires, and works until
the subscription is confirmed (or a newer request replaces it).

``/status/subscription/<token>/unsubscribe``: GET shows a button, POST
unsubscribes, without login or CSRF token: RFC 8058's one-click POST from
the reader's mail program (the link is the List-Unsubscribe header of every
subscriber mail). The token is signed and lasts as long as the subscriber.

Refused links (damaged, altered, replaced, used) change nothing and are
counted per client address: too many answer 429 with Retry-After.
"""

from odoo import http
from odoo.http import request

from ..lib import subscription_token as tokens
from .status_http import visitor_lang
from .status_subscription_http import (
    client_address,
    page_of,
    render,
    throttled,
    visitor_env,
)

PAGE = "helpdesk_expedite.status_subscription_page"
REFUSED_LIMIT_COUNT = 20  # refused links per client address ...
REFUSED_LIMIT_WINDOW = 60  # ... per this many seconds
ROUTE = {
    "type": "http",
    "auth": "public",
    "methods": ["GET", "POST"],
    "sitemap": False,
    # refused links are counted in the database, also on GET
    "readonly": False,
}


class StatusSubscriptionController(http.Controller):
    @http.route("/status/subscription/<string:token>/confirm", csrf=True, **ROUTE)
    def status_subscription_confirm(self, token, **kwargs):
        lang = visitor_lang()
        env = visitor_env(lang)
        verdict, subscriber = env["helpdesk.status.subscriber"]._check_link(
            token, tokens.CONFIRM
        )
        if verdict in (tokens.MALFORMED, tokens.INVALID):
            return self._refuse(verdict, lang)
        state = page_of(subscriber.company_id.id)
        if verdict == tokens.EXPIRED:
            return self._expired(state, lang)
        if request.httprequest.method != "POST":
            values = {
                "state": "confirm",
                "action": request.httprequest.path,
                "csrf_token": request.csrf_token(),
                "heading": env._("Confirm your subscription"),
                "detail": env._(
                    "You will receive an email when an incident is published on "
                    "the status page of %s, and with each of its updates.",
                    state["name"],
                ),
            }
            return render(PAGE, state, lang, values)
        subscriber._confirm()
        values = {
            "state": "done",
            "heading": env._("You are subscribed."),
            "detail": env._(
                "Every mail we send you has a link to unsubscribe with one click."
            ),
        }
        return render(PAGE, state, lang, values)

    @http.route(
        "/status/subscription/<string:token>/unsubscribe",
        csrf=False,
        save_session=False,
        **ROUTE,
    )
    def status_subscription_unsubscribe(self, token, **kwargs):
        lang = visitor_lang()
        env = visitor_env(lang)
        verdict, subscriber = env["helpdesk.status.subscriber"]._check_link(
            token, tokens.UNSUBSCRIBE
        )
        if verdict != tokens.VALID:
            return self._refuse(verdict, lang)
        state = page_of(subscriber.company_id.id)
        if request.httprequest.method != "POST":
            values = {
                "state": "unsubscribe",
                "action": request.httprequest.path,
                "heading": env._("Unsubscribe from the status updates"),
                "detail": env._(
                    "No more mail of the status page of %s will be sent to this "
                    "address.",
                    state["name"],
                ),
            }
            return render(PAGE, state, lang, values)
        subscriber._unsubscribe()
        values = {
            "state": "done",
            "heading": env._("You are unsubscribed."),
            "detail": env._(
                "No more status updates will be sent to this address. You can "
                "subscribe again from the status page."
            ),
        }
        return render(PAGE, state, lang, values)

    def _expired(self, state, lang):
        env = visitor_env(lang)
        values = {
            "state": "refused",
            "heading": env._("This confirmation link has expired."),
            "detail": env._(
                "Subscribe again from the status page: we will send a new link."
            ),
        }
        return render(PAGE, state, lang, values, status=410)

    def _refuse(self, verdict, lang):
        """400 for what is not a link's token, 403 for a wrong one; 429 once
        the client was refused too often (no probing of tokens)."""
        env = visitor_env(lang)
        state = page_of()
        wait = throttled(
            f"status-subscription-refused:{client_address()}",
            REFUSED_LIMIT_COUNT,
            REFUSED_LIMIT_WINDOW,
        )
        if wait:
            values = {
                "state": "refused",
                "heading": env._("Too many refused links."),
                "detail": env._("Wait a minute before trying again."),
            }
            return render(PAGE, state, lang, values, status=429, retry_after=wait)
        if verdict == tokens.MALFORMED:
            values = {
                "state": "refused",
                "heading": env._("This link is incomplete or damaged."),
                "detail": env._("Open the link exactly as it was sent."),
            }
            return render(PAGE, state, lang, values, status=400)
        values = {
            "state": "refused",
            "heading": env._("This link is not valid."),
            "detail": env._(
                "It was altered, or it was used already, or a newer mail replaced it."
            ),
        }
        return render(PAGE, state, lang, values, status=403)
