"""Benchmark the planning-group assignment engine on synthetic summits.

Synthetic summits of 350 x 8, 2,000 x 20 and 10,000 x 50 groups: skewed (Zipf-like)
popularity, 35% residents, 70+ organizations, 15% Spanish-only; every eighth group is Spanish
and every eighth bilingual. Prints a Markdown table: solve time, method and status, share in
first choice and top three, the top-three LP maximum, gap to the LP bound, rule violations,
people moved when 20 late registrants are added, and whether identical input gives identical
output. Pure engine: no database.
"""

import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from workshops.assignment.engine import Group, Person, Rules, check_rules, solve, top_three_lp_max  # noqa: E402

SECTORS = [
    ("community_org", 30),
    ("government", 20),
    ("education", 12),
    ("health", 10),
    ("business", 8),
    ("philanthropy", 6),
    ("faith", 5),
    ("elected_official", 3),
    ("other", 3),
    ("undisclosed", 3),
]


def synthetic_summit(n_people, n_groups, *, seed=2025, late=0):
    rng = random.Random(f"{seed}-{n_people}-{n_groups}")
    groups = []
    per_group = n_people / n_groups
    for g in range(n_groups):
        language = "es" if g % 8 == 7 else "bilingual" if g % 8 == 3 else "en"
        groups.append(
            Group(
                id=f"g{g:02d}",
                language=language,
                min_size=int(per_group * 0.5),
                max_size=int(per_group * 1.2) + 1,
            )
        )
    popularity = [1 / (rank + 1) ** 0.9 for rank in range(n_groups)]
    rng.shuffle(popularity)
    n_orgs = max(72, n_people // 25)
    orgs_by_sector = {name: [] for name, _ in SECTORS}
    for o in range(n_orgs):
        sector = rng.choices([s for s, _ in SECTORS], [w for _, w in SECTORS])[0]
        orgs_by_sector[sector].append(f"Organization {o:04d}")
    people = []
    for i in range(n_people + late):
        resident = rng.random() < 0.35
        spanish = rng.random() < 0.15
        sector = "resident" if resident else rng.choices([s for s, _ in SECTORS], [w for _, w in SECTORS])[0]
        org = "" if resident or not orgs_by_sector[sector] else rng.choice(orgs_by_sector[sector])
        eligible = [g for g in groups if (g.language != "en" if spanish else g.language != "es")]
        weights = [popularity[int(g.id[1:])] for g in eligible]
        ranked = []
        for _ in range(rng.choice([3, 3, 3, 3, 2, 1, 0])):
            pick = rng.choices(eligible, weights)[0].id
            if pick not in ranked:
                ranked.append(pick)
        people.append(
            Person(
                id=f"p{i:05d}",
                sector=sector,
                organization=org,
                language="es" if spanish else "en",
                preferences=tuple(ranked),
            )
        )
    return people, groups


def bench(n_people, n_groups):
    rules = Rules()
    people, groups = synthetic_summit(n_people, n_groups, late=20)
    early, late = people[:n_people], people[n_people:]

    started = time.perf_counter()
    result = solve(early, groups, rules)
    seconds = time.perf_counter() - started
    violations = check_rules(early, groups, result.assignment, rules)
    lp_top3 = top_three_lp_max(early, groups, rules)

    shuffled = early[:]
    random.Random(1).shuffle(shuffled)
    again = solve(shuffled, groups, rules)
    identical = again.assignment == result.assignment

    rerun_people = [
        Person(**{**p.__dict__, "previous_group": result.assignment.get(p.id)}) for p in early
    ] + late
    started = time.perf_counter()
    rerun = solve(rerun_people, groups, rules)
    rerun_seconds = time.perf_counter() - started
    rerun_violations = check_rules(rerun_people, groups, rerun.assignment, rules)

    f = result.figures
    return {
        "summit": f"{n_people} x {n_groups}",
        "method": result.method,
        "status": result.status,
        "seconds": f"{seconds:.2f}",
        "first": f"{100 * f['first_choice']['share']:.1f}%",
        "top3": f"{100 * f['top_three']['share']:.1f}%",
        "top3_lp_max": f"{100 * lp_top3:.1f}%",
        "top3_behind": f"{100 * (lp_top3 - f['top_three']['share']):.2f} pt",
        "gap": f"{100 * result.gap:.3f}%" if result.gap is not None else "n/a",
        "violations": str(len(violations)),
        "relaxed": ",".join(result.relaxed) or "-",
        "rerun_s": f"{rerun_seconds:.2f}",
        "moved_of_20_new": str(rerun.figures["moved"]),
        "rerun_viol": str(len(rerun_violations)),
        "identical": "yes" if identical else "NO",
    }


def main():
    sizes = [(350, 8), (2000, 20), (10000, 50)]
    if len(sys.argv) > 1 and sys.argv[1] == "--quick":
        sizes = sizes[:2]
    rows = [bench(n, g) for n, g in sizes]
    header = list(rows[0])
    print("| " + " | ".join(header) + " |")
    print("|" + "|".join("---" for _ in header) + "|")
    for row in rows:
        print("| " + " | ".join(row[h] for h in header) + " |")
    print()
    print(
        "Targets: 350 x 8 proven optimal < 2 s; 10,000 x 50 within 0.5% of the LP bound < 10 s; zero violations "
        "when the rules can be met; top three within 1.5 points of its LP maximum; a rerun moves no more than the "
        "20 newcomers; identical output on identical input."
    )


if __name__ == "__main__":
    main()
