"""A planner sets up the summit through the API: its capacity, dates and windows, ticket types,
planning groups and promo codes; and cancels a registration or offers one a seat. The seat rules run
on every change; planners of other summits, volunteers and strangers are refused."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone

from registrations.models import GroupPreference, Payment, Registration
from registrations.payments import services as checkout
from summit.models import PlanningGroup, PromoCode, StaffRole, TicketType
from tests.conftest import staff_client
from tests.factories import (
    GroupPreferenceFactory,
    PlanningGroupFactory,
    RegistrationFactory,
    SummitFactory,
    TicketTypeFactory,
)
from tests.registrations.payments.conftest import pending_registration

pytestmark = pytest.mark.django_db

SUMMIT = "/api/summits/sb25/"


def waitlist(summit, ticket_type, count, *, start=0):
    """`count` people waiting, first come first."""
    base = timezone.now() - datetime.timedelta(hours=2)
    return [
        RegistrationFactory(
            summit=summit,
            ticket_type=ticket_type,
            status="waitlisted",
            confirmed_at=None,
            waitlisted_at=base + datetime.timedelta(minutes=start + i),
            email=f"wait{start + i}@example.org",
        )
        for i in range(count)
    ]


def moment(text):
    return datetime.datetime.fromisoformat(text) if text else None


@pytest.fixture
def resident(summit):
    return summit.ticket_types.get()


@pytest.fixture
def full_summit(summit, resident):
    summit.capacity = 2
    summit.save()
    RegistrationFactory.create_batch(2, summit=summit, ticket_type=resident)
    return summit


@pytest.fixture
def other_planner_api(db):
    return staff_client(SummitFactory(slug="elsewhere"), StaffRole.Role.PLANNER)


# -- the summit -----------------------------------------------------------------------------


def test_raising_the_capacity_offers_the_new_seats_to_the_first_people_waiting_and_emails_them(
    planner_api, full_summit, resident, django_capture_on_commit_callbacks
):
    first, second, third = waitlist(full_summit, resident, 3)

    with django_capture_on_commit_callbacks(execute=True):
        response = planner_api.patch(SUMMIT, {"capacity": 4}, format="json")

    assert response.status_code == 200
    assert (response.json()["capacity"], response.json()["seats_offered"]) == (4, 2)
    offered = Registration.objects.filter(offer_expires_at__isnull=False).order_by("waitlisted_at")
    assert list(offered) == [first, second]
    assert Registration.objects.get(pk=third.pk).offer_expires_at is None
    assert sorted(message.to[0] for message in mail.outbox) == ["wait0@example.org", "wait1@example.org"]


def test_a_capacity_below_the_seats_held_is_refused_naming_capacity(planner_api, full_summit):
    response = planner_api.patch(SUMMIT, {"capacity": 1}, format="json")

    assert response.status_code == 400
    assert response.json()["code"] == "capacity_below_held"
    assert list(response.json()["errors"]) == ["capacity"]
    full_summit.refresh_from_db()
    assert full_summit.capacity == 2


def test_a_patch_answers_the_public_details_and_the_setup_fields(planner_api, summit):
    closes = summit.starts_at - datetime.timedelta(days=2)
    changes = {
        "name": "Santa Barbara Summit",
        "name_es": "Cumbre de Santa Bárbara",
        "venue": "Town Hall",
        "timezone": "America/New_York",
        "registration_closes_at": closes.isoformat(),
        "hold_minutes": 45,
        "offer_hours": 24,
        "retention_until": "2030-01-31",
        "refund_deadline": closes.isoformat(),
        "contact_email": "planners@example.org",
        "languages": "en",
    }

    response = planner_api.patch(SUMMIT, changes, format="json", HTTP_ACCEPT_LANGUAGE="es")

    assert response.status_code == 200
    body = response.json()
    public = {"slug", "name", "description", "starts_at", "ends_at", "timezone", "venue", "capacity",
              "seats_left", "registration_open", "ticket_types", "groups", "sectors"}  # fmt: skip
    setup = {"name_es", "description_es", "registration_opens_at", "registration_closes_at", "languages",
             "retention_until", "retention_date", "hold_minutes", "offer_hours", "refund_deadline",
             "contact_email", "seats_offered"}  # fmt: skip
    assert set(body) == public | setup
    assert body["name"] == "Santa Barbara Summit"  # as entered, whatever the reader's language
    assert {key: body[key] for key in ("venue", "timezone", "hold_minutes", "offer_hours", "languages")} == {
        "venue": "Town Hall",
        "timezone": "America/New_York",
        "hold_minutes": 45,
        "offer_hours": 24,
        "languages": "en",
    }
    assert (body["retention_until"], body["retention_date"], body["seats_offered"]) == (
        "2030-01-31",
        "2030-01-31",
        0,
    )
    summit.refresh_from_db()
    assert (summit.name_es, summit.contact_email, summit.registration_closes_at) == (
        "Cumbre de Santa Bárbara",
        "planners@example.org",
        closes,
    )


def test_unknown_and_read_only_fields_are_ignored(planner_api, summit):
    response = planner_api.patch(
        SUMMIT, {"slug": "taken-over", "purged_at": "2020-01-01", "colour": "red"}, format="json"
    )

    assert response.status_code == 200
    summit.refresh_from_db()
    assert (summit.slug, summit.purged_at) == ("sb25", None)


def test_the_public_details_stay_public_and_unchanged(api, summit):
    response = api.get(SUMMIT)

    assert response.status_code == 200
    assert set(response.json()) == {"slug", "name", "description", "starts_at", "ends_at", "timezone", "venue",
                                    "capacity", "seats_left", "registration_open", "ticket_types", "groups",
                                    "sectors"}  # fmt: skip


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"capacity": "abc"}, "capacity"),
        ({"capacity": -5}, "capacity"),
        ({"capacity": 0}, "capacity"),
        ({"capacity": 2**31}, "capacity"),
        ({"capacity": 10**30}, "capacity"),
        ({"hold_minutes": 5}, "hold_minutes"),
        ({"offer_hours": 10**9}, "offer_hours"),
        ({"starts_at": "9999-12-31T23:00:00Z"}, "starts_at"),
        ({"starts_at": "tomorrow"}, "starts_at"),
        ({"retention_until": "10000-01-01"}, "retention_until"),
        ({"timezone": "Mars/Olympus_Mons"}, "timezone"),
        ({"name": ""}, "name"),
        ({"contact_email": "not an email"}, "contact_email"),
        ({"languages": "fr"}, "languages"),
    ],
)
def test_bad_setup_input_is_refused_naming_the_field(planner_api, summit, changes, field):
    response = planner_api.patch(SUMMIT, changes, format="json")

    assert response.status_code == 400
    assert field in response.json()["errors"]
    summit.refresh_from_db()
    assert (summit.capacity, summit.hold_minutes, summit.timezone) == (350, 30, "America/Los_Angeles")


def test_a_summit_ending_before_it_starts_is_refused_in_the_readers_language(planner_api, summit):
    ends_at = (summit.starts_at - datetime.timedelta(hours=1)).isoformat()

    response = planner_api.patch(SUMMIT, {"ends_at": ends_at}, format="json", HTTP_ACCEPT_LANGUAGE="es")

    assert response.status_code == 400
    assert response.json()["errors"] == {"ends_at": ["La cumbre debe terminar después de empezar."]}


def test_registration_closing_before_it_opens_is_refused(planner_api, summit):
    opens = summit.registration_opens_at

    response = planner_api.patch(
        SUMMIT, {"registration_closes_at": (opens - datetime.timedelta(hours=1)).isoformat()}, format="json"
    )

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["registration_closes_at"]


# -- who may ---------------------------------------------------------------------------------


def _setup_requests(summit):
    ticket = summit.ticket_types.get()
    person = RegistrationFactory(summit=summit, ticket_type=ticket)
    group = PlanningGroupFactory(summit=summit, slug="housing")
    promo = PromoCode.objects.create(summit=summit, code="FREE", percent_off=100)
    return [
        ("patch", SUMMIT, {"capacity": 400}),
        ("get", SUMMIT + "ticket-types/", None),
        ("post", SUMMIT + "ticket-types/", {"slug": "partner", "name": "Partner"}),
        ("patch", SUMMIT + f"ticket-types/{ticket.slug}/", {"quota": 5}),
        ("delete", SUMMIT + f"ticket-types/{ticket.slug}/", None),
        ("get", SUMMIT + "groups/", None),
        ("post", SUMMIT + "groups/", {"slug": "jobs", "name": "Jobs"}),
        ("patch", SUMMIT + f"groups/{group.slug}/", {"room": "Hall"}),
        ("delete", SUMMIT + f"groups/{group.slug}/", None),
        ("get", SUMMIT + "promo-codes/", None),
        ("post", SUMMIT + "promo-codes/", {"code": "HALF", "percent_off": 50}),
        ("patch", SUMMIT + f"promo-codes/{promo.pk}/", {"max_uses": 3}),
        ("delete", SUMMIT + f"promo-codes/{promo.pk}/", None),
        ("post", SUMMIT + f"registrations/{person.public_id}/cancel/", None),
        ("post", SUMMIT + f"registrations/{person.public_id}/offer/", None),
    ]


def _snapshot(summit):
    return (
        list(type(summit).objects.filter(pk=summit.pk).values()),
        list(TicketType.objects.filter(summit=summit).values()),
        list(PlanningGroup.objects.filter(summit=summit).values()),
        list(PromoCode.objects.filter(summit=summit).values()),
        list(Registration.objects.filter(summit=summit).values("status", "offer_expires_at")),
    )


@pytest.mark.parametrize("who", ["other_planner", "volunteer", "facilitator", "anonymous"])
def test_only_the_summits_planners_may_set_it_up_and_nothing_changes_for_anyone_else(
    summit, api, other_planner_api, volunteer_api, who
):
    requests = _setup_requests(summit)
    clients = {
        "other_planner": other_planner_api,
        "volunteer": volunteer_api,
        "facilitator": staff_client(summit, StaffRole.Role.FACILITATOR, group=summit.groups.get()),
        "anonymous": api,
    }
    before = _snapshot(summit)

    statuses = {
        (method, path): getattr(clients[who], method)(path, data, format="json").status_code
        for method, path, data in requests
    }

    expected = 401 if who == "anonymous" else 403
    assert set(statuses.values()) == {expected}
    assert _snapshot(summit) == before


# -- ticket types ---------------------------------------------------------------------------


def test_a_planner_adds_a_paid_ticket_type_and_lists_every_ticket_type(planner_api, summit):
    created = planner_api.post(
        SUMMIT + "ticket-types/",
        {"slug": "partner", "name": "Partner organization", "price": "40.00", "currency": "USD", "quota": 50},
        format="json",
    )
    planner_api.delete(SUMMIT + "ticket-types/partner/")
    listed = planner_api.get(SUMMIT + "ticket-types/")

    assert created.status_code == 201
    assert created.json() == {
        "slug": "partner",
        "name": "Partner organization",
        "name_es": "",
        "description": "",
        "description_es": "",
        "price": "40.00",
        "currency": "usd",
        "quota": 50,
        "active": True,
        "position": 0,
        "seats_offered": 0,
    }
    assert [(t["slug"], t["active"]) for t in listed.json()] == [
        ("community-resident", True),
        ("partner", False),
    ]


def test_a_second_ticket_type_with_a_slug_taken_is_refused_naming_slug(planner_api, summit):
    response = planner_api.post(
        SUMMIT + "ticket-types/", {"slug": "community-resident", "name": "Again"}, format="json"
    )

    assert response.status_code == 400
    assert (response.json()["code"], list(response.json()["errors"])) == ("duplicate", ["slug"])
    assert summit.ticket_types.count() == 1


def test_raising_a_quota_offers_seats_to_that_ticket_types_waitlist(
    planner_api, summit, django_capture_on_commit_callbacks
):
    staff = TicketTypeFactory(summit=summit, slug="staff", quota=1)
    RegistrationFactory(summit=summit, ticket_type=staff)
    first, second = waitlist(summit, staff, 2)

    with django_capture_on_commit_callbacks(execute=True):
        response = planner_api.patch(SUMMIT + "ticket-types/staff/", {"quota": 2}, format="json")

    assert response.status_code == 200
    assert (response.json()["quota"], response.json()["seats_offered"]) == (2, 1)
    assert Registration.objects.get(pk=first.pk).offer_expires_at is not None
    assert Registration.objects.get(pk=second.pk).offer_expires_at is None
    assert [message.to for message in mail.outbox] == [["wait0@example.org"]]


def test_lowering_a_quota_below_its_seats_held_is_refused_naming_quota(planner_api, summit):
    staff = TicketTypeFactory(summit=summit, slug="staff", quota=3)
    RegistrationFactory.create_batch(2, summit=summit, ticket_type=staff)

    lowered = planner_api.patch(SUMMIT + "ticket-types/staff/", {"quota": 2}, format="json")
    refused = planner_api.patch(SUMMIT + "ticket-types/staff/", {"quota": 1}, format="json")

    assert (lowered.status_code, lowered.json()["quota"]) == (200, 2)
    assert refused.status_code == 400
    assert (refused.json()["code"], list(refused.json()["errors"])) == ("quota_below_held", ["quota"])
    staff.refresh_from_db()
    assert staff.quota == 2


def test_a_ticket_type_is_taken_off_sale_by_patch_or_delete_and_kept(planner_api, summit, resident):
    RegistrationFactory(summit=summit, ticket_type=resident)
    partner = TicketTypeFactory(summit=summit, slug="partner")

    patched = planner_api.patch(
        SUMMIT + "ticket-types/partner/", {"active": False, "name": "Old"}, format="json"
    )
    deleted = planner_api.delete(SUMMIT + "ticket-types/community-resident/")

    assert (patched.status_code, patched.json()["active"], patched.json()["name"]) == (200, False, "Old")
    assert deleted.status_code == 204
    assert list(
        TicketType.objects.filter(pk__in=[resident.pk, partner.pk]).values_list("active", flat=True)
    ) == [
        False,
        False,
    ]
    assert planner_api.get(SUMMIT).json()["ticket_types"] == []


def test_a_ticket_type_of_another_summit_is_not_found(planner_api, summit):
    TicketTypeFactory(summit=SummitFactory(slug="elsewhere"), slug="theirs")

    assert planner_api.patch(SUMMIT + "ticket-types/theirs/", {"quota": 1}, format="json").status_code == 404
    assert planner_api.delete(SUMMIT + "ticket-types/theirs/").status_code == 404


# -- planning groups ------------------------------------------------------------------------


def test_a_planner_adds_changes_and_lists_planning_groups(planner_api, summit):
    created = planner_api.post(
        SUMMIT + "groups/",
        {
            "slug": "vivienda",
            "name": "Housing",
            "name_es": "Vivienda",
            "language": "bilingual",
            "max_size": 30,
        },
        format="json",
    )
    changed = planner_api.patch(
        SUMMIT + "groups/vivienda/", {"room": "Room 4", "min_size": 10}, format="json"
    )
    listed = planner_api.get(SUMMIT + "groups/")

    assert created.status_code == 201
    assert changed.status_code == 200
    assert changed.json() == {
        "slug": "vivienda",
        "name": "Housing",
        "name_es": "Vivienda",
        "description": "",
        "description_es": "",
        "language": "bilingual",
        "pillar": "",
        "min_size": 10,
        "max_size": 30,
        "room": "Room 4",
        "position": 0,
    }
    assert [group["slug"] for group in listed.json()] == ["vivienda"]


@pytest.mark.parametrize(
    ("body", "field", "code"),
    [
        ({"slug": "housing", "name": "Housing again"}, "slug", "duplicate"),
        ({"slug": "jobs", "name": "Jobs", "min_size": 20, "max_size": 10}, "max_size", "invalid"),
        ({"slug": "not a slug", "name": "Jobs"}, "slug", "invalid"),
        ({"slug": "jobs", "name": "Jobs", "language": "fr"}, "language", "invalid"),
        ({"slug": "jobs"}, "name", "invalid"),
    ],
)
def test_a_bad_planning_group_is_refused_naming_the_field(planner_api, summit, body, field, code):
    PlanningGroupFactory(summit=summit, slug="housing")

    response = planner_api.post(SUMMIT + "groups/", body, format="json")

    assert response.status_code == 400
    assert (response.json()["code"], field in response.json()["errors"]) == (code, True)
    assert list(summit.groups.values_list("slug", flat=True)) == ["housing"]


def test_a_planning_group_nobody_chose_is_deleted(planner_api, summit):
    PlanningGroupFactory(summit=summit, slug="spare")

    response = planner_api.delete(SUMMIT + "groups/spare/")

    assert response.status_code == 204
    assert not summit.groups.exists()


def test_a_planning_group_someone_chose_is_kept_with_a_409(planner_api, summit):
    group = PlanningGroupFactory(summit=summit, slug="housing")
    GroupPreferenceFactory(registration=RegistrationFactory(summit=summit), group=group)

    response = planner_api.delete(SUMMIT + "groups/housing/")

    assert response.status_code == 409
    assert response.json()["code"] == "group_in_use"
    assert response.json()["references"] == ["registrations.grouppreference"]
    assert GroupPreference.objects.filter(group=group).count() == 1


# -- promo codes ----------------------------------------------------------------------------


def test_a_planner_adds_a_promo_code_for_some_ticket_types_and_changes_its_discount(planner_api, summit):
    TicketTypeFactory(summit=summit, slug="partner", price=Decimal("40.00"))

    created = planner_api.post(
        SUMMIT + "promo-codes/",
        {"code": "PARTNER10", "amount_off": "10.00", "ticket_types": ["partner"], "max_uses": 20},
        format="json",
    )
    promo_id = created.json()["id"]
    changed = planner_api.patch(
        SUMMIT + f"promo-codes/{promo_id}/", {"percent_off": 50, "amount_off": None}, format="json"
    )
    listed = planner_api.get(SUMMIT + "promo-codes/")

    assert created.status_code == 201
    assert {
        key: created.json()[key] for key in ("code", "amount_off", "percent_off", "ticket_types", "uses")
    } == {
        "code": "PARTNER10",
        "amount_off": "10.00",
        "percent_off": None,
        "ticket_types": ["partner"],
        "uses": 0,
    }
    assert (changed.status_code, changed.json()["percent_off"], changed.json()["amount_off"]) == (
        200,
        50,
        None,
    )
    assert [promo["code"] for promo in listed.json()] == ["PARTNER10"]


@pytest.mark.parametrize(
    ("body", "field", "code"),
    [
        ({"code": "BOTH", "percent_off": 10, "amount_off": "5.00"}, "percent_off", "invalid"),
        ({"code": "NEITHER"}, "percent_off", "invalid"),
        ({"code": "free", "percent_off": 100}, "code", "duplicate"),
        ({"code": "TOO", "percent_off": 101}, "percent_off", "invalid"),
        ({"code": "THEIRS", "percent_off": 10, "ticket_types": ["theirs"]}, "ticket_types", "invalid"),
    ],
)
def test_a_bad_promo_code_is_refused_naming_the_field(planner_api, summit, body, field, code):
    PromoCode.objects.create(summit=summit, code="FREE", percent_off=100)
    TicketTypeFactory(summit=SummitFactory(slug="elsewhere"), slug="theirs")

    response = planner_api.post(SUMMIT + "promo-codes/", body, format="json")

    assert response.status_code == 400
    assert (response.json()["code"], field in response.json()["errors"]) == (code, True)
    assert list(summit.promo_codes.values_list("code", flat=True)) == ["FREE"]


def test_a_use_limit_below_the_uses_made_is_refused_naming_max_uses(planner_api, summit):
    promo = PromoCode.objects.create(summit=summit, code="FREE", percent_off=100, max_uses=10, uses=4)

    response = planner_api.patch(SUMMIT + f"promo-codes/{promo.pk}/", {"max_uses": 3}, format="json")

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["max_uses"]


def test_a_promo_code_is_taken_out_of_use_and_kept(planner_api, summit):
    promo = PromoCode.objects.create(summit=summit, code="FREE", percent_off=100, uses=2)

    response = planner_api.delete(SUMMIT + f"promo-codes/{promo.pk}/")

    assert response.status_code == 204
    promo.refresh_from_db()
    assert (promo.active, promo.uses) == (False, 2)


def test_a_promo_code_of_another_summit_is_not_found(planner_api, summit):
    theirs = PromoCode.objects.create(summit=SummitFactory(slug="elsewhere"), code="X", percent_off=5)

    assert planner_api.delete(SUMMIT + f"promo-codes/{theirs.pk}/").status_code == 404
    assert planner_api.get(SUMMIT + f"promo-codes/{2**40}/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.active is True


# -- one registration -----------------------------------------------------------------------


def test_cancelling_a_paid_registration_refunds_it_and_offers_the_seat(
    planner_api, client, summit, stripe_fake, django_capture_on_commit_callbacks
):
    summit.capacity = 1
    summit.save()
    partner = TicketTypeFactory(summit=summit, slug="partner", price=Decimal("40.00"))
    registration = pending_registration(summit, partner, email="ana@example.org")
    session_id = checkout.start_checkout(registration).stripe_session_id
    stripe_fake.pay(session_id, notify=False)
    with django_capture_on_commit_callbacks(execute=True):
        stripe_fake.send_webhook(client, stripe_fake.event_for("checkout.session.completed", session_id))
    (waiting,) = waitlist(summit, partner, 1)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = planner_api.post(SUMMIT + f"registrations/{registration.public_id}/cancel/")

    assert response.status_code == 200
    assert (response.json()["id"], response.json()["status"]) == (str(registration.public_id), "cancelled")
    payment = Payment.objects.get(registration=registration)
    assert (payment.status, payment.refund_reason) == ("refunded", "cancelled")
    assert [refund["amount"] for refund in stripe_fake.refunds.values()] == [4000]
    assert Registration.objects.get(pk=waiting.pk).offer_expires_at is not None
    assert sorted(message.to[0] for message in mail.outbox) == ["ana@example.org", "wait0@example.org"]


def test_cancelling_twice_changes_nothing(planner_api, summit):
    registration = RegistrationFactory(summit=summit)
    url = SUMMIT + f"registrations/{registration.public_id}/cancel/"

    first = planner_api.post(url)
    second = planner_api.post(url)

    assert (first.status_code, second.status_code) == (200, 200)
    assert first.json() == second.json()


def test_a_registration_of_another_summit_is_not_found(planner_api, summit):
    theirs = RegistrationFactory(summit=SummitFactory(slug="elsewhere"))

    for action in ("cancel", "offer"):
        assert planner_api.post(SUMMIT + f"registrations/{theirs.public_id}/{action}/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == "confirmed"


def test_a_planner_offers_a_free_seat_to_someone_on_the_waitlist_ahead_of_the_line(
    planner_api, summit, resident, django_capture_on_commit_callbacks
):
    first, second = waitlist(summit, resident, 2)

    with django_capture_on_commit_callbacks(execute=True):
        response = planner_api.post(SUMMIT + f"registrations/{second.public_id}/offer/")

    second.refresh_from_db()
    assert response.status_code == 200
    assert response.json()["status"] == "waitlisted"
    assert moment(response.json()["offer_expires_at"]) == second.offer_expires_at
    assert Registration.objects.get(pk=first.pk).offer_expires_at is None
    assert [message.to for message in mail.outbox] == [["wait1@example.org"]]


def test_an_offer_is_refused_when_no_seat_is_free_or_the_person_is_not_waiting(
    planner_api, full_summit, resident
):
    (waiting,) = waitlist(full_summit, resident, 1)
    seated = Registration.objects.filter(summit=full_summit, status="confirmed").first()

    full = planner_api.post(SUMMIT + f"registrations/{waiting.public_id}/offer/")
    not_waiting = planner_api.post(SUMMIT + f"registrations/{seated.public_id}/offer/")

    assert (full.status_code, full.json()["code"]) == (409, "summit_full")
    assert (not_waiting.status_code, not_waiting.json()["code"]) == (409, "not_waitlisted")
    waiting.refresh_from_db()
    assert waiting.offer_expires_at is None


def test_the_planner_list_shows_when_an_open_offer_expires_and_nothing_otherwise(
    planner_api, summit, resident
):
    now = timezone.now()
    on_offer, expired = waitlist(summit, resident, 2)
    Registration.objects.filter(pk=on_offer.pk).update(offer_expires_at=now + datetime.timedelta(hours=5))
    Registration.objects.filter(pk=expired.pk).update(offer_expires_at=now - datetime.timedelta(minutes=1))
    confirmed = RegistrationFactory(summit=summit)
    on_offer.refresh_from_db()

    results = planner_api.get(SUMMIT + "registrations/").json()["results"]

    assert {row["id"]: moment(row["offer_expires_at"]) for row in results} == {
        str(on_offer.public_id): on_offer.offer_expires_at,
        str(expired.public_id): None,
        str(confirmed.public_id): None,
    }
