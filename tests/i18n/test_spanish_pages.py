"""Every attendee page and email, rendered in Spanish, has no English left in it."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from registrations import emails, links
from registrations.emails import SUBJECTS
from summit.models import StaffRole
from tests.factories import PlanningGroupFactory, RegistrationFactory, StaffRoleFactory, UserFactory
from tests.i18n.english_left import english_left

pytestmark = pytest.mark.django_db


@pytest.fixture
def spanish_summit(summit):
    summit.name_es = "Cumbre de Movilidad de Santa Bárbara"
    summit.description = "A day of planning together."
    summit.description_es = "Un día para planear juntos."
    summit.save()
    PlanningGroupFactory(summit=summit, name="Housing", name_es="Vivienda", room="Sala 1")
    return summit


def attendee_pages(client, summit):
    confirmed = RegistrationFactory(summit=summit, language="es", ticket_type=summit.ticket_types.get())
    waitlisted = RegistrationFactory(
        summit=summit, language="es", status="waitlisted", waitlisted_at=timezone.now()
    )
    offered = RegistrationFactory(
        summit=summit,
        language="es",
        status="waitlisted",
        waitlisted_at=timezone.now(),
        offer_expires_at=timezone.now() + datetime.timedelta(hours=5),
    )
    cancelled = RegistrationFactory(summit=summit, language="es", status="cancelled")
    pages = {
        "summit page": client.get("/summits/sb25/?lang=es"),
        "summit page with errors": client.post("/summits/sb25/?lang=es", {"email": "x"}),
        "thanks": client.get("/summits/sb25/thanks/?lang=es"),
        "send link": client.get("/summits/sb25/link/?lang=es"),
        "send link done": client.post("/summits/sb25/link/?lang=es", {"email": "a@example.org"}),
    }
    for name, registration in [
        ("confirmed", confirmed),
        ("waitlisted", waitlisted),
        ("offered", offered),
        ("cancelled", cancelled),
    ]:
        pages[f"manage ({name})"] = client.get(links.manage_path(registration))
    return pages


def test_attendee_pages_in_spanish_have_no_english_left(client, spanish_summit):
    for name, response in attendee_pages(client, spanish_summit).items():
        assert response.status_code in (200, 400), name
        assert english_left(response.content.decode()) == [], name


def test_assisted_registration_pages_in_spanish_have_no_english_left(client, spanish_summit):
    navigator = UserFactory()
    StaffRoleFactory(user=navigator, summit=spanish_summit, role=StaffRole.Role.NAVIGATOR)
    client.force_login(navigator)
    client.cookies["summit_language"] = "es"

    form = client.get("/summits/sb25/staff/register/")
    done = client.post(
        "/summits/sb25/staff/register/",
        {"first_name": "Ana", "sector": "resident", "ticket_type": "community-resident", "language": "es"},
    )

    assert english_left(form.content.decode()) == []
    assert english_left(done.content.decode()) == []


@pytest.mark.parametrize("kind", sorted(SUBJECTS))
def test_every_email_in_spanish_has_no_english_left(spanish_summit, kind):
    registration = RegistrationFactory(
        summit=spanish_summit, language="es", offer_expires_at=timezone.now() + datetime.timedelta(hours=5)
    )

    emails.send_registration_email(registration.pk, kind)

    message = mail.outbox[0]
    assert english_left(message.subject) == []
    assert english_left(message.body) == []
    assert english_left(message.alternatives[0][0]) == []


def test_the_detector_does_find_english_on_an_english_page(client, spanish_summit):
    # Guards the tests above against passing because the detector finds nothing at all.
    found = english_left(client.get("/summits/sb25/?lang=en").content.decode())

    assert "A nickname is fine" in found
    assert len(found) > 20
