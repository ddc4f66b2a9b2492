"""The handling scorecard of an incident: which commitments were kept.

Plain facts in, figures out, so that a known timeline can be checked by
hand: acknowledged within the target, share of customer updates sent by
their deadline, escalation sent and how fast it was acknowledged, root
cause documented, monitoring passed and customer confirmed before closure,
closure override used.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class HandlingFacts:
    reported: object = None  # datetimes, or None when not reached
    acknowledged: object = None
    acknowledge_target_minutes: int = 15
    updates: tuple = ()  # (deadline, sent) of each scheduled customer update
    escalation_sent: object = None
    escalation_acknowledged: object = None
    root_cause: str = ""
    monitoring_passed: bool = False
    customer_confirmed: bool = False
    closed: bool = False
    override_used: bool = False


@dataclass(frozen=True)
class Scorecard:
    acknowledged_in_time: bool
    update_compliance: float  # percent of updates sent by their deadline
    updates_due: int
    updates_late: int
    escalation_sent: bool
    escalation_ack_minutes: float  # 0 when not acknowledged
    root_cause_documented: bool
    monitoring_passed_before_closure: bool
    confirmed_before_closure: bool
    override_used: bool
    score: float  # percent of the commitments kept


def _minutes(start, end):
    return (end - start).total_seconds() / 60.0 if start and end else 0.0


def compute(facts):
    """The scorecard of ``facts`` (see HandlingFacts)."""
    acknowledged_in_time = bool(facts.acknowledged) and (
        _minutes(facts.reported, facts.acknowledged) <= facts.acknowledge_target_minutes
    )
    due = [update for update in facts.updates if update[0]]
    late = [update for update in due if not update[1] or update[1] > update[0]]
    compliance = 100.0 * (len(due) - len(late)) / len(due) if due else 100.0
    documented = bool((facts.root_cause or "").strip())
    kept = [
        acknowledged_in_time,
        not late,
        bool(facts.escalation_sent),
        documented,
        facts.monitoring_passed or not facts.closed,
        facts.customer_confirmed or not facts.closed,
        not facts.override_used,
    ]
    return Scorecard(
        acknowledged_in_time=acknowledged_in_time,
        update_compliance=round(compliance, 1),
        updates_due=len(due),
        updates_late=len(late),
        escalation_sent=bool(facts.escalation_sent),
        escalation_ack_minutes=round(
            _minutes(facts.escalation_sent, facts.escalation_acknowledged), 1
        ),
        root_cause_documented=documented,
        monitoring_passed_before_closure=facts.closed and facts.monitoring_passed,
        confirmed_before_closure=facts.closed and facts.customer_confirmed,
        override_used=facts.override_used,
        score=round(100.0 * sum(kept) / len(kept), 1),
    )
