"""The classifier and the monitoring verdict as plain functions: no database."""

from datetime import datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from odoo.addons.helpdesk_expedite.lib import classification as cls_lib
from odoo.addons.helpdesk_expedite.lib import monitoring
from odoo.addons.helpdesk_expedite.lib.classification import Rule, TicketFacts

USERS_RULE = Rule(
    id=1,
    name="More than 25 affected users",
    class_of_service="expedite",
    sequence=10,
    affected_users_over=25,
    priority="3",
    update_interval=15,
)
BLOCKED_EXEC_RULE = Rule(
    id=2,
    name="Critical activity blocked with executives",
    class_of_service="expedite",
    sequence=20,
    require_critical_activity_blocked=True,
    require_executive=True,
    priority="3",
    update_interval=15,
)
DEADLINE_RULE = Rule(
    id=3,
    name="Deadline",
    class_of_service="fixed_date",
    sequence=30,
    require_deadline=True,
)
DEFAULT_RULES = [USERS_RULE, BLOCKED_EXEC_RULE, DEADLINE_RULE]


@pytest.mark.parametrize(
    ("users", "expected"),
    [(0, "standard"), (25, "standard"), (26, "expedite"), (53, "expedite")],
)
def test_affected_users_boundary_is_strict(users, expected):
    result = cls_lib.classify(DEFAULT_RULES, TicketFacts(affected_user_count=users))
    assert result.class_of_service == expected


def test_reason_gives_rule_and_numbers():
    result = cls_lib.classify(DEFAULT_RULES, TicketFacts(affected_user_count=53))
    assert result.rule == USERS_RULE
    assert "More than 25 affected users" in result.reason
    assert "53 affected users > 25" in result.reason


def test_no_match_is_standard_with_reason():
    result = cls_lib.classify(DEFAULT_RULES, TicketFacts(affected_user_count=3))
    assert result.class_of_service == "standard"
    assert result.rule is None
    assert "No classification rule matched" in result.reason


def test_no_rules_at_all_is_standard():
    assert (
        cls_lib.classify([], TicketFacts(affected_user_count=999)).class_of_service
        == "standard"
    )


@pytest.mark.parametrize(
    ("blocked", "executive", "expected"),
    [(True, True, "expedite"), (True, False, "standard"), (False, True, "standard")],
)
def test_boolean_conditions_are_anded(blocked, executive, expected):
    facts = TicketFacts(critical_activity_blocked=blocked, executive_involved=executive)
    assert cls_lib.classify(DEFAULT_RULES, facts).class_of_service == expected


def test_deadline_gives_fixed_date():
    result = cls_lib.classify(DEFAULT_RULES, TicketFacts(has_deadline=True))
    assert result.class_of_service == "fixed_date"
    assert "a deadline is set" in result.reason


@pytest.mark.parametrize(
    ("rate", "matches"), [(49.9, False), (50.0, True), (100.0, True)]
)
def test_min_failure_rate_is_inclusive(rate, matches):
    rule = Rule(
        id=9, name="Half failing", class_of_service="expedite", min_failure_rate=50.0
    )
    assert (
        cls_lib.matched_conditions(rule, TicketFacts(failure_rate=rate)) is not None
    ) == matches


@pytest.mark.parametrize(("groups", "matches"), [(1, False), (2, True), (3, True)])
def test_min_groups_is_inclusive(groups, matches):
    rule = Rule(id=9, name="Multi-group", class_of_service="expedite", min_groups=2)
    facts = TicketFacts(affected_group_count=groups)
    assert (cls_lib.matched_conditions(rule, facts) is not None) == matches


def test_first_rule_by_sequence_then_id_wins():
    late = Rule(id=1, name="late", class_of_service="intangible", sequence=50)
    early = Rule(id=7, name="early", class_of_service="fixed_date", sequence=5)
    tie = Rule(id=3, name="tie", class_of_service="expedite", sequence=5)
    result = cls_lib.classify([late, early, tie], TicketFacts())
    assert result.rule == tie  # same sequence: lowest id first


def test_rule_of_another_team_is_skipped():
    rule = Rule(id=1, name="team", class_of_service="expedite", team_ids=frozenset({4}))
    assert (
        cls_lib.classify([rule], TicketFacts(team_id=5)).class_of_service == "standard"
    )
    assert (
        cls_lib.classify([rule], TicketFacts(team_id=4)).class_of_service == "expedite"
    )
    assert (
        cls_lib.classify([rule], TicketFacts(team_id=None)).class_of_service
        == "standard"
    )


def test_rule_of_another_company_is_skipped():
    rule = Rule(id=1, name="co", class_of_service="expedite", company_id=2)
    assert (
        cls_lib.classify([rule], TicketFacts(company_id=1)).class_of_service
        == "standard"
    )
    assert (
        cls_lib.classify([rule], TicketFacts(company_id=2)).class_of_service
        == "expedite"
    )
    shared = Rule(id=2, name="shared", class_of_service="expedite", company_id=None)
    assert (
        cls_lib.classify([shared], TicketFacts(company_id=1)).class_of_service
        == "expedite"
    )


@pytest.mark.parametrize(
    ("current", "proposed", "expected"),
    [
        ("1", "3", "3"),
        ("3", "1", "3"),
        ("2", None, "2"),
        (False, "3", "3"),
        ("0", "0", "0"),
    ],
)
def test_priority_is_raised_never_lowered(current, proposed, expected):
    assert cls_lib.raised_priority(current, proposed) == expected


facts_strategy = st.builds(
    TicketFacts,
    affected_user_count=st.integers(min_value=0, max_value=10_000),
    affected_group_count=st.integers(min_value=0, max_value=50),
    failure_rate=st.floats(min_value=0, max_value=100),
    critical_activity_blocked=st.booleans(),
    executive_involved=st.booleans(),
    has_deadline=st.booleans(),
)


@given(facts_strategy)
def test_default_rules_agree_with_their_definition(facts):
    expected = "standard"
    if facts.affected_user_count > 25 or (
        facts.critical_activity_blocked and facts.executive_involved
    ):
        expected = "expedite"
    elif facts.has_deadline:
        expected = "fixed_date"
    assert cls_lib.classify(DEFAULT_RULES, facts).class_of_service == expected


@given(facts_strategy, st.permutations(DEFAULT_RULES))
def test_rule_order_in_input_does_not_matter(facts, rules):
    assert cls_lib.classify(rules, facts) == cls_lib.classify(DEFAULT_RULES, facts)


@given(facts_strategy)
def test_more_users_never_downgrades_from_expedite(facts):
    before = cls_lib.classify(DEFAULT_RULES, facts).class_of_service
    more = TicketFacts(
        **{**facts.__dict__, "affected_user_count": facts.affected_user_count + 1}
    )
    if before == "expedite":
        assert cls_lib.classify(DEFAULT_RULES, more).class_of_service == "expedite"


# ----------------------------------------------------------------------
# Monitoring verdict
# ----------------------------------------------------------------------
START = datetime(2026, 6, 15, 9, 0)
END = START + timedelta(minutes=15)


def _check(minute, rate=100.0, timeouts=0, recurrence=False, seq=0):
    return monitoring.CheckPoint(
        START + timedelta(minutes=minute), rate, timeouts, recurrence, seq
    )


def test_window_not_over_keeps_running():
    assert (
        monitoring.verdict(END, START + timedelta(minutes=14), [_check(5)]) == "running"
    )


def test_window_over_with_clean_latest_check_passes():
    checks = [_check(1, rate=90, timeouts=3), _check(15)]
    assert monitoring.verdict(END, END, checks) == "passed"


def test_window_over_without_checks_keeps_running():
    assert monitoring.verdict(END, END + timedelta(hours=1), []) == "running"


def test_recurrence_fails_at_once():
    assert monitoring.verdict(END, START, [_check(2, recurrence=True)]) == "failed"


@pytest.mark.parametrize(("rate", "timeouts"), [(99.9, 0), (100.0, 1)])
def test_dirty_latest_check_keeps_running(rate, timeouts):
    checks = [_check(1), _check(14, rate=rate, timeouts=timeouts)]
    assert monitoring.verdict(END, END + timedelta(minutes=5), checks) == "running"


def test_threshold_setting_is_honoured():
    checks = [_check(15, rate=99.5)]
    assert monitoring.verdict(END, END, checks, threshold=99.0) == "passed"
    assert monitoring.verdict(END, END, checks, threshold=100.0) == "running"


def test_latest_is_by_date_then_sequence():
    same_time = [_check(10, rate=50, seq=2), _check(10, rate=100, seq=1)]
    assert monitoring.latest(same_time).success_rate == 50
