"""The public status page's decisions, in Statuspage's vocabulary.

Component statuses, incident phases and impacts, the page's indicator, the
90-day history of a component and the visitor's language: plain functions
of plain facts (no ORM), shared by the pages, the feed and the JSON API.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

OPERATIONAL = "operational"
DEGRADED = "degraded_performance"
PARTIAL = "partial_outage"
MAJOR = "major_outage"
MAINTENANCE = "under_maintenance"
COMPONENT_STATUSES = (OPERATIONAL, DEGRADED, PARTIAL, MAJOR, MAINTENANCE)

IMPACTS = ("none", "minor", "major", "critical")
# an open published incident's impact on its components
IMPACT_STATUS = {
    "none": OPERATIONAL,
    "minor": DEGRADED,
    "major": PARTIAL,
    "critical": MAJOR,
}

INVESTIGATING = "investigating"
IDENTIFIED = "identified"
MONITORING = "monitoring"
RESOLVED = "resolved"
PHASES = (INVESTIGATING, IDENTIFIED, MONITORING, RESOLVED)

# how bad a component status is, for "the worst of"
_STATUS_RANK = {OPERATIONAL: 0, MAINTENANCE: 1, DEGRADED: 2, PARTIAL: 3, MAJOR: 4}
# the page's indicator, from its worst component status or incident impact
INDICATORS = ("none", "minor", "major", "critical")
_STATUS_INDICATOR = {
    OPERATIONAL: "none",
    MAINTENANCE: "minor",
    DEGRADED: "minor",
    PARTIAL: "major",
    MAJOR: "critical",
}
# Statuspage's own descriptions of the page's state (API, English)
DESCRIPTIONS = {
    "none": "All Systems Operational",
    "minor": "Minor Service Outage",
    "major": "Partial System Outage",
    "critical": "Major System Outage",
    MAINTENANCE: "Service Under Maintenance",
}
HISTORY_DAYS = 90


@dataclass(frozen=True)
class PublicFacts:
    """What the public phase of an incident is decided on."""

    closed: bool = False
    root_cause_known: bool = False
    fix_in_place: bool = False  # resolved: the post-fix watch runs or passed


def public_phase(facts):
    """Investigating until a root cause is known, identified, monitoring
    once the fix is in place, resolved when the ticket is closed."""
    if facts.closed:
        return RESOLVED
    if facts.fix_in_place:
        return MONITORING
    if facts.root_cause_known:
        return IDENTIFIED
    return INVESTIGATING


def worst_status(statuses):
    """The worst of component ``statuses`` (operational when none)."""
    return max(statuses, key=_STATUS_RANK.__getitem__, default=OPERATIONAL)


def component_status(manual_status, open_impacts):
    """A component's status: the manager's setting when there is one, else
    the worst impact of its open published incidents."""
    if manual_status:
        return manual_status
    return worst_status(IMPACT_STATUS[impact] for impact in open_impacts)


def page_indicator(statuses, open_impacts):
    """(indicator, description) of the whole page: the worst of its
    components' statuses and its unresolved incidents' impacts."""
    statuses = list(statuses)
    impacts = [impact for impact in open_impacts if impact in IMPACT_STATUS]
    worst = worst_status(statuses + [IMPACT_STATUS[impact] for impact in impacts])
    indicator = _STATUS_INDICATOR[worst]
    if worst == MAINTENANCE and all(
        status in (OPERATIONAL, MAINTENANCE) for status in statuses
    ):
        return indicator, DESCRIPTIONS[MAINTENANCE]
    return indicator, DESCRIPTIONS[indicator]


@dataclass(frozen=True)
class Outage:
    """A published incident on a component: from ``start`` to ``end``
    (None while it lasts), naive datetimes in the page's time zone."""

    impact: str
    start: datetime
    end: datetime = None
    title: str = ""


@dataclass(frozen=True)
class HistoryDay:
    day: date
    status: str  # the worst impact's component status that day
    minutes: int  # minutes of outage that day (up to the day's end)
    ongoing: bool  # an outage still lasts at the end of the day
    titles: tuple = ()


def history(outages, today, days=HISTORY_DAYS):
    """One HistoryDay per day, oldest first, the last one ``today``: the
    status of a day is the worst impact of the outages that overlap it,
    its minutes those of their union within the day."""
    first = today - timedelta(days=days - 1)
    result = []
    for offset in range(days):
        day = first + timedelta(days=offset)
        start = datetime.combine(day, datetime.min.time())
        end = start + timedelta(days=1)
        spans, impacts, titles, ongoing = [], [], [], False
        for outage in outages:
            stop = outage.end or end
            if outage.start < end and stop > start and stop > outage.start:
                spans.append((max(outage.start, start), min(stop, end)))
                impacts.append(outage.impact)
                titles.append(outage.title)
                ongoing = ongoing or (outage.end is None and day == today)
        result.append(
            HistoryDay(
                day=day,
                status=component_status(False, impacts),
                minutes=round(_union_minutes(spans)),
                ongoing=ongoing,
                titles=tuple(dict.fromkeys(title for title in titles if title)),
            )
        )
    return result


def _union_minutes(spans):
    total, current_start, current_end = 0.0, None, None
    for start, end in sorted(spans):
        if current_end is None or start > current_end:
            if current_end is not None:
                total += (current_end - current_start).total_seconds()
            current_start, current_end = start, end
        else:
            current_end = max(current_end, end)
    if current_end is not None:
        total += (current_end - current_start).total_seconds()
    return total / 60.0


def negotiate_language(accepted, active_codes, default):
    """The language code to serve: the first of ``accepted`` (language
    tags such as "vi-VN" or "vi", best first) that matches an active code
    ("vi_VN") exactly or by its primary subtag; else ``default``."""
    by_code = {code.lower(): code for code in active_codes}
    by_primary = {}
    for code in active_codes:
        by_primary.setdefault(code.split("_")[0].lower(), code)
    for tag in accepted:
        if not isinstance(tag, str):
            continue
        tag = tag.strip().replace("-", "_").lower()
        if tag in by_code:
            return by_code[tag]
        primary = tag.split("_")[0]
        if primary in by_primary:
            return by_primary[primary]
    return default
