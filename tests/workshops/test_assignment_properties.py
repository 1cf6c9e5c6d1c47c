"""Property tests: whatever the input, the engine places everyone once, honours every lock, and
every rule it claims to hold does hold (checked independently by check_rules)."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workshops.assignment.engine import RELAX_ORDER, Group, Person, Rules, check_rules, solve

SECTORS = ["resident", "government", "education", "community_org", "business"]


@st.composite
def instances(draw):
    n_groups = draw(st.integers(1, 4))
    groups = []
    for i in range(n_groups):
        low = draw(st.integers(0, 4))
        groups.append(
            Group(
                id=f"g{i}",
                language=draw(st.sampled_from(["en", "en", "es", "bilingual"])),
                min_size=low,
                max_size=low + draw(st.integers(0, 8)),
            )
        )
    ids = [g.id for g in groups]
    people = []
    for i in range(draw(st.integers(0, 24))):
        prefs = draw(st.lists(st.sampled_from(ids), max_size=3, unique=True))
        people.append(
            Person(
                id=f"p{i:02d}",
                sector=draw(st.sampled_from(SECTORS)),
                organization=draw(st.sampled_from(["", "", "A", "B", "b ", "C"])),
                language=draw(st.sampled_from(["en", "en", "es"])),
                preferences=tuple(prefs),
                locked_group=draw(st.one_of(st.none(), st.none(), st.none(), st.sampled_from(ids))),
                previous_group=draw(st.one_of(st.none(), st.sampled_from(ids))),
            )
        )
    rules = Rules(
        resident_floor_margin=draw(st.sampled_from([None, 0.1, 0.2])),
        sector_ceiling=draw(st.sampled_from([None, 0.4, 0.6])),
        org_cap=draw(st.sampled_from([None, 1, 2])),
    )
    return people, groups, rules


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_every_rule_the_engine_claims_to_hold_holds(instance):
    people, groups, rules = instance

    result = solve(people, groups, rules)

    assert sorted(result.assignment) == sorted(p.id for p in people)
    assert set(result.assignment.values()) <= {g.id for g in groups}
    for p in people:
        if p.locked_group:
            assert result.assignment[p.id] == p.locked_group
    violations = check_rules(people, groups, result.assignment, rules)
    broken = {v.rule for v in violations}
    assert "lock" not in broken and "unassigned" not in broken
    # What was not relaxed holds; what the result says holds, holds; what broke was reported.
    assert broken <= set(result.relaxed)
    assert broken.isdisjoint(result.rules_held)
    assert sorted((v.rule, v.group_id, v.amount) for v in violations) == sorted(
        (v.rule, v.group_id, v.amount) for v in result.violations
    )
    # Rules give way in order: a later rule is only relaxed if every earlier one is too.
    assert result.relaxed == RELAX_ORDER[: len(result.relaxed)]


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_same_input_same_output(instance):
    people, groups, rules = instance

    assert solve(people, groups, rules).assignment == solve(list(reversed(people)), groups, rules).assignment
