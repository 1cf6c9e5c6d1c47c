"""Believable recommendations, quotes and votes for the demo summit (seed_demo_workshops)."""

import datetime
import random

from django.db import transaction
from django.utils import timezone

from registrations.models import CheckIn, Registration
from summit.models import PlanningGroup
from workshops.assignment.services import publish_assignment, run_assignment
from workshops.attendance import attended
from workshops.models import (
    Ballot,
    Dimension,
    FrameworkVersion,
    Lever,
    Pillar,
    Predictor,
    Recommendation,
    Vote,
    VotingRound,
)
from workshops.recommendations import services

# group slug -> [(title, barrier, action, predictor, lever, dimensions, horizon, lead, partners, resources, measure, quote)]
RECOMMENDATIONS = {
    "housing": [
        (
            "Emergency rent relief that arrives in days, not months",
            "Families fall behind on rent after one missed paycheck and are evicted before aid is approved.",
            "Create a county rent relief fund with a one-page application and payment to landlords within 10 days.",
            "housing-stability",
            "resource-flows",
            ["economic-success", "dignity-belonging"],
            "short",
            "County Housing Authority",
            "Legal aid, tenant unions, local landlords association",
            "$2.5M a year from county and philanthropy",
            "Evictions filed per month; days from application to payment",
            "We moved four times in two years. My kids changed schools every time.",
        ),
        (
            "Right to counsel in eviction court",
            "Most tenants face eviction court alone while landlords have lawyers.",
            "Fund free legal representation for every tenant facing eviction.",
            "housing-stability",
            "policies",
            ["power-autonomy"],
            "medium",
            "Legal Aid Society",
            "Courts, bar association",
            "$900K a year",
            "Share of tenants represented; eviction judgments",
            "The hearing lasted five minutes. Nobody explained anything to me.",
        ),
        (
            "Community land trust for permanently affordable homes",
            "Rising land prices push long-time residents out of their neighborhoods.",
            "Seed a community land trust with public land and a revolving acquisition fund.",
            "housing-affordability",
            "resource-flows",
            ["economic-success", "power-autonomy"],
            "long",
            "Neighborhood Development Corp.",
            "City planning, credit union",
            "$5M seed capital",
            "Homes held in trust; resident board seats",
            None,
        ),
    ],
    "good-jobs": [
        (
            "Paid apprenticeships in the trades and health care",
            "Training programs are unpaid, so people who need income now cannot join them.",
            "Pay apprentices a living wage from day one through an employer-county cost share.",
            "employment-opportunities",
            "resource-flows",
            ["economic-success"],
            "medium",
            "Workforce Development Board",
            "Community college, building trades council, hospital",
            "$1.2M a year",
            "Apprentices completing; wages one year later",
            "I can't stop working for six months to get a certificate.",
        ),
        (
            "Fair scheduling for hourly workers",
            "Last-minute schedules make childcare and second jobs impossible.",
            "Adopt a local ordinance requiring two weeks' notice of shifts at large employers.",
            "opportunities-for-income",
            "policies",
            ["dignity-belonging", "power-autonomy"],
            "medium",
            "Workers' Center",
            "Chamber of commerce, city council",
            "Enforcement staff: 2 positions",
            "Complaints resolved; workers reporting stable schedules",
            None,
        ),
    ],
    "early-learning": [
        (
            "Free preschool for every four-year-old",
            "Half of the county's children start kindergarten without preschool.",
            "Expand public pre-K slots in the neighborhoods with the longest waiting lists.",
            "access-to-preschool",
            "resource-flows",
            ["economic-success"],
            "long",
            "County Office of Education",
            "Head Start, family child care network",
            "$3M a year",
            "Enrollment of four-year-olds; kindergarten readiness",
            "The waiting list was 18 months. My daughter is five now.",
        ),
        (
            "Laptops and home internet for every student",
            "Students without internet at home cannot finish homework.",
            "Partner with providers for $10 home internet and a device for each student who needs one.",
            "digital-access",
            "practices",
            ["economic-success", "dignity-belonging"],
            "short",
            "School District",
            "Library, internet providers",
            "$400K one time",
            "Students with home internet",
            None,
        ),
    ],
    "health-access": [
        (
            "Evening and weekend clinic hours",
            "Clinics close when working people could come.",
            "Open two community clinics until 8 pm and on Saturdays.",
            "access-to-health-services",
            "practices",
            ["dignity-belonging"],
            "short",
            "Community Health Centers",
            "County health department",
            "$750K a year",
            "Visits after 5 pm; emergency room visits for routine care",
            "To see a doctor I lose a day's pay.",
        ),
        (
            "Community health workers who speak our languages",
            "People avoid care they cannot understand.",
            "Hire and train 20 community health workers from the neighborhoods they serve.",
            "access-to-health-services",
            "relationships",
            ["dignity-belonging", "power-autonomy"],
            "medium",
            "Promotoras Network",
            "Hospitals, health plans",
            "$1.1M a year",
            "Patients reached; follow-up visits kept",
            None,
        ),
    ],
    "transit": [
        (
            "Night and weekend bus service to jobs and hospitals",
            "Buses stop before night shifts end.",
            "Add late-night routes connecting housing areas with the hospital and the industrial park.",
            "transportation-access",
            "resource-flows",
            ["economic-success"],
            "medium",
            "Transit District",
            "Employers, hospital",
            "$1.5M a year",
            "Riders after 9 pm; commute times",
            "My shift ends at 11. The last bus leaves at 10.",
        ),
        (
            "Free transit passes for students and job seekers",
            "Fares keep people from interviews and classes.",
            "Give free passes to students and people in job programs.",
            "transportation-access",
            "policies",
            ["economic-success", "power-autonomy"],
            "short",
            "Transit District",
            "Schools, workforce board",
            "$600K a year",
            "Passes used; interview attendance",
            None,
        ),
    ],
    "local-voice": [
        (
            "Participatory budgeting for neighborhood funds",
            "Residents rarely decide how public money is spent where they live.",
            "Let residents propose and vote on $1M of the city's capital budget each year.",
            "political-participation",
            "power-dynamics",
            ["power-autonomy", "dignity-belonging"],
            "medium",
            "City Council",
            "Neighborhood associations, libraries",
            "$1M a year plus staff",
            "Residents voting; projects completed",
            "They ask our opinion after they have decided.",
        ),
        (
            "Paid seats for residents on city commissions",
            "Unpaid commission seats go to people who can afford the time.",
            "Pay stipends and childcare to residents serving on commissions.",
            "descriptive-representation",
            "power-dynamics",
            ["power-autonomy"],
            "short",
            "Mayor's Office",
            "Community organizations",
            "$150K a year",
            "Share of commission seats held by residents with lived experience",
            None,
        ),
    ],
    "savings-credit": [
        (
            "Matched savings accounts for families",
            "Families cannot build savings for emergencies.",
            "Match savings 2 to 1 up to $1,000 through the local credit union.",
            "financial-security",
            "resource-flows",
            ["economic-success"],
            "short",
            "Community Credit Union",
            "Banks, philanthropy",
            "$500K match pool",
            "Accounts opened; families with $1,000 saved",
            None,
        ),
        (
            "Fair small-business loans for street vendors",
            "Vendors can only borrow from lenders charging 200% interest.",
            "Create a microloan fund with bilingual coaching.",
            "wealth-building",
            "resource-flows",
            ["economic-success", "power-autonomy"],
            "medium",
            "Small Business Center",
            "Credit union, chamber of commerce",
            "$800K revolving fund",
            "Loans made; repayment; businesses still open after 2 years",
            "El banco no me quiso atender porque no tenía historial.",
        ),
    ],
    "vivienda-comunidad": [
        (
            "Inspecciones de vivienda sin miedo a represalias",
            "Las familias no denuncian moho ni plagas por miedo a ser desalojadas.",
            "Crear una línea bilingüe para inspecciones con protección contra represalias.",
            "housing-stability",
            "policies",
            ["dignity-belonging"],
            "short",
            "Departamento de Vivienda",
            "Organizaciones de inquilinos",
            "2 inspectores bilingües",
            "Inspecciones realizadas; reparaciones completadas",
            "Vivimos con moho porque tenemos miedo de quejarnos.",
        ),
        (
            "Centro comunitario abierto por las tardes",
            "No hay un lugar seguro para reunirse en el barrio.",
            "Abrir la escuela del barrio por las tardes como centro comunitario.",
            "social-capital",
            "relationships",
            ["dignity-belonging", "power-autonomy"],
            "medium",
            "Distrito Escolar",
            "Parques, iglesias",
            "$200K al año",
            "Personas que usan el centro cada semana",
            None,
        ),
    ],
    "youth-pathways": [
        (
            "Paid summer jobs for every teen who wants one",
            "Teens in low-income families need income and first work experience.",
            "Guarantee a paid summer job with a mentor for every teen who applies.",
            "employment-opportunities",
            "resource-flows",
            ["economic-success", "dignity-belonging"],
            "short",
            "Youth Services Department",
            "Employers, nonprofits",
            "$1.8M a year",
            "Teens placed; school attendance the following year",
            "Mi primer trabajo me enseñó que sí puedo.",
        ),
        (
            "College application coaching in every high school",
            "First-generation students miss deadlines and aid.",
            "Fund a college coach in each high school and FAFSA nights for families.",
            "preparation-for-college",
            "practices",
            ["economic-success", "power-autonomy"],
            "medium",
            "School District",
            "Community college, university",
            "$600K a year",
            "FAFSA completion; college enrollment",
            None,
        ),
    ],
}
SHORTLIST_PER_GROUP = 1


def _assign_and_publish(summit):
    """Run the assignment engine and publish it, unless groups are already published."""
    if Registration.objects.filter(summit=summit, group__isnull=False).exists():
        return 0
    run_assignment(summit)
    return publish_assignment(summit, by=None).get("published", 0)


def _seed_attendance(summit, share=0.7):
    """Demo only: record most confirmed people as admitted, as at mid-morning on the day, so the
    report and voting have attendance (the rest are left for trying the door page)."""
    if CheckIn.objects.filter(summit=summit).exists():
        return 0
    people = Registration.objects.filter(summit=summit, status=Registration.Status.CONFIRMED).order_by("pk")
    rows = []
    for person in people:
        rng = random.Random(f"{summit.slug}-door-{person.pk}")
        if rng.random() < share:
            at = (
                summit.starts_at
                - datetime.timedelta(minutes=30)
                + datetime.timedelta(minutes=rng.randint(0, 50))
            )
            rows.append(CheckIn(registration=person, summit=summit, checked_in_at=at, device="demo"))
    CheckIn.objects.bulk_create(rows, batch_size=500)
    return len(rows)


@transaction.atomic
def seed_recommendations(summit):
    """Create the demo recommendations, quotes, paper tallies and a closed room vote.
    Idempotent: whatever exists already is left as it is."""
    version = FrameworkVersion.current()
    groups = list(PlanningGroup.objects.filter(summit=summit).order_by("position"))
    assigned = _assign_and_publish(summit) if groups else 0
    _seed_attendance(summit)
    created = 0
    for group in groups:
        if Recommendation.objects.filter(group=group).exists():
            continue
        for position, spec in enumerate(RECOMMENDATIONS.get(group.slug, [])):
            (
                title,
                barrier,
                action,
                predictor,
                lever,
                dimensions,
                horizon,
                lead,
                partners,
                resources,
                measure,
                quote,
            ) = spec
            predictor_obj = Predictor.objects.get(version=version, slug=predictor)
            rec = services.create_recommendation(
                group=group,
                data={
                    "title": title,
                    "barrier": barrier,
                    "action": action,
                    "rationale": "Raised by residents in the group and supported by partners at the table.",
                    "pillar": Pillar.objects.get(pk=predictor_obj.pillar_id),
                    "predictors": [predictor_obj],
                    "dimensions": list(Dimension.objects.filter(version=version, slug__in=dimensions)),
                    "lever": Lever.objects.get(version=version, slug=lever),
                    "horizon": horizon,
                    "lead_organization": lead,
                    "partners": partners,
                    "resources": resources,
                    "success_measure": measure,
                    "state": "shortlisted" if position < SHORTLIST_PER_GROUP else "submitted",
                },
            )
            created += 1
            if quote:
                services.add_quote(
                    group=group,
                    recommendation=rec,
                    text=quote,
                    speaker_sector="resident",
                    is_resident=True,
                    consent_to_quote=True,
                )
            services.set_paper_tally(rec, dots=random.Random(rec.reference).randint(3, 25))
    votes = _seed_votes(summit)
    return {"recommendations": created, "votes": votes, "assigned": assigned}


def _seed_votes(summit):
    voting_round, _ = VotingRound.objects.get_or_create(
        summit=summit,
        title="Room vote",
        defaults={
            "opens_at": timezone.now() - datetime.timedelta(hours=3),
            "closes_at": timezone.now() - datetime.timedelta(hours=2),
        },
    )
    if voting_round.ballots.exists():
        return 0
    shortlist = list(Recommendation.objects.filter(summit=summit, state="shortlisted").order_by("reference"))
    if not shortlist:
        return 0
    voters = list(
        attended(Registration.objects.filter(summit=summit)).order_by("pk").values_list("pk", "sector")
    )
    ballots, votes = [], []
    for registration_id, sector in voters:
        rng = random.Random(f"{summit.slug}-vote-{registration_id}")
        if rng.random() < 0.2:  # some people leave before the vote
            continue
        # Sectors lean towards different priorities, so the two rankings differ a little.
        weights = [
            1
            + (3 if sector == "resident" and i % 3 == 0 else 0)
            + (2 if sector != "resident" and i % 4 == 1 else 0)
            for i in range(len(shortlist))
        ]
        picks, left = {}, voting_round.dots_per_person
        while left:
            rec = rng.choices(shortlist, weights)[0]
            if picks.get(rec.pk, 0) < voting_round.max_per_item:
                picks[rec.pk] = picks.get(rec.pk, 0) + 1
                left -= 1
        ballots.append(
            Ballot(round=voting_round, registration_id=registration_id, dots_allowed=5, dots_used=5)
        )
        votes.append(picks)
    Ballot.objects.bulk_create(ballots, batch_size=500)
    Vote.objects.bulk_create(
        [
            Vote(ballot=ballot, recommendation_id=rec_id, dots=dots)
            for ballot, picks in zip(ballots, votes, strict=True)
            for rec_id, dots in picks.items()
        ],
        batch_size=1000,
    )
    return sum(len(p) for p in votes)
