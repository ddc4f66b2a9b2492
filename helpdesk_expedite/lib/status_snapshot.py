"""What the public status page shows, as plain values.

The models gather a ``Snapshot`` of a company's page: only the facts an
anonymous visitor may see (public titles, impacts, phases, public updates,
components). The pages, the feed and the JSON are shaped from it and from
nothing else, so that no internal field of a ticket can reach them.
Datetimes are naive UTC, as Odoo stores them.
"""

from dataclasses import dataclass
from datetime import datetime, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


@dataclass(frozen=True)
class Page:
    id: str
    name: str
    url: str
    time_zone: str
    updated_at: datetime = None


@dataclass(frozen=True)
class Component:
    id: int
    name: str
    status: str
    position: int
    description: str = ""
    group_name: str = ""
    created_at: datetime = None
    updated_at: datetime = None


@dataclass(frozen=True)
class Update:
    id: int
    status: str
    body: str
    created_at: datetime


@dataclass(frozen=True)
class Incident:
    id: int
    name: str
    status: str
    impact: str
    url: str
    created_at: datetime
    updated_at: datetime
    started_at: datetime
    monitoring_at: datetime = None
    resolved_at: datetime = None
    next_update_at: datetime = None
    component_ids: tuple = ()
    updates: tuple = ()  # newest first

    @property
    def unresolved(self):
        return self.status != "resolved"


@dataclass(frozen=True)
class Snapshot:
    page: Page
    components: tuple = ()
    incidents: tuple = ()  # newest first

    def component(self, component_id):
        return next((c for c in self.components if c.id == component_id), None)

    def incident(self, incident_id):
        return next((i for i in self.incidents if i.id == incident_id), None)

    @property
    def unresolved(self):
        return tuple(incident for incident in self.incidents if incident.unresolved)


def zone(name):
    """The time zone called ``name``, UTC when it is unknown."""
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return timezone.utc


def local(moment, zone_name):
    """A naive UTC datetime as an aware one in the zone ``zone_name``."""
    if moment is None:
        return None
    return moment.replace(tzinfo=timezone.utc).astimezone(zone(zone_name))


def iso(moment, zone_name):
    """ISO 8601 with milliseconds and the zone's offset, as Statuspage
    writes its times ("2026-06-15T09:42:10.000+07:00"); None stays None."""
    if moment is None:
        return None
    return local(moment, zone_name).isoformat(timespec="milliseconds")
