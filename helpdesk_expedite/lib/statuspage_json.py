"""The status page as Statuspage's public API v2 writes it.

``summary``, ``status``, ``components``, ``incidents`` and ``unresolved``
return the documents of ``/status/api/v2/*.json`` for a Snapshot (see
status_snapshot): the keys, statuses, indicators and ISO 8601 times that
monitors, chat integrations and exporters already read from a Statuspage
page. Ids are strings; the page's id is the company's.
"""

import hashlib

from .status_page import (
    IMPACT_STATUS,
    OPERATIONAL,
    RESOLVED,
    page_indicator,
    worst_status,
)
from .status_snapshot import iso

LATEST_INCIDENTS = 50


def group_id(page, group_name):
    """A stable id for a group of components (Statuspage's groups are
    components themselves)."""
    digest = hashlib.sha1(f"{page.id}/{group_name}".encode()).hexdigest()[:12]
    return f"group-{digest}"


def page_json(page):
    return {
        "id": page.id,
        "name": page.name,
        "url": page.url,
        "time_zone": page.time_zone,
        "updated_at": iso(page.updated_at, page.time_zone),
    }


def status_json(snapshot):
    indicator, description = page_indicator(
        (component.status for component in snapshot.components),
        (incident.impact for incident in snapshot.unresolved),
    )
    return {"indicator": indicator, "description": description}


def component_json(component, page):
    created = component.created_at
    return {
        "id": str(component.id),
        "name": component.name,
        "status": component.status,
        "created_at": iso(created, page.time_zone),
        "updated_at": iso(component.updated_at, page.time_zone),
        "position": component.position,
        "description": component.description or None,
        "showcase": True,
        "start_date": created and created.date().isoformat(),
        "group_id": group_id(page, component.group_name)
        if component.group_name
        else None,
        "page_id": page.id,
        "group": False,
        "only_show_if_degraded": False,
    }


def _group_json(page, name, members):
    """A group as Statuspage lists it: a component naming its members."""
    first = members[0]
    return {
        **component_json(first, page),
        "id": group_id(page, name),
        "name": name,
        "status": worst_status(member.status for member in members),
        "position": first.position,
        "description": None,
        "group_id": None,
        "group": True,
        "components": [str(member.id) for member in members],
        "updated_at": iso(
            max((m.updated_at for m in members if m.updated_at), default=None),
            page.time_zone,
        ),
    }


def components_json(snapshot):
    """The components by position, each group before its first member."""
    page, result, seen = snapshot.page, [], set()
    for component in snapshot.components:
        name = component.group_name
        if name and name not in seen:
            seen.add(name)
            members = [c for c in snapshot.components if c.group_name == name]
            result.append(_group_json(page, name, members))
        result.append(component_json(component, page))
    return result


def _component_brief(component, page):
    return {
        "id": str(component.id),
        "name": component.name,
        "status": component.status,
        "position": component.position,
        "page_id": page.id,
    }


def _update_statuses(incident):
    """{update id: (old, new)} component status around each update, oldest
    first: the incident's impact while it lasts, operational once resolved."""
    impact_status = IMPACT_STATUS.get(incident.impact, OPERATIONAL)
    result, previous = {}, OPERATIONAL
    for update in reversed(incident.updates):
        new = OPERATIONAL if update.status == RESOLVED else impact_status
        result[update.id] = (previous, new)
        previous = new
    return result


def _updates_json(incident, components, zone):
    statuses = _update_statuses(incident)
    updates = []
    for update in incident.updates:
        old, new = statuses[update.id]
        moment = iso(update.created_at, zone)
        updates.append(
            {
                "id": str(update.id),
                "status": update.status,
                "body": update.body,
                "incident_id": str(incident.id),
                "created_at": moment,
                "updated_at": moment,
                "display_at": moment,
                "affected_components": [
                    {
                        "code": str(component.id),
                        "name": component.name,
                        "old_status": old,
                        "new_status": new,
                    }
                    for component in components
                ],
            }
        )
    return updates


def incident_json(incident, snapshot):
    page = snapshot.page
    zone = page.time_zone
    components = [
        component
        for component in map(snapshot.component, incident.component_ids)
        if component
    ]
    return {
        "id": str(incident.id),
        "name": incident.name,
        "status": incident.status,
        "impact": incident.impact,
        "created_at": iso(incident.created_at, zone),
        "updated_at": iso(incident.updated_at, zone),
        "started_at": iso(incident.started_at, zone),
        "monitoring_at": iso(incident.monitoring_at, zone),
        "resolved_at": iso(incident.resolved_at, zone),
        "shortlink": incident.url,
        "page_id": page.id,
        "components": [_component_brief(c, page) for c in components],
        "incident_updates": _updates_json(incident, components, zone),
    }


def summary(snapshot):
    return {
        "page": page_json(snapshot.page),
        "status": status_json(snapshot),
        "components": components_json(snapshot),
        "incidents": [incident_json(i, snapshot) for i in snapshot.unresolved],
        "scheduled_maintenances": [],
    }


def status(snapshot):
    return {"page": page_json(snapshot.page), "status": status_json(snapshot)}


def components(snapshot):
    return {"page": page_json(snapshot.page), "components": components_json(snapshot)}


def incidents(snapshot, limit=LATEST_INCIDENTS):
    return {
        "page": page_json(snapshot.page),
        "incidents": [
            incident_json(incident, snapshot) for incident in snapshot.incidents[:limit]
        ],
    }


def unresolved(snapshot):
    return {
        "page": page_json(snapshot.page),
        "incidents": [incident_json(i, snapshot) for i in snapshot.unresolved],
    }


DOCUMENTS = {
    "summary": summary,
    "status": status,
    "components": components,
    "incidents": incidents,
    "incidents/unresolved": unresolved,
}
