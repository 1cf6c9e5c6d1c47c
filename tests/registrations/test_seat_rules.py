"""The seat rules (registrations.seats.rules) as a planner and an attendee see them: the seats
counted are the seats the rest of Summit says are held, in every state a registration can be in;
the waitlist position is the person's place in line; an edit to ticket types or groups is obeyed
on the next request."""

import datetime

import pytest
from django.utils import timezone

from registrations.models import Registration
from registrations.seats import rules, services
from summit.models import PlanningGroup, Summit, TicketType
from tests.factories import PlanningGroupFactory, RegistrationFactory, TicketTypeFactory

pytestmark = pytest.mark.django_db


URL = "/api/summits/sb25/registrations/"


def payload(**overrides):
    data = {
        "first_name": "Ana",
        "email": "ana@example.org",
        "sector": "resident",
        "ticket_type": "community-resident",
    }
    data.update(overrides)
    return data


def test_the_seat_count_agrees_with_holding_seats_in_every_state(summit):
    now = timezone.now()
    resident = summit.ticket_types.get()
    staff = TicketTypeFactory(summit=summit, slug="staff", quota=10)
    hour = datetime.timedelta(hours=1)
    states = [
        {"status": "confirmed"},
        {"status": "pending_payment", "hold_expires_at": now + hour},
        {"status": "pending_payment", "hold_expires_at": now - hour},  # held until Stripe expires it
        {"status": "waitlisted", "waitlisted_at": now - 3 * hour, "offer_expires_at": now + hour},
        {"status": "waitlisted", "waitlisted_at": now - 2 * hour, "offer_expires_at": now - hour},
        {"status": "waitlisted", "waitlisted_at": now - hour},
        {"status": "waitlisted", "waitlisted_at": now + hour},  # not ahead of someone waitlisted now
        {"status": "cancelled", "cancelled_at": now},
    ]
    for index, state in enumerate(states):
        for ticket_type in (resident, staff):
            RegistrationFactory(
                summit=summit,
                ticket_type=ticket_type,
                email=f"{ticket_type.slug}{index}@example.org",
                **{"confirmed_at": None, **state},
            )

    by_type, taken = rules.seats_held(summit, now=now)
    taken_of_staff = by_type[staff.pk]

    held = Registration.objects.filter(summit=summit).holding_seats(now)
    assert taken == held.count() == 8
    assert taken_of_staff == held.filter(ticket_type=staff).count() == 4


def test_the_waitlist_position_in_the_answer_is_the_persons_place_in_line(api, summit):
    summit.capacity = 1
    summit.save()
    answers = [api.post(URL, payload(email=f"p{i}@example.org"), format="json").json() for i in range(4)]

    assert [answer["status"] for answer in answers] == ["confirmed", "waitlisted", "waitlisted", "waitlisted"]
    assert [answer["waitlist_position"] for answer in answers] == [None, 1, 2, 3]
    third = Registration.objects.get(public_id=answers[3]["id"])
    assert rules.waitlist_position(Registration.objects.get(pk=third.pk)) == 3


def test_a_ticket_type_added_after_a_registration_can_be_chosen_at_once(api, summit):
    assert api.post(URL, payload(), format="json").status_code == 201

    TicketTypeFactory(summit=summit, slug="partner")
    PlanningGroupFactory(summit=summit, slug="new-group")

    response = api.post(
        URL,
        payload(email="b@example.org", ticket_type="partner", group_preferences=["new-group"]),
        format="json",
    )
    assert response.status_code == 201, response.json()


def test_a_ticket_type_taken_off_sale_is_refused_at_once(api, summit):
    assert api.post(URL, payload(), format="json").status_code == 201
    TicketType.objects.filter(summit=summit).update(active=False)

    response = api.post(URL, payload(email="late@example.org"), format="json")

    assert response.status_code == 400
    assert response.json()["code"] == "ticket_type_unavailable"
    assert "ticket_type" in response.json()["errors"]
    assert not Registration.objects.filter(email="late@example.org").exists()


def test_a_lowered_quota_is_obeyed_by_the_next_registration(api, summit):
    assert api.post(URL, payload(), format="json").status_code == 201
    TicketType.objects.filter(summit=summit).update(quota=1)

    response = api.post(URL, payload(email="second@example.org"), format="json")

    assert response.json()["status"] == "waitlisted"


def test_a_deleted_group_is_refused_with_the_field_named(api, summit):
    PlanningGroupFactory(summit=summit, slug="housing")
    assert api.post(URL, payload(group_preferences=["housing"]), format="json").status_code == 201
    PlanningGroup.objects.get(slug="housing").delete()

    response = api.post(URL, payload(email="c@example.org", group_preferences=["housing"]), format="json")

    assert response.status_code == 400
    assert "group_preferences" in response.json()["errors"]


def test_registration_closed_a_moment_ago_is_refused_with_409(api, summit):
    assert api.post(URL, payload(), format="json").status_code == 201
    Summit.objects.filter(pk=summit.pk).update(
        registration_closes_at=timezone.now() - datetime.timedelta(minutes=1)
    )

    response = api.post(URL, payload(email="late@example.org"), format="json")

    assert response.status_code == 409
    assert response.json()["code"] == "registration_closed"
    assert not Registration.objects.filter(email="late@example.org").exists()


@pytest.mark.parametrize("free", [0, 1])
def test_a_new_registration_gets_a_seat_only_while_one_is_free_in_every_state(api, summit, free):
    """The seats the decision counts are the seats the rest of Summit says are held: with the
    capacity set to the seats held, the next person waits; with one more, they get it."""
    now = timezone.now()
    resident = summit.ticket_types.get()
    hour = datetime.timedelta(hours=1)
    states = [
        {"status": "confirmed"},
        {"status": "pending_payment", "hold_expires_at": now + hour},
        {"status": "waitlisted", "waitlisted_at": now - 3 * hour, "offer_expires_at": now + hour},
        {"status": "waitlisted", "waitlisted_at": now - 2 * hour, "offer_expires_at": now - hour},
        {"status": "waitlisted", "waitlisted_at": now - hour},
        {"status": "cancelled", "cancelled_at": now},
    ]
    for index, state in enumerate(states):
        RegistrationFactory(
            summit=summit,
            ticket_type=resident,
            email=f"s{index}@example.org",
            **{"confirmed_at": None, **state},
        )
    held = Registration.objects.filter(summit=summit).holding_seats().count()
    assert held == 3
    summit.capacity = held + free
    summit.save()

    answer = api.post(URL, payload(email="next@example.org"), format="json").json()

    assert answer["status"] == ("confirmed" if free else "waitlisted")
    # Waiting before: the expired offer and the one never offered (the open offer holds a seat
    # but is still on the waitlist): this person is behind all three.
    assert answer["waitlist_position"] == (None if free else 4)


def test_the_waitlist_position_counts_only_those_still_waiting(api, summit):
    summit.capacity = 1
    summit.save()
    answers = [api.post(URL, payload(email=f"p{i}@example.org"), format="json").json() for i in range(4)]
    assert [answer["waitlist_position"] for answer in answers] == [None, 1, 2, 3]
    services.cancel_registration(Registration.objects.get(public_id=answers[1]["id"]))

    answer = api.post(URL, payload(email="late@example.org"), format="json").json()

    assert answer["waitlist_position"] == 3
    late = Registration.objects.get(public_id=answer["id"])
    assert rules.waitlist_position(late) == 3  # as counted later, on the manage page
