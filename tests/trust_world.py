"""Two summits with everything a role could reach (groups, registrations with distinctive private
values, check-in codes, a finished badge sheet, an assignment run, a door link, payments, audit
rows) and one signed-in client per role. Shared by the authorization matrix and the fuzzing tests.

Every private value (email, phone, each need) is distinctive, so a test can search any response
body for the values a role must never see."""

import dataclasses
import datetime
import uuid
from decimal import Decimal

from django.contrib.auth.models import Permission
from django.core import signing
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token

from registrations.badges.codes import badge_code
from registrations.door.links import create_door_link
from registrations.models import (
    BadgeSheetJob,
    CheckIn,
    DoorLink,
    Payment,
    Registration,
    ScanLog,
    StripeEvent,
)
from registrations.seats import links
from summit import audit
from summit.models import AuditEvent, PlanningGroup, PromoCode, StaffRole, Summit, TicketType
from summit.services import create_staff
from tests.factories import (
    PlanningGroupFactory,
    RecommendationFactory,
    RegistrationFactory,
    SummitFactory,
    TicketTypeFactory,
    VotingRoundFactory,
)
from workshops.framework import load_framework, read_framework_file
from workshops.models import Assignment, AssignmentRun, FrameworkVersion, ReportSnapshot

ROLES = (
    "anonymous",
    "attendee",
    "volunteer",
    "door_link",
    "facilitator",
    "navigator",
    "planner",
    "other_planner",
)


def private_values(registration):
    """What only the attendee and their summit's planners may ever see."""
    values = [
        registration.email,
        registration.phone,
        registration.accessibility_needs,
        registration.interpretation_needs,
        registration.dietary_needs,
        registration.childcare_needs,
    ]
    return [value for value in values if value]


@dataclasses.dataclass
class Place:
    """One summit and its objects."""

    summit: Summit
    groups: list  # [own group (g1), sibling group (g2)]
    registrations: dict  # "A" (g1, shares), "C" (g1, does not share), "B" (g2), "P" (pending payment)
    code: str  # A's badge code
    job: BadgeSheetJob
    run: AssignmentRun
    door_token: str
    objects: dict  # admin model label -> object pk (an object of this summit)
    recommendations: dict  # group pk -> a submitted recommendation of that group
    rounds: dict  # group pk -> an open voting round of that group
    report: ReportSnapshot  # a finished report snapshot with its PDF

    @property
    def private(self):
        return {value for r in self.registrations.values() for value in private_values(r)}


def _registration(summit, ticket, tag, group, *, share, status=Registration.Status.CONFIRMED):
    registration = RegistrationFactory(
        summit=summit,
        ticket_type=ticket,
        first_name=f"Zed{tag}",
        last_name=f"Quill{tag}",
        email=f"mail-{tag}@private.example".lower(),
        phone=f"+1 805 555 {sum(map(ord, tag)) % 10000:04d}",
        organization=f"Org {tag}",
        accessibility_needs=f"ramp-need-{tag}",
        dietary_needs=f"diet-need-{tag}",
        interpretation_needs=f"interp-need-{tag}",
        childcare_needs=f"child-need-{tag}",
        share_with_group=share,
        status=status,
        group=group,
    )
    return registration


def build_place(prefix, planner_user):
    summit = SummitFactory(slug=f"{prefix}-summit", name=f"Summit {prefix.upper()}")
    ticket = TicketTypeFactory(summit=summit, slug="resident", name="Community resident")
    groups = [
        PlanningGroupFactory(summit=summit, slug=f"{prefix}-one", name=f"{prefix} one"),
        PlanningGroupFactory(summit=summit, slug=f"{prefix}-two", name=f"{prefix} two"),
    ]
    regs = {
        "A": _registration(summit, ticket, f"{prefix}A", groups[0], share=True),
        "C": _registration(summit, ticket, f"{prefix}C", groups[0], share=False),
        "B": _registration(summit, ticket, f"{prefix}B", groups[1], share=True),
        "P": _registration(
            summit,
            ticket,
            f"{prefix}P",
            None,
            share=False,
            status=Registration.Status.PENDING_PAYMENT,
        ),
    }
    regs["P"].hold_expires_at = timezone.now() + datetime.timedelta(minutes=30)
    regs["P"].save(update_fields=["hold_expires_at"])
    run = AssignmentRun.objects.create(
        summit=summit, status="done", solver_status="optimal", figures={}, snapshot={}
    )
    for key in ("A", "C", "B"):
        Assignment.objects.create(
            registration=regs[key], group=regs[key].group, reason="first_choice", rank=1, run=run
        )
    job = BadgeSheetJob.objects.create(
        summit=summit,
        layout="letter-6up",
        status=BadgeSheetJob.Status.DONE,
        total=3,
        done=3,
        file_name=default_storage.save(
            f"badge-sheets/{prefix}-{uuid.uuid4().hex}.pdf", ContentFile(b"%PDF-1.4 x")
        ),
    )
    payment = Payment.objects.create(
        registration=regs["P"],
        stripe_session_id=f"cs_test_{prefix}",
        amount=Decimal("40.00"),
        currency="usd",
        checkout_url=f"https://checkout.stripe.test/{prefix}",
    )
    link, door_token = create_door_link(summit=summit, label=f"Door {prefix}", created_by=planner_user)
    check_in = CheckIn.objects.create(
        registration=regs["B"], summit=summit, checked_in_at=timezone.now(), by=planner_user, device="desk"
    )
    scan = ScanLog.objects.create(
        summit=summit,
        registration=regs["B"],
        by=planner_user,
        action="scan",
        result="ok",
        scanned_at=timezone.now(),
    )
    promo = PromoCode.objects.create(summit=summit, code=f"{prefix}FREE", percent_off=100)
    event = audit.record(action="registrations.export_csv", summit=summit, user=planner_user, count=1)
    stripe_event = StripeEvent.objects.create(event_id=f"evt_{prefix}", type="checkout.session.completed")
    objects = {
        "summit.summit": summit.pk,
        "summit.ticket_type": ticket.pk,
        "summit.tickettype": ticket.pk,
        "summit.planninggroup": groups[0].pk,
        "summit.staffrole": StaffRole.objects.filter(summit=summit).first().pk,
        "summit.promocode": promo.pk,
        "summit.auditevent": event.pk,
        "registrations.registration": regs["A"].pk,
        "registrations.checkin": check_in.pk,
        "registrations.scanlog": scan.pk,
        "registrations.doorlink": link.pk,
        "registrations.payment": payment.pk,
        "registrations.stripeevent": stripe_event.pk,
        "registrations.badgesheetjob": job.pk,
    }
    recs = {
        group.pk: RecommendationFactory(group=group, title=f"Idea of {group.slug}", state="submitted")
        for group in groups
    }
    rounds = {
        group.pk: VotingRoundFactory(summit=summit, group=group, title=f"Round of {group.slug}")
        for group in groups
    }
    snapshot = ReportSnapshot.objects.create(
        summit=summit,
        status=ReportSnapshot.Status.DONE,
        data={"summit": summit.slug},
        progress=100,
        finished_at=timezone.now(),
    )
    snapshot.pdf.save("report.pdf", ContentFile(b"%PDF-1.4 report"), save=True)
    return Place(
        summit, groups, regs, badge_code(regs["A"]), job, run, door_token, objects, recs, rounds, snapshot
    )


@dataclasses.dataclass
class World:
    home: Place  # summit S: where every role but other_planner holds its role
    away: Place  # summit T: other_planner's summit
    clients: dict
    users: dict

    def place_of(self, role):
        return self.away if role == "other_planner" else self.home

    def other_place_of(self, role):
        return self.home if role == "other_planner" else self.away


def _staff_client(user, *, token=True):
    client = Client()
    client.force_login(user)
    if token:
        key, _created = Token.objects.get_or_create(user=user)
        client.defaults["HTTP_AUTHORIZATION"] = f"Token {key.key}"
    return client


def build_world():
    if not FrameworkVersion.objects.exists():  # a transactional test flushed the data migration's rows
        load_framework(read_framework_file())
    planner, _ = create_staff(
        email="planner@staff.example", summit=SummitFactory(slug="home-summit"), role="planner"
    )
    other_planner, _ = create_staff(
        email="other-planner@staff.example", summit=SummitFactory(slug="away-summit"), role="planner"
    )
    home = build_place("home", planner)
    away = build_place("away", other_planner)
    volunteer, _ = create_staff(email="volunteer@staff.example", summit=home.summit, role="volunteer")
    navigator, _ = create_staff(email="navigator@staff.example", summit=home.summit, role="navigator")
    facilitator, _ = create_staff(
        email="facilitator@staff.example",
        summit=home.summit,
        role="facilitator",
        group_slug=home.groups[0].slug,
    )
    door_client = Client()
    opened = door_client.post(reverse("registrations:door-link-open", args=[home.door_token]))
    assert opened.status_code == 302, opened.status_code
    # Fresh door links for the cells that open one (the world's own link is claimed by door_client).
    home.door_token = create_door_link(summit=home.summit, label="Spare", created_by=planner)[1]
    users = {
        "planner": planner,
        "other_planner": other_planner,
        "volunteer": volunteer,
        "navigator": navigator,
        "facilitator": facilitator,
        "door_link": DoorLink.objects.get(summit=home.summit, label="Door home").user,
    }
    clients = {
        "anonymous": Client(),
        "attendee": Client(),
        "volunteer": _staff_client(volunteer),
        "door_link": door_client,
        "facilitator": _staff_client(facilitator),
        "navigator": _staff_client(navigator),
        "planner": _staff_client(planner),
        "other_planner": _staff_client(other_planner),
    }
    return World(home, away, clients, users)


def forged_token(registration):
    """A private link for `registration` signed with the wrong key: what guessing one looks like."""
    return signing.dumps(
        {"r": str(registration.public_id), "v": registration.link_version},
        key="not-the-secret-key-" + "x" * 30,
        salt=links.SALT,
        compress=True,
    )


__all__ = [
    "AuditEvent",
    "Permission",
    "PlanningGroup",
    "ROLES",
    "TicketType",
    "World",
    "build_world",
    "forged_token",
    "private_values",
]
