"""The structured escalation note, composed from a ticket's impact scope."""

from dataclasses import dataclass, field

from .text import identity


@dataclass(frozen=True)
class ImpactGroup:
    name: str
    users: int
    location: str = ""


@dataclass(frozen=True)
class IncidentSnapshot:
    reference: str
    title: str
    customer: str = ""
    class_of_service: str = ""
    affected_service: str = ""
    groups: tuple = field(default_factory=tuple)
    total_users: int = 0
    failure_rate: float = 0.0
    error_message: str = ""
    critical_activity_blocked: bool = False
    executives: tuple = field(default_factory=tuple)
    business_impact: str = ""
    url: str = ""


def group_lines(snapshot):
    """One line per affected group, e.g. "WEB102-HN (Hanoi): 20"."""
    lines = []
    for group in snapshot.groups:
        label = f"{group.name} ({group.location})" if group.location else group.name
        lines.append(f"{label}: {group.users}")
    return lines


def summary_facts(snapshot, _=identity):
    """(label, value) pairs of the escalation, in reading order.

    ``_`` translates and formats like ``env._(source, *args, **kwargs)``.
    """
    users = " + ".join(str(g.users) for g in snapshot.groups)
    if len(snapshot.groups) > 1:
        users = f"{users} = {snapshot.total_users}"
    elif not users:
        users = str(snapshot.total_users)
    executives = (
        _("Yes: %s", ", ".join(snapshot.executives)) if snapshot.executives else _("No")
    )
    facts = [
        (_("Ticket"), f"{snapshot.reference} - {snapshot.title}"),
        (_("Customer"), snapshot.customer or _("(none)")),
        (_("Class of service"), snapshot.class_of_service),
        (_("Affected service"), snapshot.affected_service or _("(not given)")),
        (_("Affected users"), users),
        (_("Affected groups"), str(len(snapshot.groups))),
        (_("Failure rate"), f"{snapshot.failure_rate:g}%"),
        (_("Error message"), snapshot.error_message or _("(not given)")),
        (
            _("Critical activity blocked"),
            _("Yes") if snapshot.critical_activity_blocked else _("No"),
        ),
        (_("Executive involvement"), executives),
        (_("Business impact"), snapshot.business_impact or _("(not given)")),
        (_("Link"), snapshot.url),
    ]
    return facts


def compose_summary(snapshot, _=identity):
    """Plain-text structured escalation note."""
    lines = [_("ESCALATION - %s", snapshot.title), ""]
    for label, value in summary_facts(snapshot, _):
        lines.append(f"{label}: {value}")
    if snapshot.groups:
        lines += ["", _("Users per group:")]
        lines += [f"- {line}" for line in group_lines(snapshot)]
    return "\n".join(lines)
