"""Class-of-service rule matching."""

from dataclasses import dataclass, field

from .text import identity

STANDARD = "standard"


@dataclass(frozen=True)
class TicketFacts:
    """What the classifier reads from a ticket."""

    affected_user_count: int = 0
    affected_group_count: int = 0
    failure_rate: float = 0.0
    critical_activity_blocked: bool = False
    executive_involved: bool = False
    has_deadline: bool = False
    linked_ticket_count: int = 0
    team_id: int | None = None
    company_id: int | None = None


@dataclass(frozen=True)
class Rule:
    """A classification rule; 0 / False conditions are unused."""

    id: int
    name: str
    class_of_service: str
    sequence: int = 10
    company_id: int | None = None
    team_ids: frozenset = field(default_factory=frozenset)
    affected_users_over: int = 0
    min_failure_rate: float = 0.0
    min_groups: int = 0
    linked_tickets_over: int = 0
    require_critical_activity_blocked: bool = False
    require_executive: bool = False
    require_deadline: bool = False
    priority: str | None = None
    update_interval: int = 0


@dataclass(frozen=True)
class Classification:
    class_of_service: str
    rule: Rule | None
    reason: str


def applies_to(rule, facts):
    """Whether the rule is in scope for the ticket's company and team."""
    if rule.company_id and facts.company_id and rule.company_id != facts.company_id:
        return False
    return not rule.team_ids or facts.team_id in rule.team_ids


def matched_conditions(rule, facts, _=identity):
    """Explain each condition of ``rule`` met by ``facts``.

    Returns the list of explanations when all conditions hold, else None.
    A rule without any condition matches everything, with no explanation.
    """
    checks = _threshold_checks(rule, facts, _) + _flag_checks(rule, facts, _)
    if all(ok for ok, _text in checks):
        return [text for _ok, text in checks]
    return None


def _threshold_checks(rule, facts, _):
    """(holds, explanation) of each numeric condition the rule uses."""
    return _size_checks(rule, facts, _) + _spread_checks(rule, facts, _)


def _size_checks(rule, facts, _):
    """How many users fail, and how often."""
    checks = []
    if rule.affected_users_over:
        checks.append(
            (
                facts.affected_user_count > rule.affected_users_over,
                _(
                    "%(users)s affected users > %(limit)s",
                    users=facts.affected_user_count,
                    limit=rule.affected_users_over,
                ),
            )
        )
    if rule.min_failure_rate:
        checks.append(
            (
                facts.failure_rate >= rule.min_failure_rate,
                _(
                    "failure rate %(rate)s%% >= %(limit)s%%",
                    rate=_format_number(facts.failure_rate),
                    limit=_format_number(rule.min_failure_rate),
                ),
            )
        )
    return checks


def _spread_checks(rule, facts, _):
    """How far the failure spreads: groups and linked reports."""
    checks = []
    if rule.min_groups:
        checks.append(
            (
                facts.affected_group_count >= rule.min_groups,
                _(
                    "%(groups)s affected groups >= %(limit)s",
                    groups=facts.affected_group_count,
                    limit=rule.min_groups,
                ),
            )
        )
    if rule.linked_tickets_over:
        checks.append(
            (
                facts.linked_ticket_count > rule.linked_tickets_over,
                _(
                    "%(tickets)s linked tickets > %(limit)s",
                    tickets=facts.linked_ticket_count,
                    limit=rule.linked_tickets_over,
                ),
            )
        )
    return checks


def _flag_checks(rule, facts, _):
    """(holds, explanation) of each yes/no condition the rule requires."""
    flags = (
        (
            rule.require_critical_activity_blocked,
            facts.critical_activity_blocked,
            _("a critical activity is blocked"),
        ),
        (
            rule.require_executive,
            facts.executive_involved,
            _("executives are involved"),
        ),
        (rule.require_deadline, facts.has_deadline, _("a deadline is set")),
    )
    return [(holds, text) for required, holds, text in flags if required]


def classify(rules, facts, _=identity):
    """Return the class of service given by the first matching rule.

    Rules are tried by (sequence, id); out-of-scope rules are skipped; no
    match gives the standard class.
    """
    for rule in sorted(rules, key=lambda r: (r.sequence, r.id)):
        if not applies_to(rule, facts):
            continue
        explanations = matched_conditions(rule, facts, _)
        if explanations is None:
            continue
        reason = _(
            "Rule “%(rule)s” matched: %(facts)s.",
            rule=rule.name,
            facts="; ".join(explanations) or _("no condition"),
        )
        return Classification(rule.class_of_service, rule, reason)
    return Classification(
        STANDARD,
        None,
        _(
            "No classification rule matched (%(users)s affected users, "
            "failure rate %(rate)s%%).",
            users=facts.affected_user_count,
            rate=_format_number(facts.failure_rate),
        ),
    )


def raised_priority(current, proposed):
    """The higher of two helpdesk priorities ("0".."3"); never lowers."""
    if not proposed:
        return current
    if not current:
        return proposed
    return max(current, proposed, key=int)


def _format_number(value):
    return f"{value:g}"
