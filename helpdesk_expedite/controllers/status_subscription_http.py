"""What the subscription routes share: the status page's layout values,
answers that no browser or proxy keeps (they hold a CSRF token or concern
one subscriber), and the limits per client and per page, counted in the
database for all workers (429 with Retry-After)."""

from odoo.http import Response, request

from .status_http import CONTENT_SECURITY_POLICY, base_url, page_state
from .status_page import public_env

HTML = "text/html; charset=utf-8"
NO_STORE_HEADERS = [
    ("Cache-Control", "no-store"),
    ("X-Content-Type-Options", "nosniff"),
    ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
    # a subscriber's token is in the address: not in the Referer of a link
    ("Referrer-Policy", "no-referrer"),
    ("X-Robots-Tag", "noindex, nofollow"),
]


def client_address():
    return request.httprequest.remote_addr or "unknown"


def throttled(key, limit, window):
    """Count one request under ``key``; the seconds to wait when over
    ``limit`` in the current ``window`` (seconds), else 0."""
    Throttle = request.env["helpdesk.expedite.throttle"].sudo()
    return Throttle._hit(key, limit, window)


def page_of(company_id=None):
    """The state of ``company_id``'s status page (the public user's
    company's when None, or when that company has no page any more)."""
    return (
        page_state(company_id)
        or page_state()
        or {
            "id": request.env.company.id,
            "name": request.env.company.name,
            "tz": "UTC",
            "default": True,
        }
    )


def layout_values(state, lang):
    """What status_page_layout needs of a page."""
    path = "/status" if state["default"] else f"/status/{state['id']}"
    url = base_url() + path
    return {
        "page": {
            "name": state["name"],
            "url": url,
            "atom_url": f"{url}/history.atom",
            "api_url": f"{url}/api/v2/summary.json",
            "time_zone": state["tz"],
        },
        "html_lang": lang.replace("_", "-"),
    }


def render(template, state, lang, values, status=200, retry_after=None):
    """``template`` as the public user in ``lang``, never cached."""
    env = public_env(lang, state["tz"])
    body = env["ir.qweb"]._render(template, {**layout_values(state, lang), **values})
    headers = [*NO_STORE_HEADERS, ("Content-Type", HTML)]
    if retry_after:
        headers.append(("Retry-After", str(retry_after)))
    return Response(str(body), status=status, headers=headers)


def visitor_env(lang):
    """The request's environment in the visitor's language (texts)."""
    return request.env(context=dict(request.env.context, lang=lang))
