import pytest

from registrations.badges.codes import badge_code, find_registration
from registrations.models import Registration
from registrations.purge import delete_own_registration, purge_registrations
from registrations.seats import links
from tests.factories import RegistrationFactory, personal_canaries

pytestmark = pytest.mark.django_db


def test_an_attendee_deletes_their_data_now_and_frees_the_seat(client, summit):
    summit.capacity = 1
    summit.save()
    registration = RegistrationFactory(
        summit=summit, first_name="Canary", email="canary@example.org", dietary_needs="Canary needs"
    )
    waiting = RegistrationFactory(summit=summit, status="waitlisted")
    url = links.manage_path(registration)
    code = badge_code(registration)

    response = client.post(url, {"action": "delete", "confirm": "yes"})

    registration.refresh_from_db()
    waiting.refresh_from_db()
    assert "Your data is deleted" in response.content.decode()
    assert (registration.first_name, registration.email, registration.dietary_needs) == ("", "", "")
    assert registration.status == "cancelled"
    assert client.get(url).status_code == 404
    assert find_registration(summit, code) is None
    assert waiting.offer_expires_at is not None


def test_delete_needs_the_confirmation_box(client, summit):
    registration = RegistrationFactory(summit=summit, first_name="Keep")

    response = client.post(links.manage_path(registration), {"action": "delete"})

    assert response.status_code == 400
    registration.refresh_from_db()
    assert registration.first_name == "Keep"


def canaries_left(registration):
    """Every column of the registration's row that still holds a canary."""
    row = Registration.objects.filter(pk=registration.pk).values().get()
    return sorted(name for name, value in row.items() if "zqxcanary" in str(value).lower())


def not_blank(registration):
    return [name for name in Registration.PERSONAL_FIELDS if getattr(registration, name) not in ("", None)]


def test_purge_keeps_aggregates_and_blanks_every_personal_field(summit):
    RegistrationFactory(summit=summit, sector="business", language="es", **personal_canaries())
    registration = Registration.objects.get()
    code = badge_code(registration)
    old_link = links.manage_token(registration)
    assert canaries_left(registration) == sorted(Registration.PERSONAL_FIELDS)

    count = purge_registrations(summit)

    registration.refresh_from_db()
    assert count == 1
    assert (registration.sector, registration.language, registration.status) == (
        "business",
        "es",
        "confirmed",
    )
    assert not_blank(registration) == []
    assert canaries_left(registration) == []
    assert find_registration(summit, code) is None
    assert links.registration_from_token(old_link) is None


def test_deleting_ones_own_registration_blanks_every_personal_field(summit):
    registration = RegistrationFactory(summit=summit, **personal_canaries())

    delete_own_registration(registration)

    registration.refresh_from_db()
    assert not_blank(registration) == []
    assert canaries_left(registration) == []
    assert registration.status == "cancelled"
