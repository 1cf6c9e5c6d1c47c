"""The assignment engine on small cases a person can check by hand (no database)."""

import random
import subprocess
import sys
from pathlib import Path

import pytest

from workshops.assignment.engine import (
    GROUP_MAX,
    GROUP_MIN,
    LANGUAGE,
    ORG_CAP,
    RESIDENT_FLOOR,
    SECTOR_CEILING,
    AssignmentInputError,
    Group,
    Person,
    Rules,
    check_rules,
    solve,
)

NO_BALANCE = Rules(resident_floor_margin=None, sector_ceiling=None, org_cap=None)


def test_the_engine_imports_nothing_from_django_or_our_apps():
    # A fresh interpreter, so that nothing pytest-django loaded counts.
    code = (
        "import sys, workshops.assignment.engine; "
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'django', 'rest_framework', 'summit', 'registrations'}))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        text=True,
        check=True,
    )

    assert done.stdout.strip() == "[]"


def person(pid, *prefs, sector="resident", org="", language="en", locked=None, previous=None):
    return Person(
        id=pid,
        sector=sector,
        organization=org,
        language=language,
        preferences=tuple(prefs),
        locked_group=locked,
        previous_group=previous,
    )


def test_everyone_gets_their_first_choice_when_there_is_room():
    groups = [Group("a", max_size=5), Group("b", max_size=5)]
    people = [person("1", "a"), person("2", "b"), person("3", "a", "b")]

    result = solve(people, groups, NO_BALANCE)

    assert result.assignment == {"1": "a", "2": "b", "3": "a"}
    assert {p.reason for p in result.placements.values()} == {"first_choice"}
    assert result.status == "optimal"
    assert result.figures["first_choice"] == {"count": 3, "share": 1.0}
    assert result.violations == ()


def test_a_full_first_choice_gives_the_second_choice_with_that_reason():
    groups = [Group("a", max_size=2), Group("b", max_size=5)]
    people = [person("1", "a", "b"), person("2", "a", "b"), person("3", "a", "b")]

    result = solve(people, groups, NO_BALANCE)

    sizes = sorted(result.assignment.values())
    assert sizes == ["a", "a", "b"]
    second = [p for p in result.placements.values() if p.group_id == "b"]
    assert [(p.rank, p.reason) for p in second] == [(2, "second_choice_first_full")]


def test_third_choice_reason_says_the_first_two_were_full():
    groups = [Group("a", max_size=1), Group("b", max_size=1), Group("c", max_size=5)]
    people = [person("1", "a", "b", "c"), person("2", "b", "a", "c"), person("3", "a", "b", "c")]

    result = solve(people, groups, NO_BALANCE)

    in_c = [p for p in result.placements.values() if p.group_id == "c"]
    assert [(p.person_id in ("1", "3"), p.rank, p.reason) for p in in_c] == [(True, 3, "third_choice")]


def test_group_minimum_is_met_by_moving_people_who_ranked_it():
    groups = [Group("a", max_size=10), Group("b", min_size=2, max_size=10)]
    people = [person("1", "a", "b"), person("2", "a"), person("3", "a", "b"), person("4", "a")]

    result = solve(people, groups, NO_BALANCE)

    assert sorted(pid for pid, g in result.assignment.items() if g == "b") == ["1", "3"]
    assert result.placements["1"].reason == "balance"


def test_resident_floor_keeps_residents_in_every_group():
    # 4 residents of 8: summit share 50%, floor 40%. Everyone prefers a.
    groups = [Group("a", max_size=5), Group("b", max_size=5)]
    people = [person(f"r{i}", "a") for i in range(4)] + [
        person(f"x{i}", "a", sector="government", org=f"org{i}") for i in range(4)
    ]

    result = solve(people, groups, Rules(sector_ceiling=None))

    for group in ("a", "b"):
        members = [pid for pid, g in result.assignment.items() if g == group]
        residents = [pid for pid in members if pid.startswith("r")]
        assert len(residents) >= 0.4 * len(members)
    assert result.limits["resident_floor"] == 0.4
    assert result.violations == ()


def test_sector_ceiling_spreads_one_sector_over_groups():
    groups = [Group("a", max_size=10), Group("b", max_size=10)]
    government = [person(f"g{i}", "a", sector="government", org=f"o{i}") for i in range(4)]
    others = [person(f"e{i}", "a", sector="education", org=f"e{i}") for i in range(3)] + [
        person(f"h{i}", "b", sector="health", org=f"h{i}") for i in range(3)
    ]

    result = solve(
        government + others, groups, Rules(resident_floor_margin=None, sector_ceiling=0.4, org_cap=None)
    )

    for group in ("a", "b"):
        members = [pid for pid, g in result.assignment.items() if g == group]
        assert sum(pid.startswith("g") for pid in members) <= 0.4 * len(members)
    assert result.violations == ()


def test_organization_cap_counts_spellings_of_one_organization_together():
    groups = [Group("a", max_size=10), Group("b", max_size=10)]
    people = [
        person("1", "a", sector="government", org="City Hall"),
        person("2", "a", sector="government", org="city hall"),
        person("3", "a", sector="government", org=" City  Hall "),
        person("4", "a", sector="education", org="School"),
    ]

    result = solve(people, groups, Rules(resident_floor_margin=None, sector_ceiling=None, org_cap=2))

    in_a = [pid for pid in ("1", "2", "3") if result.assignment[pid] == "a"]
    assert len(in_a) == 2
    assert result.assignment["4"] == "a"


def test_spanish_speakers_go_only_to_spanish_or_bilingual_groups():
    groups = [Group("en1", "en"), Group("es1", "es"), Group("bi", "bilingual")]
    people = [
        person("maria", "en1", language="es"),
        person("john", "en1", "es1"),  # ranked the Spanish group: may go there
        person("ann"),  # ranked nothing: never placed in a Spanish group
    ]

    result = solve(people, groups, NO_BALANCE)

    assert result.assignment["maria"] in ("es1", "bi")
    assert result.placements["maria"].reason == "language"
    assert result.assignment["john"] == "en1"
    assert result.assignment["ann"] in ("en1", "bi")


def test_a_lock_holds_even_against_language_and_preferences():
    groups = [Group("en1", "en", max_size=5), Group("es1", "es", max_size=5)]
    people = [person("maria", "es1", language="es", locked="en1"), person("2", "en1")]

    result = solve(people, groups, NO_BALANCE)

    assert result.assignment["maria"] == "en1"
    assert result.placements["maria"].reason == "locked"
    assert result.placements["maria"].locked is True
    assert result.violations == ()


def test_too_few_residents_relaxes_the_floor_and_says_by_how_much():
    groups = [Group("a", max_size=4), Group("b", max_size=4)]
    people = [person("r1", "a")] + [person(f"x{i}", sector="government", org=f"o{i}") for i in range(5)]

    result = solve(people, groups, Rules(resident_floor=0.25, sector_ceiling=None, org_cap=None))

    assert RESIDENT_FLOOR in result.relaxed
    assert RESIDENT_FLOOR not in result.rules_held
    floor = [v for v in result.violations if v.rule == RESIDENT_FLOOR]
    assert len(floor) == 1 and floor[0].amount == 1
    assert result.figures["gave_way"] == {RESIDENT_FLOOR: {"groups": 1, "amount": 1}}
    assert GROUP_MAX in result.rules_held and GROUP_MIN in result.rules_held


def test_an_unreachable_group_minimum_gives_way_after_the_balance_rules():
    groups = [Group("a", min_size=5, max_size=10)]
    people = [person(str(i), "a") for i in range(3)]

    result = solve(people, groups, NO_BALANCE)

    assert result.relaxed == (ORG_CAP, SECTOR_CEILING, RESIDENT_FLOOR, GROUP_MIN)
    assert result.assignment == {"0": "a", "1": "a", "2": "a"}
    assert [(v.rule, v.group_id, v.amount) for v in result.violations] == [(GROUP_MIN, "a", 2)]


def test_too_little_room_overfills_a_group_as_the_last_resort():
    groups = [Group("a", max_size=2), Group("b", max_size=1)]
    people = [person(str(i), "a") for i in range(4)]

    result = solve(people, groups, NO_BALANCE)

    assert len(result.assignment) == 4
    assert result.relaxed[-1] == GROUP_MAX
    assert sum(v.amount for v in result.violations if v.rule == GROUP_MAX) == 1


def test_no_spanish_group_relaxes_language_fit_and_reports_it():
    groups = [Group("a", "en", max_size=5)]
    people = [person("maria", "a", language="es"), person("2", "a")]

    result = solve(people, groups, NO_BALANCE)

    assert result.assignment == {"maria": "a", "2": "a"}
    assert LANGUAGE in result.relaxed
    assert [v.rule for v in result.violations] == [LANGUAGE]


def synthetic(n, groups=6, seed=1, late=0):
    rng = random.Random(seed)
    languages = ["en"] * (groups - 2) + ["bilingual", "es"]
    group_list = [Group(f"g{i}", languages[i], min_size=2, max_size=n // groups + 6) for i in range(groups)]
    english = [g.id for g in group_list if g.language != "es"]
    spanish_groups = [g.id for g in group_list if g.language != "en"]
    people = []
    for i in range(n + late):
        spanish = rng.random() < 0.15
        resident = rng.random() < 0.35
        pool = spanish_groups if spanish else english
        prefs = tuple(dict.fromkeys(rng.choices(pool, weights=[1 / (k + 1) for k in range(len(pool))], k=3)))
        people.append(
            person(
                f"p{i:04d}",
                *prefs,
                sector="resident" if resident else rng.choice(["government", "education", "community_org"]),
                org="" if resident else f"org{rng.randrange(40)}",
                language="es" if spanish else "en",
            )
        )
    return people, group_list


def test_identical_input_gives_identical_output_in_any_order():
    people, groups = synthetic(120)
    shuffled = people[:]
    random.Random(7).shuffle(shuffled)

    first = solve(people, groups)
    second = solve(shuffled, list(reversed(groups)))

    assert first.assignment == second.assignment
    assert [p.reason for p in first.placements.values()] == [p.reason for p in second.placements.values()]


def test_rerun_with_late_registrants_moves_no_more_people_than_newcomers():
    people, groups = synthetic(150, late=20)
    first = solve(people[:150], groups)
    rerun_people = [Person(**{**p.__dict__, "previous_group": first.assignment.get(p.id)}) for p in people]

    rerun = solve(rerun_people, groups)

    assert rerun.figures["newcomers"] == 20
    assert rerun.figures["moved"] <= 20
    assert rerun.violations == ()
    kept = [p for p in rerun.placements.values() if p.previous_group and not p.moved]
    assert len(kept) == 150 - rerun.figures["moved"]


def test_lp_and_repair_matches_the_rules_and_reports_its_gap():
    people, groups = synthetic(300, groups=8)

    exact = solve(people, groups, Rules(method="exact"))
    fast = solve(people, groups, Rules(method="lp_repair"))

    assert fast.method == "lp_repair"
    assert fast.violations == () and exact.violations == ()
    assert fast.lp_bound == pytest.approx(exact.lp_bound)
    assert fast.gap <= 0.005
    assert fast.objective <= exact.objective


def test_check_rules_finds_what_a_hand_made_assignment_breaks():
    groups = [Group("a", min_size=1, max_size=1), Group("b")]
    people = [person("1", sector="government", org="x"), person("2", sector="government", org="x")]

    violations = check_rules(people, groups, {"1": "a", "2": "a"}, Rules(resident_floor_margin=None))

    assert sorted((v.rule, v.group_id, v.amount) for v in violations) == [
        (GROUP_MAX, "a", 1),
        (SECTOR_CEILING, "a", 2),
    ]


def test_bad_rules_name_the_field():
    with pytest.raises(AssignmentInputError) as caught:
        Rules.from_dict({"sector_ceiling": 3})
    assert caught.value.field == "sector_ceiling"
    with pytest.raises(AssignmentInputError) as caught:
        Rules.from_dict({"nonsense": 1})
    assert caught.value.field == "nonsense"


def test_a_lock_to_an_unknown_group_is_refused():
    with pytest.raises(AssignmentInputError) as caught:
        solve([person("1", locked="nowhere")], [Group("a")])
    assert caught.value.code == "unknown_group"


def test_nobody_to_place_is_an_empty_result():
    result = solve([], [Group("a")])
    assert result.status == "empty" and result.assignment == {}
