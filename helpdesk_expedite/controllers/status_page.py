"""The public status page: /status, the incident pages and the Atom feed.

No login. Each page is rendered as the public user, in the visitor's
language, from the company's snapshot (models/helpdesk_status_page.py):
plain values with nothing internal in them. See status_http for caching.
"""

import babel.dates

from odoo import fields, http
from odoo.http import request
from odoo.tools.misc import babel_locale_parse

from ..lib import status_atom, status_view
from ..lib.status_snapshot import local
from .status_http import (
    ROUTE_OPTIONS,
    base_url,
    cache_key,
    cached_response,
    not_found,
    page_state,
    visitor_lang,
)

HTML = "text/html; charset=utf-8"
ATOM = "application/atom+xml; charset=utf-8"


def public_env(lang, tz):
    """The public user's environment in the visitor's language."""
    uid = request.env["ir.model.data"]._xmlid_to_res_id("base.public_user")
    return request.env(user=uid, su=False, context={"lang": lang, "tz": tz})


def snapshot_of(state, lang, incident_id=None):
    return (
        request.env["helpdesk.status.page"]
        .sudo()
        ._get_snapshot(state, lang, base_url(), incident_id=incident_id)
    )


def _labels(env, model, field_name):
    return dict(env[model]._fields[field_name]._description_selection(env))


def _duration(env, minutes):
    hours, minutes = divmod(minutes, 60)
    if hours:
        return env._("%(hours)s h %(minutes)s min", hours=hours, minutes=minutes)
    return env._("%s min", minutes)


def visitor_texts(env, zone_name):
    """The labels and formats of the visitor's language (env.lang)."""
    locale = babel_locale_parse(env.lang)
    statuses = _labels(env, "helpdesk.status.component", "status")

    def when(moment):
        text = babel.dates.format_datetime(moment, "d MMM y, HH:mm", locale=locale)
        return f"{text} ({zone_name})"

    def day(history_day):
        date = babel.dates.format_date(history_day.day, "d MMM y", locale=locale)
        if not history_day.minutes and not history_day.ongoing:
            return env._("%s: no incident", date)
        return env._(
            "%(date)s: %(status)s, %(duration)s: %(incidents)s",
            date=date,
            status=statuses[history_day.status],
            duration=env._("ongoing")
            if history_day.ongoing
            else _duration(env, history_day.minutes),
            incidents=", ".join(history_day.titles),
        )

    return status_view.Texts(
        statuses=statuses,
        phases=_labels(env, "helpdesk.ticket", "status_phase"),
        impacts=_labels(env, "helpdesk.ticket", "status_impact"),
        when=when,
        day=day,
    )


def common_values(snapshot, lang):
    page = snapshot.page
    return {
        "page": {
            "name": page.name,
            "url": page.url,
            "atom_url": f"{page.url}/history.atom",
            "api_url": f"{page.url}/api/v2/summary.json",
            "time_zone": page.time_zone,
        },
        "html_lang": lang.replace("_", "-"),
    }


def render(env, template, values):
    return str(env["ir.qweb"]._render(template, values)).encode()


class StatusPageController(http.Controller):
    @http.route(["/status", "/status/<int:company_id>"], **ROUTE_OPTIONS)
    def status_page(self, company_id=None, **kwargs):
        state = page_state(company_id)
        if not state:
            return not_found()
        lang = visitor_lang()
        today = local(fields.Datetime.now(), state["tz"]).date()

        def render_page():
            env = public_env(lang, state["tz"])
            snapshot = snapshot_of(state, lang)
            texts = visitor_texts(env, state["tz"])
            values = status_view.page_values(snapshot, today, texts)
            values.update(common_values(snapshot, lang))
            return render(env, "helpdesk_expedite.status_page", values)

        key = cache_key(state, lang, "page", today.isoformat())
        return cached_response(key, render_page, HTML, vary_language=True)

    @http.route(
        [
            "/status/incidents/<int:ticket_id>",
            "/status/<int:company_id>/incidents/<int:ticket_id>",
        ],
        **ROUTE_OPTIONS,
    )
    def status_incident(self, ticket_id, company_id=None, **kwargs):
        state = page_state(company_id)
        if not state:
            return not_found()
        lang = visitor_lang()

        def render_incident():
            snapshot = snapshot_of(state, lang, incident_id=ticket_id)
            if not snapshot.incidents:
                return None
            env = public_env(lang, state["tz"])
            texts = visitor_texts(env, state["tz"])
            values = common_values(snapshot, lang)
            values["incident"] = status_view.incident_values(
                snapshot, snapshot.incidents[0], texts
            )
            return render(env, "helpdesk_expedite.status_incident_page", values)

        key = cache_key(state, lang, "incident", ticket_id)
        return cached_response(key, render_incident, HTML, vary_language=True)

    @http.route(
        ["/status/history.atom", "/status/<int:company_id>/history.atom"],
        **ROUTE_OPTIONS,
    )
    def status_history_atom(self, company_id=None, **kwargs):
        state = page_state(company_id)
        if not state:
            return not_found()
        lang = visitor_lang()

        def render_feed():
            env = public_env(lang, state["tz"])
            snapshot = snapshot_of(state, lang)
            return status_atom.atom_feed(
                snapshot,
                title=env._("%s: status history", snapshot.page.name),
                feed_url=f"{snapshot.page.url}/history.atom",
                phase_labels=_labels(env, "helpdesk.ticket", "status_phase"),
                lang=lang.replace("_", "-"),
            )

        key = cache_key(state, lang, "atom")
        return cached_response(key, render_feed, ATOM, vary_language=True)
