"""The values of the status pages' templates, from a Snapshot.

The pages show what the snapshot holds, in the visitor's words: ``Texts``
carries the labels and the formatting of the visitor's language (the
controller builds it from Odoo's translations); these functions only
arrange. Times are given both as ISO 8601 (UTC, for the page's script that
shows them in the visitor's own zone) and as text in the page's zone.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timezone

from . import status_page
from .status_snapshot import local

# resolved incidents listed under "past incidents"
PAST_INCIDENTS = 10


@dataclass(frozen=True)
class Texts:
    statuses: dict  # component status -> label
    phases: dict  # incident phase -> label
    impacts: dict  # impact -> label
    when: Callable  # aware datetime in the page's zone -> text
    day: Callable  # HistoryDay -> text (a bar's tooltip)


def when(moment, zone_name, texts):
    """{iso, text} of a naive UTC datetime, None for None."""
    if not moment:
        return None
    return {
        "iso": moment.replace(tzinfo=timezone.utc).isoformat(),
        "text": texts.when(local(moment, zone_name)),
    }


def _local_naive(moment, zone_name):
    return moment and local(moment, zone_name).replace(tzinfo=None)


def outages(snapshot, component_id):
    """The published incidents on a component as outages in the page's
    zone: from the report until the fix was in place (or the closing)."""
    zone_name = snapshot.page.time_zone
    return [
        status_page.Outage(
            impact=incident.impact,
            start=_local_naive(incident.started_at, zone_name),
            end=_local_naive(incident.monitoring_at or incident.resolved_at, zone_name),
            title=incident.name,
        )
        for incident in snapshot.incidents
        if component_id in incident.component_ids
    ]


def _day_values(day, texts):
    """A bar: its class, and a tooltip for the days with an incident only
    (90 bars a component: the page stays light)."""
    incident = bool(day.minutes or day.ongoing)
    css = "sp-day"
    if day.status != status_page.OPERATIONAL:
        css += f" sp-day-{day.status}"
    return {
        "status": day.status,
        "css": css,
        "title": texts.day(day) if incident else "",
    }


def component_values(snapshot, component, today, texts):
    days = status_page.history(outages(snapshot, component.id), today)
    return {
        "id": component.id,
        "name": component.name,
        "description": component.description,
        "status": component.status,
        "status_label": texts.statuses.get(component.status, component.status),
        "days": [_day_values(day, texts) for day in days],
    }


def component_groups(snapshot, today, texts):
    """[{name, components}], in page order; ungrouped components form
    groups of one without a name."""
    groups, by_name = [], {}
    for component in snapshot.components:
        values = component_values(snapshot, component, today, texts)
        name = component.group_name
        if name and name in by_name:
            by_name[name]["components"].append(values)
            continue
        group = {"name": name, "components": [values]}
        groups.append(group)
        if name:
            by_name[name] = group
    return groups


def incident_values(snapshot, incident, texts):
    zone_name = snapshot.page.time_zone
    updates = [
        {
            "id": update.id,
            "phase": update.status,
            "phase_label": texts.phases.get(update.status, update.status),
            "body": update.body,
            "when": when(update.created_at, zone_name, texts),
        }
        for update in incident.updates
    ]
    components = [snapshot.component(cid) for cid in incident.component_ids]
    return {
        "id": incident.id,
        "name": incident.name,
        "url": incident.url,
        "phase": incident.status,
        "phase_label": texts.phases.get(incident.status, incident.status),
        "impact": incident.impact,
        "impact_label": texts.impacts.get(incident.impact, incident.impact),
        "components": [c.name for c in components if c],
        "updates": updates,
        "latest": updates[0] if updates else None,
        "started": when(incident.started_at, zone_name, texts),
        "published": when(incident.created_at, zone_name, texts),
        "monitoring": when(incident.monitoring_at, zone_name, texts),
        "resolved": when(incident.resolved_at, zone_name, texts),
        "next_update": when(incident.next_update_at, zone_name, texts),
        "unresolved": incident.unresolved,
    }


def page_values(snapshot, today, texts):
    """The values of the /status page."""
    indicator, description = status_page.page_indicator(
        (component.status for component in snapshot.components),
        (incident.impact for incident in snapshot.unresolved),
    )
    maintenance = description == status_page.DESCRIPTIONS[status_page.MAINTENANCE]
    past = [i for i in snapshot.incidents if not i.unresolved][:PAST_INCIDENTS]
    return {
        "indicator": "maintenance" if maintenance else indicator,
        "groups": component_groups(snapshot, today, texts),
        "open_incidents": [
            incident_values(snapshot, i, texts) for i in snapshot.unresolved
        ],
        "past_incidents": [incident_values(snapshot, i, texts) for i in past],
    }
