"""Report benchmark: time and peak memory to build the PDF for 350 attendees / 10 groups /
60 recommendations and 2,000 / 40 / 400, in a throwaway SQLite database (or BENCH_DATABASE_URL).

Data are made directly with bulk_create. Prints a Markdown table: data queries, pages, time
to collect the data, time to render, time per page and peak memory (tracemalloc, Python heap).
"""

import datetime
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
TMP = tempfile.mkdtemp(prefix="bench-report-")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "summit.settings")
os.environ["DEBUG"] = "1"
os.environ.setdefault("DATABASE_URL", os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{TMP}/bench.sqlite3"))
os.environ["MEDIA_ROOT"] = f"{TMP}/media"

import django  # noqa: E402

django.setup()

import logging  # noqa: E402

from django.core.management import call_command  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

logging.getLogger("weasyprint").setLevel(logging.ERROR)

SIZES = [(350, 10, 60), (2000, 40, 400)]
SECTORS = ["resident"] * 4 + [
    "community_org",
    "government",
    "education",
    "business",
    "philanthropy",
    "health",
    "faith",
]


def build(slug, attendees, group_count, rec_count):
    from registrations.models import Registration
    from summit.models import PlanningGroup, Summit, TicketType
    from workshops.models import (
        Ballot,
        Dimension,
        FrameworkVersion,
        Lever,
        Pillar,
        Recommendation,
        ResidentQuote,
        Vote,
        VotingRound,
    )

    rng = random.Random(slug)
    version = FrameworkVersion.current()
    pillars = list(Pillar.objects.filter(version=version))
    dimensions = list(Dimension.objects.filter(version=version))
    levers = list(Lever.objects.filter(version=version))
    now = timezone.now()
    summit = Summit.objects.create(
        slug=slug,
        name=f"Bench {slug}",
        name_es=f"Bench {slug}",
        starts_at=now,
        ends_at=now + datetime.timedelta(hours=8),
        capacity=attendees,
    )
    ticket = TicketType.objects.create(summit=summit, slug="t", name="T")
    groups = PlanningGroup.objects.bulk_create(
        [
            PlanningGroup(
                summit=summit,
                slug=f"g{i}",
                name=f"Group {i}",
                name_es=f"Grupo {i}",
                pillar=pillars[i % 5].slug,
                position=i,
                max_size=500,
            )
            for i in range(group_count)
        ]
    )
    people = Registration.objects.bulk_create(
        [
            Registration(
                summit=summit,
                ticket_type=ticket,
                status="confirmed",
                first_name=f"P{i}",
                email=f"p{i}@{slug}.example.org",
                sector=rng.choice(SECTORS),
                language=rng.choice("eeees"),
                organization=f"Org {i % 120}" if i % 3 else "",
                share_with_group=rng.random() < 0.8,
                group=groups[i % group_count],
            )
            for i in range(attendees)
        ],
        batch_size=1000,
    )
    recs = Recommendation.objects.bulk_create(
        [
            Recommendation(
                summit=summit,
                group=groups[i % group_count],
                number=i // group_count + 1,
                reference=f"B-{i % group_count}-{i // group_count + 1:02d}",
                title=f"Recommendation {i}: a clear, specific proposal",
                barrier="A barrier residents described at length. " * 4,
                action="The proposed action, who does it and by when. " * 4,
                rationale="Why it matters. " * 3,
                pillar=pillars[i % 5],
                lever=levers[i % 6],
                horizon="medium",
                lead_organization="Lead org",
                partners="Partners",
                resources="$1M a year",
                success_measure="A measurable outcome",
                state="shortlisted" if i % 5 == 0 else "submitted",
            )
            for i in range(rec_count)
        ],
        batch_size=500,
    )
    Recommendation.dimensions.through.objects.bulk_create(
        [
            Recommendation.dimensions.through(recommendation_id=r.pk, dimension_id=dimensions[i % 3].pk)
            for i, r in enumerate(recs)
        ]
    )
    ResidentQuote.objects.bulk_create(
        [
            ResidentQuote(
                group=r.group,
                recommendation=r,
                text="Something a resident said about this. " * 2,
                speaker_sector="resident",
                is_resident=True,
                consent_to_quote=True,
            )
            for r in recs[::2]
        ]
    )
    voting_round = VotingRound.objects.create(
        summit=summit,
        title="Room",
        opens_at=now - datetime.timedelta(hours=2),
        closes_at=now - datetime.timedelta(hours=1),
    )
    shortlist = [r for r in recs if r.state == "shortlisted"]
    ballots = Ballot.objects.bulk_create(
        [Ballot(round=voting_round, registration=p, dots_allowed=5, dots_used=5) for p in people],
        batch_size=1000,
    )
    votes = []
    for ballot in ballots:
        picks = {}
        while sum(picks.values()) < 5:
            rec = rng.choice(shortlist)
            if picks.get(rec.pk, 0) < 2:
                picks[rec.pk] = picks.get(rec.pk, 0) + 1
        votes += [Vote(ballot=ballot, recommendation_id=k, dots=v) for k, v in picks.items()]
    Vote.objects.bulk_create(votes, batch_size=2000)
    return summit


def measure(summit):
    from workshops.report.build import collect_report_data, render_report, sha256_of

    reset_queries()
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        data = collect_report_data(summit, preliminary=False)
    collected = time.perf_counter()
    pdf, pages = render_report(data, language="en", sha256=sha256_of(data))
    finished = time.perf_counter()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # this size runs in its own process
    return {
        "queries": len(queries),
        "pages": pages,
        "collect": collected - started,
        "render": finished - collected,
        "total": finished - started,
        "per_page": (finished - collected) / pages,
        "peak_mb": peak / 1e6,
        "size_kb": len(pdf) / 1e3,
    }


def one(index):
    """Build one size's data in a fresh database, then measure; prints the result as a repr."""
    call_command("migrate", verbosity=0)
    attendees, groups, recs = SIZES[index]
    summit = build(f"bench{index}", attendees, groups, recs)
    print(repr(measure(summit)))


def main():
    rows = []
    for index, (attendees, groups, recs) in enumerate(SIZES):
        # Each size in its own process and database, so peak memory is that size's alone.
        env = {
            **os.environ,
            "DATABASE_URL": os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{TMP}/bench{index}.sqlite3"),
        }
        out = subprocess.run(
            [sys.executable, __file__, str(index)], env=env, capture_output=True, text=True, check=True
        )
        rows.append((attendees, groups, recs, eval(out.stdout.strip().splitlines()[-1])))  # noqa: S307 - our own repr
    print(
        f"Database: {connection.vendor}. Peak memory: maximum resident set size of the process that built the report.\n"
    )
    print(
        "| attendees | groups | recommendations | data queries | pages | data (s) | render (s) | total (s) | ms/page | peak RSS (MB) | PDF (kB) |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for attendees, groups, recs, r in rows:
        print(
            f"| {attendees} | {groups} | {recs} | {r['queries']} | {r['pages']} | {r['collect']:.2f} | {r['render']:.2f} | "
            f"{r['total']:.2f} | {1000 * r['per_page']:.0f} | {r['peak_mb']:.0f} | {r['size_kb']:.0f} |"
        )


if __name__ == "__main__":
    if len(sys.argv) > 1:
        one(int(sys.argv[1]))
    else:
        main()
