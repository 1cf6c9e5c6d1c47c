"""The 351st person lands on the waitlist and is offered a seat when someone cancels."""

import datetime
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from registrations.models import Registration
from registrations.seats import rules, services
from tests.factories import RegistrationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def full_summit(summit):
    summit.capacity = 2
    summit.save()
    seated = RegistrationFactory.create_batch(2, summit=summit, ticket_type=summit.ticket_types.get())
    base = timezone.now() - datetime.timedelta(hours=1)
    waiting = [
        RegistrationFactory(
            summit=summit,
            ticket_type=summit.ticket_types.get(),
            status="waitlisted",
            confirmed_at=None,
            waitlisted_at=base + datetime.timedelta(minutes=i),
            email=f"wait{i}@example.org",
        )
        for i in range(2)
    ]
    return summit, seated, waiting


def test_cancelling_offers_the_seat_to_the_first_waitlisted_person(
    full_summit, django_capture_on_commit_callbacks
):
    summit, seated, (first, second) = full_summit

    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_registration(seated[0])

    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == "waitlisted" and first.offer_expires_at is not None
    assert second.offer_expires_at is None
    hours = (first.offer_expires_at - timezone.now()).total_seconds() / 3600
    assert 47.9 < hours <= 48
    offer_mail = [m for m in mail.outbox if m.to == ["wait0@example.org"]]
    assert len(offer_mail) == 1 and "Take my seat" in offer_mail[0].body


def test_an_offered_seat_is_held_so_a_newcomer_goes_to_the_waitlist(full_summit, api):
    summit, seated, _waiting = full_summit
    services.cancel_registration(seated[0])

    response = api.post(
        f"/api/summits/{summit.slug}/registrations/",
        {
            "first_name": "New",
            "email": "new@example.org",
            "sector": "other",
            "ticket_type": "community-resident",
        },
        format="json",
    )

    assert response.json()["status"] == "waitlisted"


def test_claiming_the_offer_confirms(full_summit):
    summit, seated, (first, _second) = full_summit
    services.cancel_registration(seated[0])
    first.refresh_from_db()

    claimed = services.claim_offer(first)

    assert claimed.status == "confirmed"
    assert Registration.objects.filter(summit=summit).holding_seats().count() == 2


def test_an_expired_offer_passes_to_the_next_person(full_summit, django_capture_on_commit_callbacks):
    summit, seated, (first, second) = full_summit
    services.cancel_registration(seated[0])
    later = timezone.now() + datetime.timedelta(hours=49)

    with django_capture_on_commit_callbacks(execute=True):
        expired = services.expire_offers(now=later)

    first.refresh_from_db()
    second.refresh_from_db()
    assert expired == 1
    assert first.offer_expires_at is None and first.status == "waitlisted"
    assert second.offer_expires_at is not None
    assert rules.waitlist_position(first) == 2
    with pytest.raises(services.RegistrationError) as error:
        services.claim_offer(first, now=later)
    assert error.value.code == "no_offer"


def test_claiming_after_expiry_is_refused_with_a_code(full_summit):
    summit, seated, (first, _second) = full_summit
    services.cancel_registration(seated[0])
    first.refresh_from_db()

    with pytest.raises(services.RegistrationError) as error:
        services.claim_offer(first, now=timezone.now() + datetime.timedelta(hours=49))

    assert error.value.code == "offer_expired"


def test_offer_window_is_configurable_per_summit(full_summit):
    summit, seated, (first, _second) = full_summit
    summit.offer_hours = 6
    summit.save()

    services.cancel_registration(Registration.objects.get(pk=seated[0].pk))

    first.refresh_from_db()
    assert 5.9 < (first.offer_expires_at - timezone.now()).total_seconds() / 3600 <= 6


def test_expire_offers_command_reports_what_it_did(full_summit):
    out = io.StringIO()

    call_command("expire_offers", stdout=out)

    assert "0 waitlist offers expired" in out.getvalue()


def test_cancelling_twice_is_harmless(full_summit):
    _summit, seated, _waiting = full_summit

    services.cancel_registration(seated[0])
    again = services.cancel_registration(seated[0])

    assert again.status == "cancelled"
    assert Registration.objects.filter(offer_expires_at__isnull=False).count() == 1
