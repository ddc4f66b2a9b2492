"""The incident's phase, and what it still lacks to be resolved or closed."""

from dataclasses import dataclass

INVESTIGATING = "investigating"
IDENTIFIED = "identified"
MONITORING = "monitoring"
RESOLVED = "resolved"

OPEN = "open"
ROOT_CAUSE = "root_cause"
RESOLUTION_SUMMARY = "resolution_summary"
MONITORING_PASSED = "monitoring_passed"
CUSTOMER_CONFIRMED = "customer_confirmed"
# what marking resolved needs, and what closing an Expedite ticket needs
TO_RESOLVE = (OPEN, ROOT_CAUSE, RESOLUTION_SUMMARY)
TO_CLOSE = (ROOT_CAUSE, RESOLUTION_SUMMARY, MONITORING_PASSED, CUSTOMER_CONFIRMED)


@dataclass(frozen=True)
class IncidentState:
    closed: bool = False
    root_cause: str = ""
    root_cause_category: bool = False
    resolution_summary: str = ""
    monitoring_state: str = "not_started"
    customer_confirmed: bool = False


def phase(state):
    """Investigating, identified (a cause is known), monitoring, resolved."""
    if state.closed or state.monitoring_state == "passed":
        return RESOLVED
    if state.monitoring_state == "running":
        return MONITORING
    if (state.root_cause or "").strip() or state.root_cause_category:
        return IDENTIFIED
    return INVESTIGATING


def missing_items(state, required):
    """The items of ``required`` (TO_RESOLVE, TO_CLOSE) that ``state`` lacks."""
    present = {
        OPEN: not state.closed,
        ROOT_CAUSE: bool((state.root_cause or "").strip()),
        RESOLUTION_SUMMARY: bool((state.resolution_summary or "").strip()),
        MONITORING_PASSED: state.monitoring_state == "passed",
        CUSTOMER_CONFIRMED: state.customer_confirmed,
    }
    return [item for item in required if not present[item]]


def minutes_between(start, end):
    """Minutes from ``start`` to ``end``, 0 while the milestone is not
    reached (filter on the milestone to average the reached ones only)."""
    if not start or not end:
        return 0.0
    return max((end - start).total_seconds() / 60.0, 0.0)
