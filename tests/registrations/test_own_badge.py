"""The attendee's own badge, whole (names, group, room and QR) as a PDF behind their private
link: what they keep on their phone or print, with nothing personal in its QR code."""

import pytest
from django.test import Client

from registrations.badges.codes import badge_code
from registrations.badges.sheets import LAYOUTS
from registrations.seats import links
from tests.factories import PlanningGroupFactory, RegistrationFactory
from tests.registrations.sheet_reading import decoded_qr_codes, page_sizes_mm, viewer_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(summit):
    group = PlanningGroupFactory(summit=summit, name="Housing", name_es="Vivienda", room="Room 101")
    return RegistrationFactory(
        summit=summit,
        first_name="Guadalupe",
        badge_name="Lupe",
        last_name="Ramírez",
        email="lupe@example.org",
        organization="Casa del Pueblo",
        group=group,
    )


def test_the_attendee_downloads_their_whole_badge_as_a_pdf(person):
    response = Client().get(f"/r/{links.manage_token(person)}/badge.pdf")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"].startswith("private, no-store")
    assert response["Content-Disposition"] == 'attachment; filename="badge-sb25.pdf"'
    assert page_sizes_mm(response.content) == [(101.6, 76.2)]  # the badge's own 4 x 3 in
    assert " ".join(viewer_text(response.content).split()) == (
        "Santa Barbara Mobility Summit Lupe Ramírez Casa del Pueblo Housing Room 101"
    )
    codes, symbols = decoded_qr_codes(response.content, LAYOUTS["label-4x3"])
    assert (codes, symbols) == ({0: badge_code(person)}, 1)
    for personal in ("Lupe", "Guadalupe", "Ramírez", "lupe@example.org", "Casa"):
        assert personal.lower() not in codes[0].lower()


def test_a_spanish_speakers_own_badge_is_in_spanish(person):
    person.language = "es"
    person.save()

    text = viewer_text(Client().get(f"/r/{links.manage_token(person)}/badge.pdf").content)

    assert "Vivienda" in text
    assert "Hablo español" in text


def test_the_own_badge_is_not_recorded_as_printed_by_the_planners(person):
    response = Client().get(f"/r/{links.manage_token(person)}/badge.pdf")

    person.refresh_from_db()
    assert response.status_code == 200
    assert person.badge_printed_at is None


def test_only_a_confirmed_registration_with_its_own_link_gets_a_badge_pdf(summit, person):
    waiting = RegistrationFactory(summit=summit, status="waitlisted")

    assert Client().get(f"/r/{links.manage_token(person)}/badge.pdf").status_code == 200
    assert Client().get(f"/r/{links.manage_token(waiting)}/badge.pdf").status_code == 404
    assert Client().get("/r/forged-token/badge.pdf").status_code == 404


def test_the_manage_page_offers_the_whole_badge_and_the_qr_alone(person):
    token = links.manage_token(person)

    page = Client().get(f"/r/{token}/").content.decode()

    assert f'href="/r/{token}/badge.pdf" download>Download the whole badge (PDF)' in page
    assert f'href="/r/{token}/badge.png" download>Download the QR code alone (PNG)' in page
