"""What every public status route shares: the page's company and version,
the visitor's language, and answering from the cache.

A response is keyed on everything that changes it: the database and its
registry, the company, its status page's version (bumped in the database
on every publication, public update or component change), the company's
name and time zone, the site's address, the language, the route and, for
the HTML page, the day. The ETag derives from that key, so a conditional
request is answered 304 by any worker without rendering; rendered bodies
are kept per process. Nothing is bound to the visitor: no session is
saved, no cookie set, and proxies may keep the answer briefly.
"""

from odoo.http import Response, request

from ..lib import http_cache, status_page

MAX_AGE = 30  # seconds a browser or proxy may reuse an answer
BODIES = http_cache.BodyCache()
# the pages load their style sheet and script from this add-on, nothing else
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
MAX_ACCEPTED_LANGUAGES = 20

# the routes' options: anonymous, read-only, no session saved
ROUTE_OPTIONS = {
    "type": "http",
    "auth": "public",
    "methods": ["GET", "HEAD"],
    "csrf": False,
    "save_session": False,
    "readonly": True,
    "sitemap": False,
}


def page_state(company_id=None):
    """The page of ``company_id`` (the public user's company when None),
    or None when there is none."""
    return request.env["helpdesk.status.page"].sudo()._get_page_state(company_id)


def default_lang():
    codes = [code for code, _name in request.env["res.lang"].get_installed()]
    return "en_US" if "en_US" in codes or not codes else codes[0]


def visitor_lang():
    """The installed language the visitor asks for: the site's language
    cookie, else the browser's Accept-Language, else the default."""
    codes = [code for code, _name in request.env["res.lang"].get_installed()]
    accepted = []
    cookie = request.httprequest.cookies.get("frontend_lang")
    if cookie:
        accepted.append(cookie)
    accepted += [tag for tag, _quality in request.httprequest.accept_languages]
    return status_page.negotiate_language(
        accepted[:MAX_ACCEPTED_LANGUAGES], codes, default_lang()
    )


def base_url():
    return (
        request.env["ir.config_parameter"]
        .sudo()
        .get_param("web.base.url", "")
        .rstrip("/")
    )


def cache_key(state, lang, route, *extra):
    return (
        request.db,
        request.env.registry.registry_sequence,
        state["id"],
        state["version"],
        state["written"],
        state["tz"],
        state["name"],
        base_url(),
        lang,
        route,
        *extra,
    )


def _headers(tag, vary_language):
    headers = [
        ("Cache-Control", f"public, max-age={MAX_AGE}"),
        ("ETag", tag),
        ("X-Content-Type-Options", "nosniff"),
        ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
        ("Referrer-Policy", "strict-origin-when-cross-origin"),
    ]
    if vary_language:
        headers.append(("Vary", "Accept-Language"))
    return headers


def cached_response(key, render, content_type, vary_language=False):
    """200 with the body ``render()`` gives (kept for the next requests of
    ``key``), 304 when the visitor already has it, 404 when ``render()``
    gives None (not kept)."""
    tag = http_cache.etag(key)
    headers = _headers(tag, vary_language)
    if http_cache.none_match(request.httprequest.headers.get("If-None-Match"), tag):
        return Response(status=304, headers=headers)
    body = BODIES.get(key)
    if body is None:
        body = render()
        if body is None:
            return not_found()
        BODIES.put(key, body)
    return Response(
        body, status=200, headers=[*headers, ("Content-Type", content_type)]
    )


def not_found():
    return Response(
        "Not Found",
        status=404,
        headers=[
            ("Content-Type", "text/plain; charset=utf-8"),
            ("Cache-Control", "no-store"),
        ],
    )
