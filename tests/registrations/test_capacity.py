"""A planner changes the capacity or a quota: the seat rules run at once. Raised, the seats go
to the waitlist in order, with an email each; lowered below the seats held, it is refused."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from registrations.models import Registration
from registrations.setup import services as setup
from summit.errors import DomainError
from tests.factories import RegistrationFactory, TicketTypeFactory

pytestmark = pytest.mark.django_db


def waitlist(summit, ticket_type, count, start=0):
    now = timezone.now()
    return [
        RegistrationFactory(
            summit=summit,
            ticket_type=ticket_type,
            status="waitlisted",
            confirmed_at=None,
            waitlisted_at=now - datetime.timedelta(minutes=100 - start - i),
            email=f"wait{start + i}@example.org",
        )
        for i in range(count)
    ]


@pytest.fixture
def full_summit(summit):
    summit.capacity = 2
    summit.save()
    resident = summit.ticket_types.get()
    RegistrationFactory.create_batch(2, summit=summit, ticket_type=resident)
    return summit


def test_raising_the_capacity_offers_the_new_seats_to_the_first_people_waiting(
    full_summit, django_capture_on_commit_callbacks
):
    resident = full_summit.ticket_types.get()
    first, second, third = waitlist(full_summit, resident, 3)

    with django_capture_on_commit_callbacks(execute=True):
        summit, offers = setup.update_summit(full_summit, data={"capacity": 4})

    assert summit.capacity == 4
    assert offers == [first, second]
    offered = Registration.objects.filter(offer_expires_at__isnull=False).order_by("waitlisted_at")
    assert list(offered) == [first, second]
    assert Registration.objects.get(pk=third.pk).offer_expires_at is None
    assert sorted(message.to[0] for message in mail.outbox) == ["wait0@example.org", "wait1@example.org"]
    assert all("seat" in message.subject.lower() for message in mail.outbox)


def test_lowering_the_capacity_below_the_seats_held_is_refused_with_the_field_named(full_summit):
    with pytest.raises(DomainError) as refused:
        setup.update_summit(full_summit, data={"capacity": 1})

    assert refused.value.code == "capacity_below_held"
    assert refused.value.field == "capacity"
    assert refused.value.status_code == 400
    full_summit.refresh_from_db()
    assert full_summit.capacity == 2


def test_lowering_the_capacity_to_the_seats_held_is_allowed(full_summit):
    summit, offers = setup.update_summit(full_summit, data={"capacity": 2})

    assert summit.capacity == 2
    assert offers == []


def test_raising_a_quota_offers_seats_only_to_that_ticket_types_waitlist(summit):
    resident = summit.ticket_types.get()
    staff = TicketTypeFactory(summit=summit, slug="staff", quota=1)
    RegistrationFactory(summit=summit, ticket_type=staff)
    (waiting_resident,) = waitlist(summit, resident, 1)
    (waiting_staff,) = waitlist(summit, staff, 1, start=1)
    # The resident waits for another reason (say the summit was full); only the staff quota changes.
    summit.capacity = 3
    summit.save()
    mail.outbox.clear()
    Registration.objects.filter(pk=waiting_resident.pk).update(waitlisted_at=timezone.now())

    ticket_type, offers = setup.save_ticket_type(summit, ticket_type=staff, data={"quota": 2})

    assert ticket_type.quota == 2
    assert waiting_staff in offers
    assert Registration.objects.get(pk=waiting_staff.pk).offer_expires_at is not None


def test_lowering_a_quota_below_its_seats_held_is_refused(summit):
    staff = TicketTypeFactory(summit=summit, slug="staff", quota=3)
    RegistrationFactory.create_batch(2, summit=summit, ticket_type=staff)

    with pytest.raises(DomainError) as refused:
        setup.save_ticket_type(summit, ticket_type=staff, data={"quota": 1})

    assert refused.value.code == "quota_below_held"
    assert refused.value.field == "quota"
    staff.refresh_from_db()
    assert staff.quota == 3


def test_a_summit_ending_before_it_starts_is_refused_with_the_field_named(summit):
    with pytest.raises(DomainError) as refused:
        setup.update_summit(summit, data={"ends_at": summit.starts_at - datetime.timedelta(hours=1)})

    assert refused.value.field == "ends_at"
    assert refused.value.status_code == 400


def test_a_second_ticket_type_with_the_same_slug_is_refused_with_the_field_named(summit):
    with pytest.raises(DomainError) as refused:
        setup.save_ticket_type(summit, data={"slug": "community-resident", "name": "Again", "price": 0})

    assert refused.value.field == "slug"
