"""Who may reach what: every URL of the project (walked from the URL resolver, so a new endpoint
or page fails this test until it is classified below), for every role, against objects of the
role's own summit and of another summit.

The table is the policy. One line per URL name (or admin name pattern) and method; one cell per role:
  all    answered on any summit's objects (public pages, or a private link / opaque id that is the
         credential itself)
  own    answered only at the summit where the role is held (planner: any group of it; attendee:
         the registration whose private link they hold); refused at another summit
  group  (facilitator) answered only for their own planning group
  -      refused everywhere

Each cell is tried against these targets (those that make sense for the URL):
  own      the role's summit and its objects (for a facilitator: their group)
  sibling  the role's summit, another of its groups
  cross    the role's summit in the URL with an object of another summit in it: always refused
  foreign  another summit and its objects
  forged   a private link or door link signed with the wrong key: always refused

"Answered" means 2xx, or 3xx other than to a sign-in page or the admin index. "Refused" means 401,
403, 404, or a redirect to sign in (the admin's redirect to its index for an object it does not show
counts too; Stripe's webhook refuses an unsigned body with 400). Whatever the answer, its body may
hold no email, phone or need of anyone the role may not see (for a planner: only their summit's;
for a private link: only that registration's; for anyone else: nobody's).
"""

import dataclasses
import datetime
import fnmatch
import json
import os
import uuid
from pathlib import Path

import pytest
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from registrations.badges.codes import badge_code
from registrations.door.services import check_in
from registrations.models import CheckIn, Registration
from tests.factories import PlanningGroupFactory, TicketTypeFactory
from tests.trust_world import ROLES, build_world, forged_token, private_values
from workshops.models import VotingRound

# fmt: off
MATRIX = """
name                                   method  anonymous attendee volunteer door_link facilitator navigator planner other_planner
home                                   GET     all       all      all       all       all         all       all     all
healthz                                GET     all       all      all       all       all         all       all     all
set_language                           POST    all       all      all       all       all         all       all     all
schema                                 GET     all       all      all       all       all         all       all     all
api-docs                               GET     all       all      all       all       all         all       all     all
api-summit-detail                      GET     all       all      all       all       all         all       all     all
api-summit-detail                      PATCH   -         -        -         -         -           -         own     own
api-ticket-types                       GET     -         -        -         -         -           -         own     own
api-ticket-types                       POST    -         -        -         -         -           -         own     own
api-ticket-type                        GET     -         -        -         -         -           -         own     own
api-ticket-type                        PATCH   -         -        -         -         -           -         own     own
api-ticket-type                        DELETE  -         -        -         -         -           -         own     own
api-groups                             GET     -         -        -         -         -           -         own     own
api-groups                             POST    -         -        -         -         -           -         own     own
api-group                              GET     -         -        -         -         -           -         own     own
api-group                              PATCH   -         -        -         -         -           -         own     own
api-group                              DELETE  -         -        -         -         -           -         own     own
api-promo-codes                        GET     -         -        -         -         -           -         own     own
api-promo-codes                        POST    -         -        -         -         -           -         own     own
api-promo-code                         GET     -         -        -         -         -           -         own     own
api-promo-code                         PATCH   -         -        -         -         -           -         own     own
api-promo-code                         DELETE  -         -        -         -         -           -         own     own
api-registration-cancel                POST    -         -        -         -         -           -         own     own
api-registration-offer                 POST    -         -        -         -         -           -         own     own
api-registrations                      POST    all       all      all       all       all         all       all     all
api-registrations                      GET     -         -        -         -         -           -         own     own
api-registrations-export               GET     -         -        -         -         -           -         own     own
api-checkins                           POST    -         -        own       own       -           -         own     own
api-checkins-batch                     POST    -         -        own       own       -           -         own     own
api-checkins-tap                       POST    -         -        own       own       -           -         own     own
api-checkins-undo                      POST    -         -        own       own       -           -         own     own
api-checkins-search                    GET     -         -        own       own       -           -         own     own
api-door-stats                         GET     -         -        own       own       -           -         own     own
api-door-list                          GET     -         -        own       own       -           -         own     own
api-door-dashboard                     GET     -         -        -         -         -           -         own     own
api-badge-reissue                      POST    -         -        -         -         -           -         own     own
api-badge-sheets                       GET     -         -        -         -         -           -         own     own
api-badge-sheets                       POST    -         -        -         -         -           -         own     own
api-badge-sheet                        GET     -         -        -         -         -           -         own     own
api-badge-sheet-pdf                    GET     -         -        -         -         -           -         own     own
api-assignment-runs                    GET     -         -        -         -         -           -         own     own
api-assignment-runs                    POST    -         -        -         -         -           -         own     own
api-assignment-run                     GET     -         -        -         -         -           -         own     own
api-assignment-publish                 POST    -         -        -         -         -           -         own     own
api-assignments                        GET     -         -        -         -         -           -         own     own
api-assignment                         GET     -         -        -         -         -           -         own     own
api-assignment                         PATCH   -         -        -         -         -           -         own     own
api-assignment                         POST    -         -        -         -         -           -         own     own
registrations:summit                   GET     all       all      all       all       all         all       all     all
registrations:summit                   POST    all       all      all       all       all         all       all     all
registrations:thanks                   GET     all       all      all       all       all         all       all     all
registrations:send-link                GET     all       all      all       all       all         all       all     all
registrations:send-link                POST    all       all      all       all       all         all       all     all
registrations:assisted                 GET     -         -        -         -         -           own       own     own
registrations:assisted                 POST    -         -        -         -         -           own       own     own
registrations:manage                   GET     all       all      all       all       all         all       all     all
registrations:manage                   POST    all       all      all       all       all         all       all     all
registrations:badge-png                GET     all       all      all       all       all         all       all     all
registrations:badge-pdf                GET     all       all      all       all       all         all       all     all
registrations:unsubscribe              GET     all       all      all       all       all         all       all     all
registrations:unsubscribe              POST    all       all      all       all       all         all       all     all
registrations:messages                 GET     -         -        -         -         -           -         own     own
registrations:messages                 POST    -         -        -         -         -           -         own     own
api-messages                           GET     -         -        -         -         -           -         own     own
api-messages                           POST    -         -        -         -         -           -         own     own
registrations:payment-pay              GET     all       all      all       all       all         all       all     all
registrations:payment-return           GET     all       all      all       all       all         all       all     all
registrations:payment-cancelled        GET     all       all      all       all       all         all       all     all
registrations:stripe-webhook           POST    -         -        -         -         -           -         -       -
registrations:door-link-open           GET     all       all      all       all       all         all       all     all
registrations:door-link-open           POST    all       all      all       all       all         all       all     all
registrations:door-page                GET     -         -        own       own       -           -         own     own
registrations:door-sign-out            POST    all       all      all       all       all         all       all     all
registrations:door-links               GET     -         -        -         -         -           -         own     own
registrations:door-links               POST    -         -        -         -         -           -         own     own
registrations:door-dashboard           GET     -         -        -         -         -           -         own     own
registrations:badge-sheets             GET     -         -        -         -         -           -         own     own
registrations:badge-sheets             POST    -         -        -         -         -           -         own     own
registrations:badge-sheet              GET     -         -        -         -         -           -         own     own
registrations:badge-sheet-download     GET     -         -        -         -         -           -         own     own
planner-groups                         GET     -         -        -         -         -           -         own     own
planner-groups                         POST    -         -        -         -         -           -         own     own
roster-csv                             GET     -         -        -         -         group       -         own     own
roster-pdf                             GET     -         -        -         -         group       -         own     own
api-recommendations                    GET     -         -        -         -         own         -         own     own
api-recommendations                    POST    -         -        -         -         own         -         own     own
api-recommendation                     GET     -         -        -         -         group       -         own     own
api-recommendation                     PATCH   -         -        -         -         group       -         own     own
api-recommendation-quotes              GET     -         -        -         -         group       -         own     own
api-recommendation-quotes              POST    -         -        -         -         group       -         own     own
api-recommendation-tally               PUT     -         -        -         -         group       -         own     own
api-recommendation-merge               POST    -         -        -         -         -           -         own     own
api-recommendation-shortlist           POST    -         -        -         -         -           -         own     own
api-rounds                             GET     -         -        -         -         own         -         own     own
api-rounds                             POST    -         -        -         -         -           -         own     own
api-round-close                        POST    -         -        -         -         -           -         own     own
api-round-results                      GET     -         -        -         -         group       -         own     own
api-round-votes                        POST    -         -        -         -         group       -         own     own
api-round-paper-ballots                POST    -         -        -         -         group       -         own     own
api-export                             GET     -         -        -         -         -           -         own     own
api-reports                            GET     -         -        -         -         -           -         own     own
api-reports                            POST    -         -        -         -         -           -         own     own
api-report                             GET     -         -        -         -         -           -         own     own
api-report-download                    GET     -         -        -         -         -           -         own     own
workshops-facilitate                   GET     -         -        -         -         group       -         own     own
workshops-facilitate                   POST    -         -        -         -         group       -         own     own
workshops-review                       GET     -         -        -         -         -           -         own     own
workshops-review                       POST    -         -        -         -         -           -         own     own
workshops-kiosk                        GET     -         -        own       own       own         -         own     own
workshops-kiosk                        POST    -         -        own       own       own         -         own     own
workshops-paper-ballots                GET     -         -        -         -         own         -         own     own
workshops-paper-ballots                POST    -         -        -         -         own         -         own     own
workshops-reports                      GET     -         -        -         -         -           -         own     own
workshops-reports                      POST    -         -        -         -         -           -         own     own
workshops-report-download              GET     -         -        -         -         -           -         own     own
workshops-vote                         GET     all       all      all       all       all         all       all     all
workshops-vote                         POST    all       all      all       all       all         all       all     all
admin:login                            GET     all       all      all       all       all         all       all     all
login                                  GET     all       all      all       all       all         all       all     all
login                                  POST    all       all      all       all       all         all       all     all
logout                                 POST    all       all      all       all       all         all       all     all
admin:logout                           POST    -         -        -         -         -           -         all     all
admin:index                            GET     -         -        -         -         -           -         all     all
admin:password_change                  GET     -         -        -         -         -           -         all     all
admin:password_change_done             GET     -         -        -         -         -           -         all     all
admin:jsi18n                           GET     -         -        -         -         -           -         all     all
admin:autocomplete                     GET     -         -        -         -         -           -         -       -
admin:view_on_site                     GET     -         -        -         -         -           -         -       -
admin:app_list                         GET     -         -        -         -         -           -         all     all
admin:registrations_stripeevent_*      GET     -         -        -         -         -           -         -       -
admin:*_checkin_add                    GET     -         -        -         -         -           -         -       -
admin:*_scanlog_add                    GET     -         -        -         -         -           -         -       -
admin:*_doorlink_add                   GET     -         -        -         -         -           -         -       -
admin:*_payment_add                    GET     -         -        -         -         -           -         -       -
admin:*_payment_delete                 GET     -         -        -         -         -           -         -       -
admin:*_badgesheetjob_add              GET     -         -        -         -         -           -         -       -
admin:*_registration_add               GET     -         -        -         -         -           -         -       -
admin:*_auditevent_add                 GET     -         -        -         -         -           -         -       -
admin:*_auditevent_delete              GET     -         -        -         -         -           -         -       -
admin:summit_*_add                     GET     -         -        -         -         -           -         all     all
admin:summit_*_changelist              GET     -         -        -         -         -           -         all     all
admin:summit_*                         GET     -         -        -         -         -           -         own     own
admin:registrations_*_add              GET     -         -        -         -         -           -         all     all
admin:registrations_*_changelist       GET     -         -        -         -         -           -         all     all
admin:registrations_*                  GET     -         -        -         -         -           -         own     own
admin:auth_*                           GET     -         -        -         -         -           -         -       -
admin:authtoken_*                      GET     -         -        -         -         -           -         -       -
admin:axes_*                           GET     -         -        -         -         -           -         -       -
admin:django_tasks_database_*          GET     -         -        -         -         -           -         -       -
admin:<path:object_id>/                GET     -         -        -         -         -           -         all     all
admin:(?P<url>.*)$                     GET     -         -        -         -         -           -         -       -
"""
# fmt: on
# (admin:<path:object_id>/ only redirects a staff member to the change page, which decides.
#  Changelists are answered to every planner and list only their own summits' rows: the leak check
#  below proves they hold nothing of another summit.)

ALWAYS_REFUSED = {"cross", "forged"}
PLANNER_APPS = ("summit", "registrations")


@dataclasses.dataclass(frozen=True)
class Row:
    name: str
    method: str
    rules: dict


def parse_matrix(text=MATRIX):
    lines = [line.split() for line in text.strip().splitlines()]
    header, body = lines[0], lines[1:]
    assert header[2:] == list(ROLES), header
    return [Row(cells[0], cells[1], dict(zip(ROLES, cells[2:], strict=True))) for cells in body]


ROWS = parse_matrix()


def walk_urls(resolver=None, prefix="", namespace=None):
    """(key, route, pattern) for every URL pattern; the key is `namespace:name`, or the route for
    a pattern without a name."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from walk_urls(pattern, route, pattern.namespace or namespace)
        elif isinstance(pattern, URLPattern):
            name = pattern.name or str(pattern.pattern)
            key = f"{namespace}:{name}" if namespace and namespace != "registrations" else name
            if namespace == "registrations":
                key = f"registrations:{name}"
            yield key, route, pattern


def rows_for(key):
    """The table rows for a URL key: exact names first; else the first matching pattern per method."""
    exact = [row for row in ROWS if row.name == key]
    if exact:
        return exact
    rows, methods = [], set()
    for row in ROWS:
        if fnmatch.fnmatchcase(key, row.name) and row.method not in methods:
            rows.append(row)
            methods.add(row.method)
    return rows


# ---------------------------------------------------------------------------------------------
# Targets and requests


@dataclasses.dataclass
class Target:
    kind: str  # own, sibling, cross, foreign, forged, none
    slug_place: object
    place: object  # where the objects come from
    group: object
    registration: object
    token: str = ""


# Route parts that name an object of the summit in the URL (cross: another summit's object).
OBJECT_ROUTE_PARTS = (
    "group_slug",
    "registration_id",
    "job_id",
    "run_id",
    "<int:pk>",
    "ticket_slug",
    "promo_id",
)
# Routes whose <int:pk> is an object of one planning group (sibling: another group's object).
GROUP_OBJECT_ROUTES = ("recommendations/<int:pk>/", "rounds/<int:pk>/")


def targets_for(world, role, route):
    home, away = world.place_of(role), world.other_place_of(role)
    kinds = ["own"]
    if "<slug:slug>" in route and "/admin/" not in route and not route.startswith("admin/"):
        if any(part in route for part in OBJECT_ROUTE_PARTS):
            kinds.append("cross")
        if "group_slug" in route or any(part in route for part in GROUP_OBJECT_ROUTES):
            kinds.append("sibling")
        kinds.append("foreign")
    elif "<str:token>" in route:
        kinds += ["foreign", "forged"]
    elif "<path:object_id>" in route:
        kinds.append("foreign")
    out = []
    for kind in kinds:
        slug_place = away if kind == "foreign" else home
        place = away if kind in ("cross", "foreign") else home
        group = place.groups[1] if kind == "sibling" else place.groups[0]
        out.append(Target(kind, slug_place, place, group, place.registrations["A"]))
    return out


def _registration_body(prefix="new"):
    return {
        "first_name": "Newcomer",
        "email": f"{prefix}-{uuid.uuid4().hex[:10]}@newcomer.example",
        "sector": "resident",
        "ticket_type": "resident",
        "language": "en",
    }


def build_request(world, role, row, key, route, target):
    """(method, path, data, content_type, setup) for one cell."""
    slug = target.slug_place.summit.slug
    place = target.place
    reg = target.registration
    name = key.split(":", 1)[1] if key.startswith("registrations:") else key
    json_type = "application/json"
    setup = None
    data, content_type = None, None
    kwargs = {}
    if "<slug:slug>" in route:
        kwargs["slug"] = slug
    if "group_slug" in route:
        kwargs["group_slug"] = target.group.slug
    if "registration_id" in route:
        kwargs["registration_id"] = reg.public_id
    if "job_id" in route:
        kwargs["job_id"] = place.job.public_id
    if "run_id" in route:
        kwargs["run_id"] = place.run.pk
    if key.startswith("registrations:payment-"):  # pay, return, cancelled: under P's private link
        from registrations.seats.links import manage_token

        pending = place.registrations["P"]
        kwargs["token"] = forged_token(pending) if target.kind == "forged" else manage_token(pending)
    if key in ("registrations:manage", "registrations:badge-png", "registrations:badge-pdf"):
        from registrations.seats.links import manage_token

        kwargs["token"] = forged_token(reg) if target.kind == "forged" else manage_token(reg)
    if key == "registrations:unsubscribe":
        from registrations.seats.links import unsubscribe_path

        kwargs["token"] = (
            forged_token(reg) if target.kind == "forged" else unsubscribe_path(reg).split("/")[-2]
        )
    if key == "workshops-vote":
        from registrations.seats.links import manage_token

        kwargs["token"] = forged_token(reg) if target.kind == "forged" else manage_token(reg)
    if "<int:pk>" in route:
        if "recommendations/" in route:
            kwargs["pk"] = place.recommendations[target.group.pk].pk
        elif "rounds/" in route:
            kwargs["pk"] = place.rounds[target.group.pk].pk
        else:
            kwargs["pk"] = place.report.pk
    if name == "api-export":
        kwargs.update(what="votes", fmt="csv")
    if "ticket_slug" in route:
        # Ticket type slugs repeat across summits ("resident"): one only this place has, for `cross`.
        kwargs["ticket_slug"] = TicketTypeFactory(
            summit=place.summit, slug=f"only-{uuid.uuid4().hex[:8]}"
        ).slug
    if "promo_id" in route:
        kwargs["promo_id"] = place.objects["summit.promocode"]
    if name == "api-group" and row.method == "DELETE":
        kwargs["group_slug"] = PlanningGroupFactory(
            summit=place.summit, slug=f"spare-{uuid.uuid4().hex[:8]}"
        ).slug
    if key == "registrations:door-link-open":
        kwargs["token"] = "forged-" + uuid.uuid4().hex if target.kind == "forged" else place.door_token
    path = None

    if key.startswith("admin:"):
        path, data = _admin_request(key, route, place)
    elif name == "api-registrations" and row.method == "POST":
        data, content_type = json.dumps(_registration_body()), json_type
    elif name == "api-checkins":
        data, content_type = json.dumps({"code": place.code, "nonce": uuid.uuid4().hex}), json_type
    elif name == "api-checkins-batch":
        data = json.dumps({"scans": [{"code": place.code, "nonce": uuid.uuid4().hex}]})
        content_type = json_type
    elif name == "api-checkins-tap":
        data, content_type = json.dumps({"id": str(reg.public_id)}), json_type
    elif name == "api-checkins-undo":
        user = world.users.get(role)

        def setup():
            if user is not None:
                check_in(place.code, summit=place.summit, by=user)

        data, content_type = json.dumps({}), json_type
    elif name == "api-checkins-search":
        data = {"q": reg.first_name}
    elif name == "api-badge-sheets" and row.method == "POST":
        data, content_type = json.dumps({"registration": str(reg.public_id)}), json_type
    elif name == "api-assignment-runs" and row.method == "POST":
        data, content_type = json.dumps({"dry_run": True}), json_type
    elif name == "api-assignment" and row.method in ("PATCH", "POST"):
        data, content_type = json.dumps({"group": place.groups[1].slug}), json_type
    elif name in ("api-badge-reissue", "api-assignment-publish"):
        data, content_type = json.dumps({}), json_type
    elif name == "api-summit-detail" and row.method == "PATCH":
        data, content_type = json.dumps({"capacity": 400}), json_type
    elif name in SETUP_BODIES and row.method in ("POST", "PATCH"):
        data, content_type = json.dumps(SETUP_BODIES[name]), json_type
    elif name == "api-registration-offer":

        def setup():  # someone waiting, and a seat free for them
            Registration.objects.filter(pk=reg.pk).update(status="waitlisted", waitlisted_at=timezone.now())

        data, content_type = json.dumps({}), json_type
    elif name == "api-registration-cancel":
        data, content_type = json.dumps({}), json_type
    elif name == "set_language":
        data = {"language": "es", "next": "/"}
    elif key == "registrations:summit" and row.method == "POST":
        data = _registration_body()
    elif key == "registrations:send-link" and row.method == "POST":
        data = {"email": reg.email}
    elif key == "registrations:assisted" and row.method == "POST":
        data = {**_registration_body(), "email": ""}
    elif key == "registrations:manage" and row.method == "POST":
        data = {"action": "edit", "first_name": reg.first_name, "email": reg.email, "sector": "resident",
                "language": "en"}  # fmt: skip
    elif name == "api-messages" and row.method == "POST":
        data, content_type = json.dumps({**MESSAGE_TEXTS, "send": False}), json_type
    elif key == "registrations:messages" and row.method == "POST":
        data = {**MESSAGE_TEXTS, "status": "confirmed", "action": "preview"}
    elif key == "registrations:door-links" and row.method == "POST":
        data = {"label": "Side door"}
    elif key == "registrations:badge-sheets" and row.method == "POST":
        data = {"layout": "letter-6up", "selection": "registration", "registration": str(reg.public_id)}
    elif key == "planner-groups" and row.method == "POST":
        data = {"action": "move", "registration": str(reg.public_id), "group": place.groups[1].slug}
    elif name.startswith("api-recommendation") or name.startswith("api-round") or name in WORKSHOP_PAGES:
        data, content_type, setup = _workshops_request(world, role, row, key, route, target)
    elif name == "api-reports" and row.method == "POST":
        data, content_type = json.dumps({"language": "es", "source": place.report.pk}), json_type
    elif key == "registrations:stripe-webhook":
        data, content_type = (
            json.dumps({"id": "evt_unsigned", "type": "checkout.session.completed"}),
            json_type,
        )
    if path is None:
        path = reverse(key, kwargs=kwargs)
    return row.method, path, data, content_type, setup


MESSAGE_TEXTS = {
    "subject_en": "Parking",
    "body_en": "Lot B",
    "subject_es": "Estacionamiento",
    "body_es": "Lote B",
}

SETUP_BODIES = {
    "api-ticket-types": {"slug": "new-type", "name": "New type"},
    "api-ticket-type": {"name": "Renamed type", "quota": 10},
    "api-groups": {"slug": "new-group", "name": "New group"},
    "api-group": {"room": "Hall B"},
    "api-promo-codes": {"code": "NEWCODE", "percent_off": 50},
    "api-promo-code": {"max_uses": 10},
}

WORKSHOP_PAGES = (
    "workshops-facilitate",
    "workshops-review",
    "workshops-kiosk",
    "workshops-paper-ballots",
    "workshops-reports",
    "workshops-vote",
)


def _workshops_request(world, role, row, key, route, target):
    """(data, content_type, setup) for the recommendations, voting and reports URLs. A voter is
    a confirmed attendee of the round's group, checked in at the door (setup)."""
    place, json_type = target.place, "application/json"
    group = target.group
    rec, voting_round = place.recommendations[group.pk], place.rounds[group.pk]
    other_rec = place.recommendations[place.groups[1].pk if group == place.groups[0] else place.groups[0].pk]
    if key == "workshops-vote":
        voter = target.registration  # "A", of group one
        voting_round, rec = place.rounds[voter.group_id], place.recommendations[voter.group_id]
    else:
        voter = place.registrations["A"] if group == place.groups[0] else place.registrations["B"]
    code = badge_code(voter)

    def checked_in():
        if not CheckIn.objects.filter(registration=voter).exists():
            CheckIn.objects.create(registration=voter, summit=voter.summit, checked_in_at=timezone.now())

    def closed():
        VotingRound.objects.filter(pk=voting_round.pk).update(
            opens_at=timezone.now() - datetime.timedelta(hours=2),
            closes_at=timezone.now() - datetime.timedelta(hours=1),
        )

    name = key
    if row.method == "GET":
        return (
            ({"round": voting_round.pk} if name == "workshops-paper-ballots" else None),
            None,
            (closed if name == "api-round-results" else None),
        )
    payload = {
        "api-recommendations": {"group": group.slug, "title": "New idea", "barrier": "A barrier.",
                                "action": "An action.", "pillar": "rewarding-work"},
        "api-recommendation": {"title": "Renamed idea"},
        "api-recommendation-quotes": {"text": "We need buses.", "speaker_sector": "resident"},
        "api-recommendation-tally": {"dots": 3},
        "api-recommendation-merge": {"duplicates": [other_rec.pk]},
        "api-recommendation-shortlist": {},
        "api-rounds": {"group": group.slug, "closes_at": (timezone.now() + datetime.timedelta(hours=1)).isoformat()},
        "api-round-close": {},
        "api-round-votes": {"code": code, "recommendation": rec.pk, "dots": 1},
        "api-round-paper-ballots": {"code": code, "votes": [{"recommendation": rec.pk, "dots": 1}]},
    }  # fmt: skip
    if name in payload:
        return json.dumps(payload[name]), json_type, checked_in
    form = {
        "workshops-facilitate": {"action": "quote", "text": "We need buses.", "speaker_sector": "resident"},
        "workshops-review": {"action": "state", "recommendation": rec.pk, "state": "shortlisted"},
        "workshops-kiosk": {"code": code},
        "workshops-paper-ballots": {"round": voting_round.pk, "code": code, f"dots-{rec.pk}": "1"},
        "workshops-reports": {"language": "es", "source": place.report.pk},
        "workshops-vote": {"round": voting_round.pk, "recommendation": rec.pk, "dots": "1"},
    }[name]
    return form, None, checked_in


ADMIN_OBJECT_ROUTE = "<path:object_id>/"


def _admin_request(key, route, place):
    name = key.split(":", 1)[1]
    if name in ("login", "logout", "index", "password_change", "password_change_done", "jsi18n"):
        return reverse(key), None
    if name == "autocomplete":
        return reverse(key), {"term": "a"}
    if name == "view_on_site":
        from django.contrib.contenttypes.models import ContentType

        from registrations.models import Registration

        ct = ContentType.objects.get_for_model(Registration)
        return reverse(key, args=[ct.pk, place.objects["registrations.registration"]]), None
    if name == "app_list":
        return reverse(key, kwargs={"app_label": "registrations"}), None
    if name == ADMIN_OBJECT_ROUTE:
        # admin/<app>/<model>/<path:object_id>/ (an unnamed redirect to the change page)
        parts = route.split("/")
        label = f"{parts[1]}.{parts[2]}"
        return f"/{parts[0]}/{parts[1]}/{parts[2]}/{place.objects.get(label, 1)}/", None
    if name.startswith("(?P<url>"):
        return "/admin/no-such-page/", None
    for action in ("changelist", "add", "history", "delete", "change"):
        if name.endswith("_" + action):
            model_part = name[: -len(action) - 1]
            break
    else:
        raise AssertionError(f"unknown admin URL {key}")
    app, model = _split_app_model(model_part)
    if action in ("changelist", "add"):
        return reverse(key), None
    if app == "auth" and model == "user" and action == "change" and "password" in route:
        return reverse("admin:auth_user_password_change", args=[1]), None
    label = f"{app}.{model}"
    object_id = place.objects.get(label, 1)
    return reverse(key, args=[object_id]), None


def _split_app_model(model_part):
    for app in ("django_tasks_database", "registrations", "summit", "authtoken", "axes", "auth"):
        if model_part.startswith(app + "_"):
            return app, model_part[len(app) + 1 :]
    raise AssertionError(model_part)


# ---------------------------------------------------------------------------------------------
# Judging a response


def is_refusal(response, path=""):
    if response.status_code in (401, 403, 404):
        return True
    if response.status_code in (301, 302, 303, 307, 308):
        location = response.get("Location", "")
        if "/admin/login/" in location or "/accounts/login/" in location:
            return True
        # The admin answers an object it does not show with a redirect to its index (the sign-in
        # page sends a signed-in member there too: that is an answer).
        return location.rstrip("/").endswith("/admin") and path != reverse("admin:login")
    return False


def is_answer(response, path=""):
    if response.status_code == 204:
        return True  # done, nothing to show (a DELETE)
    if 200 <= response.status_code < 300:
        return bool(_body(response))
    return 300 <= response.status_code < 400 and not is_refusal(response, path)


def _body(response):
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def allowed_private(world, role, row, key, target):
    """The private values this role may see in this cell's answer."""
    rule = row.rules[role]
    if target.kind in ALWAYS_REFUSED or rule == "-":
        return set()
    if key in (
        "registrations:manage",
        "registrations:badge-png",
        "registrations:badge-pdf",
        "workshops-vote",
    ):
        return set(private_values(target.registration))
    if role in ("planner", "other_planner") and target.kind in ("own", "sibling"):
        return world.place_of(role).private
    return set()


def leaked(world, response, allowed):
    body = _body(response).decode("utf-8", "replace")
    everyone = world.home.private | world.away.private
    return sorted(value for value in everyone - allowed if value in body)


def expected_answer(rule, target_kind):
    if target_kind in ALWAYS_REFUSED or rule == "-":
        return False
    if rule == "all":
        return True
    if rule == "own":
        return target_kind in ("own", "sibling")
    if rule == "group":
        return target_kind == "own"
    raise AssertionError(rule)


@dataclasses.dataclass
class Outcome:
    cells: int = 0
    unexpected_allows: list = dataclasses.field(default_factory=list)
    unexpected_refusals: list = dataclasses.field(default_factory=list)
    leaks: list = dataclasses.field(default_factory=list)
    unclassified: list = dataclasses.field(default_factory=list)


class _Rollback(Exception):
    pass


def run_matrix(world):
    outcome = Outcome()
    for key, route, _pattern in walk_urls():
        rows = rows_for(key)
        if not rows:
            outcome.unclassified.append(key)
            continue
        for row in rows:
            for role in ROLES:
                for target in targets_for(world, role, route):
                    outcome.cells += 1
                    _run_cell(world, role, row, key, route, target, outcome)
    return outcome


def _run_cell(world, role, row, key, route, target, outcome):
    client = world.clients[role]
    cookies = {name: morsel.value for name, morsel in client.cookies.items()}
    label = f"{row.method} {key} as {role} on {target.kind}"
    try:
        with transaction.atomic():
            method, path, data, content_type, setup = build_request(world, role, row, key, route, target)
            if setup:
                setup()
            call = getattr(client, method.lower())
            if content_type:
                response = call(path, data=data, content_type=content_type)
            else:
                response = call(path, data=data) if data is not None else call(path)
            answer = is_answer(response, path)
            expected = expected_answer(row.rules[role], target.kind)
            if answer and not expected:
                outcome.unexpected_allows.append(f"{label}: {response.status_code} {path}")
            elif not answer and expected:
                outcome.unexpected_refusals.append(f"{label}: {response.status_code} {path}")
            elif not answer and not is_refusal(response, path) and not _webhook_refusal(key, response):
                outcome.unexpected_refusals.append(f"{label}: not a refusal: {response.status_code} {path}")
            leaks = leaked(world, response, allowed_private(world, role, row, key, target))
            if leaks:
                outcome.leaks.append(f"{label}: {response.status_code} {path} shows {leaks}")
            raise _Rollback
    except _Rollback:
        pass
    client.cookies.clear()
    for name, value in cookies.items():
        client.cookies[name] = value


def _webhook_refusal(key, response):
    return key == "registrations:stripe-webhook" and response.status_code == 400


def write_figures(name, figures):
    folder = os.environ.get("TRUST_FIGURES_DIR")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        (Path(folder) / f"{name}.json").write_text(json.dumps(figures, indent=2))


@pytest.fixture
def world(db, settings):
    settings.RATE_LIMITS = False
    settings.RATELIMIT_ENABLE = False
    return build_world()


def test_every_url_is_classified_and_every_cell_answers_as_the_table_says(world):
    outcome = run_matrix(world)
    figures = {
        "cells": outcome.cells,
        "unexpected_allows": len(outcome.unexpected_allows),
        "unexpected_refusals": len(outcome.unexpected_refusals),
        "leaks": len(outcome.leaks),
        "unclassified_urls": len(outcome.unclassified),
        "details": {
            "unexpected_allows": outcome.unexpected_allows,
            "unexpected_refusals": outcome.unexpected_refusals,
            "leaks": outcome.leaks,
            "unclassified": outcome.unclassified,
        },
    }
    write_figures("authz", figures)
    print(f"\nauthorization cells: {outcome.cells}, unexpected allows: {len(outcome.unexpected_allows)}")
    assert outcome.unclassified == []
    assert outcome.unexpected_allows == []
    assert outcome.leaks == []
    assert outcome.unexpected_refusals == []
    assert outcome.cells > 1000


# ---------------------------------------------------------------------------------------------
# Least data by role: what each role's answers hold, key by key.

DOOR_ATTENDEE_KEYS = {"id", "name", "group", "room", "attention"}
DOOR_ANSWER_KEYS = {"result", "detail", "attendee", "checked_in_at", "by", "device", "offline", "flagged",
                    "replayed", "reason", "reason_text", "nonce"}  # fmt: skip


def test_the_leak_check_sees_private_values_in_a_planners_list(world):
    response = world.clients["planner"].get(reverse("api-registrations", args=[world.home.summit.slug]))

    found = leaked(world, response, allowed=set())

    assert response.status_code == 200
    assert set(found) == {person.email for person in world.home.registrations.values()}


def test_door_answers_carry_only_result_short_name_group_room_and_attention(world):
    place = world.home
    person = place.registrations["A"]
    for role in ("volunteer", "door_link"):
        client = world.clients[role]
        with transaction.atomic():
            scan = client.post(
                reverse("api-checkins", args=[place.summit.slug]),
                {"code": place.code},
                content_type="application/json",
            )
            batch = client.post(
                reverse("api-checkins-batch", args=[place.summit.slug]),
                {"scans": [{"code": place.code, "nonce": "n-1"}]},
                content_type="application/json",
            )
            door_list = client.get(reverse("api-door-list", args=[place.summit.slug]))
            transaction.set_rollback(True)

        assert scan.status_code == 201
        assert set(scan.json()) <= DOOR_ANSWER_KEYS
        assert scan.json()["attendee"] == {
            "id": str(person.public_id),
            "name": f"{person.first_name} {person.last_name[0]}.",
            "group": person.group.display_name,
            "room": person.group.room,
            "attention": True,
        }
        assert set(batch.json()["results"][0]) <= DOOR_ANSWER_KEYS
        assert set(batch.json()["results"][0]["attendee"]) == DOOR_ATTENDEE_KEYS
        entry_keys = {key for entry in door_list.json()["entries"] for key in entry}
        assert entry_keys == {"h", "name", "group", "room", "status", "reason", "checked_in", "attention"}
        for response in (scan, batch, door_list):
            assert leaked(world, response, allowed=set()) == []


def test_door_search_shows_no_contact_or_need(world):
    place = world.home
    response = world.clients["volunteer"].get(
        reverse("api-checkins-search", args=[place.summit.slug]), {"q": "Quill"}
    )

    assert response.status_code == 200
    assert {key for row in response.json()["results"] for key in row} <= {
        "id",
        "name",
        "organization",
        "group",
    }
    assert len(response.json()["results"]) == 4
    assert leaked(world, response, allowed=set()) == []


def test_facilitator_roster_names_only_their_groups_consenting_members(world):
    place = world.home
    client = world.clients["facilitator"]
    own = client.get(reverse("roster-csv", args=[place.summit.slug, place.groups[0].slug]))
    other = client.get(reverse("roster-csv", args=[place.summit.slug, place.groups[1].slug]))

    body = own.content.decode()
    assert own.status_code == 200
    assert place.registrations["A"].first_name in body
    assert place.registrations["A"].organization in body
    assert place.registrations["C"].first_name not in body  # did not agree to share
    assert place.registrations["C"].organization not in body
    assert "1 more (not named by their choice)" in body
    assert leaked(world, own, allowed=set()) == []
    assert other.status_code == 403


def test_planner_admin_forms_offer_only_their_own_summits_choices(world):
    from registrations.models import Registration

    person = world.home.registrations["A"]
    response = world.clients["planner"].get(
        reverse("admin:registrations_registration_change", args=[person.pk])
    )
    changelist = world.clients["planner"].get(reverse("admin:registrations_registration_changelist"))

    assert response.status_code == 200
    body = response.content.decode()
    assert world.home.groups[1].name in body
    for group in world.away.groups:
        assert group.name not in body
    assert world.away.summit.name not in changelist.content.decode()
    assert Registration.objects.filter(summit=world.away.summit).exists()


def test_planners_cannot_see_or_delete_stripe_events(world):
    from registrations.models import StripeEvent

    event = StripeEvent.objects.first()
    client = world.clients["planner"]

    assert client.get(reverse("admin:registrations_stripeevent_changelist")).status_code == 403
    assert (
        client.post(
            reverse("admin:registrations_stripeevent_delete", args=[event.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    assert StripeEvent.objects.filter(pk=event.pk).exists()
