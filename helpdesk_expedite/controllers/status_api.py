"""The status page's JSON, in the shape of Statuspage's public API v2:
/status/api/v2/summary.json, status.json, components.json,
incidents.json and incidents/unresolved.json (also under
/status/<company id>/api/v2/). Always in the default language, as the
tools that read it expect; cached as the pages are (status_http)."""

import json

from odoo import http
from odoo.http import request

from ..lib import statuspage_json
from .status_http import (
    ROUTE_OPTIONS,
    base_url,
    cache_key,
    cached_response,
    default_lang,
    not_found,
    page_state,
)

JSON = "application/json; charset=utf-8"
API = "/api/v2/"
ROUTES = [
    f"{prefix}{API}{document}.json"
    for prefix in ("/status", "/status/<int:company_id>")
    for document in statuspage_json.DOCUMENTS
]


class StatusApiController(http.Controller):
    @http.route(ROUTES, cors="*", **ROUTE_OPTIONS)
    def status_api(self, company_id=None, **kwargs):
        document = request.httprequest.path.rsplit(API, 1)[-1].removesuffix(".json")
        shape = statuspage_json.DOCUMENTS.get(document)
        state = page_state(company_id)
        if not state or not shape:
            return not_found()
        lang = default_lang()

        def render_document():
            snapshot = (
                request.env["helpdesk.status.page"]
                .sudo()
                ._get_snapshot(state, lang, base_url())
            )
            return json.dumps(shape(snapshot), ensure_ascii=False).encode()

        key = cache_key(state, lang, "api", document)
        return cached_response(key, render_document, JSON)
