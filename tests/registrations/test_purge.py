import pytest

from registrations.badges.codes import badge_code, find_registration
from registrations.models import Registration
from registrations.purge import purge_registrations
from registrations.seats import links
from tests.factories import RegistrationFactory

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


def test_purge_keeps_aggregates_and_removes_everything_personal(summit):
    RegistrationFactory(
        summit=summit,
        first_name="Canary",
        sector="business",
        organization="Canary Org",
        phone="805-555-0199",
        childcare_needs="canary kids",
        language="es",
    )
    registration = Registration.objects.get()
    code = badge_code(registration)
    old_link = links.manage_token(registration)

    count = purge_registrations(summit)

    registration.refresh_from_db()
    assert count == 1
    assert (registration.sector, registration.language, registration.status) == (
        "business",
        "es",
        "confirmed",
    )
    assert registration.first_name == registration.organization == registration.phone == ""
    assert registration.childcare_needs == ""
    assert find_registration(summit, code) is None
    assert links.registration_from_token(old_link) is None
