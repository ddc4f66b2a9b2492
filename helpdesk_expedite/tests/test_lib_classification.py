"""Rule matching and its reason text (lib/classification.py): no database."""

from hypothesis import given
from hypothesis import strategies as st

from odoo.addons.helpdesk_expedite.lib import classification as cls_lib
from odoo.addons.helpdesk_expedite.lib.classification import Rule, TicketFacts

from .common import PROPERTY, PureCase, table

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

FACTS = st.builds(
    TicketFacts,
    affected_user_count=st.integers(min_value=0, max_value=10_000),
    affected_group_count=st.integers(min_value=0, max_value=50),
    failure_rate=st.floats(min_value=0, max_value=100),
    critical_activity_blocked=st.booleans(),
    executive_involved=st.booleans(),
    has_deadline=st.booleans(),
)


def classify(facts, rules=None):
    rules = DEFAULT_RULES if rules is None else rules
    return cls_lib.classify(rules, facts).class_of_service


class TestClassify(PureCase):
    @table((0, "standard"), (25, "standard"), (26, "expedite"), (53, "expedite"))
    def test_affected_users_boundary_is_strict(self, users, expected):
        self.assertEqual(classify(TicketFacts(affected_user_count=users)), expected)

    def test_reason_gives_rule_and_numbers(self):
        result = cls_lib.classify(DEFAULT_RULES, TicketFacts(affected_user_count=53))
        self.assertEqual(result.rule, USERS_RULE)
        self.assertIn("More than 25 affected users", result.reason)
        self.assertIn("53 affected users > 25", result.reason)

    def test_no_match_is_standard_with_reason(self):
        result = cls_lib.classify(DEFAULT_RULES, TicketFacts(affected_user_count=3))
        self.assertEqual(result.class_of_service, "standard")
        self.assertIsNone(result.rule)
        self.assertIn("No classification rule matched", result.reason)

    def test_no_rules_at_all_is_standard(self):
        self.assertEqual(classify(TicketFacts(affected_user_count=999), []), "standard")

    @table(
        (True, True, "expedite"), (True, False, "standard"), (False, True, "standard")
    )
    def test_boolean_conditions_are_anded(self, blocked, executive, expected):
        facts = TicketFacts(
            critical_activity_blocked=blocked, executive_involved=executive
        )
        self.assertEqual(classify(facts), expected)

    def test_deadline_gives_fixed_date(self):
        result = cls_lib.classify(DEFAULT_RULES, TicketFacts(has_deadline=True))
        self.assertEqual(result.class_of_service, "fixed_date")
        self.assertIn("a deadline is set", result.reason)

    @table((49.9, False), (50.0, True), (100.0, True))
    def test_min_failure_rate_is_inclusive(self, rate, matches):
        rule = Rule(
            id=9,
            name="Half failing",
            class_of_service="expedite",
            min_failure_rate=50.0,
        )
        matched = cls_lib.matched_conditions(rule, TicketFacts(failure_rate=rate))
        self.assertEqual(matched is not None, matches)

    @table((1, False), (2, True), (3, True))
    def test_min_groups_is_inclusive(self, groups, matches):
        rule = Rule(id=9, name="Multi-group", class_of_service="expedite", min_groups=2)
        facts = TicketFacts(affected_group_count=groups)
        self.assertEqual(cls_lib.matched_conditions(rule, facts) is not None, matches)

    def test_first_rule_by_sequence_then_id_wins(self):
        late = Rule(id=1, name="late", class_of_service="intangible", sequence=50)
        early = Rule(id=7, name="early", class_of_service="fixed_date", sequence=5)
        tie = Rule(id=3, name="tie", class_of_service="expedite", sequence=5)
        result = cls_lib.classify([late, early, tie], TicketFacts())
        self.assertEqual(result.rule, tie)  # same sequence: lowest id first

    def test_rule_of_another_team_is_skipped(self):
        rule = Rule(
            id=1, name="team", class_of_service="expedite", team_ids=frozenset({4})
        )
        self.assertEqual(classify(TicketFacts(team_id=5), [rule]), "standard")
        self.assertEqual(classify(TicketFacts(team_id=4), [rule]), "expedite")
        self.assertEqual(classify(TicketFacts(team_id=None), [rule]), "standard")

    def test_rule_of_another_company_is_skipped(self):
        rule = Rule(id=1, name="co", class_of_service="expedite", company_id=2)
        self.assertEqual(classify(TicketFacts(company_id=1), [rule]), "standard")
        self.assertEqual(classify(TicketFacts(company_id=2), [rule]), "expedite")
        shared = Rule(id=2, name="shared", class_of_service="expedite", company_id=None)
        self.assertEqual(classify(TicketFacts(company_id=1), [shared]), "expedite")

    @table(
        ("1", "3", "3"),
        ("3", "1", "3"),
        ("2", None, "2"),
        (False, "3", "3"),
        ("0", "0", "0"),
    )
    def test_priority_is_raised_never_lowered(self, current, proposed, expected):
        self.assertEqual(cls_lib.raised_priority(current, proposed), expected)

    @PROPERTY
    @given(FACTS)
    def test_default_rules_agree_with_their_definition(self, facts):
        expected = "standard"
        if facts.affected_user_count > 25 or (
            facts.critical_activity_blocked and facts.executive_involved
        ):
            expected = "expedite"
        elif facts.has_deadline:
            expected = "fixed_date"
        self.assertEqual(classify(facts), expected)

    @PROPERTY
    @given(FACTS, st.permutations(DEFAULT_RULES))
    def test_rule_order_in_input_does_not_matter(self, facts, rules):
        self.assertEqual(
            cls_lib.classify(rules, facts), cls_lib.classify(DEFAULT_RULES, facts)
        )

    @PROPERTY
    @given(FACTS)
    def test_more_users_never_downgrades_from_expedite(self, facts):
        more = TicketFacts(
            **{**facts.__dict__, "affected_user_count": facts.affected_user_count + 1}
        )
        if classify(facts) == "expedite":
            self.assertEqual(classify(more), "expedite")
