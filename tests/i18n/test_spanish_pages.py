"""Every attendee page and email, rendered in Spanish, has no English left in it."""

import datetime
import json
import re
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone, translation

from registrations.badges.codes import badge_card_html
from registrations.door.links import create_door_link
from registrations.models import Payment
from registrations.seats import emails, links
from registrations.seats.emails import SUBJECTS
from summit.models import StaffRole
from tests.factories import (
    PlanningGroupFactory,
    RegistrationFactory,
    StaffRoleFactory,
    TicketTypeFactory,
    UserFactory,
)
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
        "staff sign-in": client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="es"),
        "staff sign-in with errors": client.post(
            "/accounts/login/", {"username": "x", "password": "y"}, HTTP_ACCEPT_LANGUAGE="es"
        ),
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


def payment_pages(client, summit):
    paid_type = TicketTypeFactory(
        summit=summit, slug="partner", name="Partner", name_es="Aliada", price=Decimal("40.00")
    )

    def person(status, **fields):
        return RegistrationFactory(
            summit=summit, ticket_type=paid_type, language="es", status=status, confirmed_at=None, **fields
        )

    hold = {"hold_expires_at": timezone.now() + datetime.timedelta(minutes=30)}
    pending = person("pending_payment", **hold)
    confirmed = person("confirmed")
    waitlisted = person("waitlisted", waitlisted_at=timezone.now())
    expired = person("cancelled")
    refunded = person("cancelled")
    Payment.objects.create(
        registration=refunded, stripe_session_id="cs_test_1", status="refunded", amount=40, currency="usd"
    )
    return {
        "confirming": client.get(f"/r/{links.manage_token(pending)}/paid/"),
        "confirmed": client.get(f"/r/{links.manage_token(confirmed)}/paid/"),
        "not paid": client.get(f"/r/{links.manage_token(pending)}/payment-cancelled/"),
        "provider unavailable": client.get(f"/r/{links.manage_token(pending)}/pay/"),
        "waitlisted": client.get(f"/r/{links.manage_token(waitlisted)}/paid/"),
        "seat released": client.get(f"/r/{links.manage_token(expired)}/paid/"),
        "refunded": client.get(f"/r/{links.manage_token(refunded)}/paid/"),
    }


def test_payment_pages_in_spanish_have_no_english_left(client, spanish_summit):
    pages = payment_pages(client, spanish_summit)

    assert {name: page.status_code for name, page in pages.items()} == {
        "confirming": 200,
        "confirmed": 200,
        "not paid": 200,
        "provider unavailable": 503,
        "waitlisted": 200,
        "seat released": 200,
        "refunded": 200,
    }
    for name, response in pages.items():
        assert english_left(response.content.decode()) == [], name
        assert '<html lang="es">' in response.content.decode(), name


def test_badge_card_in_spanish_has_no_english_left(spanish_summit):
    registration = RegistrationFactory(
        summit=spanish_summit, language="es", pronouns="ella", organization="Casa del Pueblo"
    )
    with translation.override("es"):
        card = badge_card_html(registration, png_url="/r/x/badge.png")

    assert "Hablo español" in card
    assert "Grupo aún no asignado" in card
    assert english_left(card) == []


def test_door_page_in_spanish_has_no_english_left(client, spanish_summit):
    _, token = create_door_link(summit=spanish_summit, label="Puerta norte")
    client.cookies["summit_language"] = "es"

    confirm = client.get(f"/door/{token}/").content.decode()
    response = client.post(f"/door/{token}/", follow=True)

    assert "<h1>Iniciar la sesión de este dispositivo para la entrada</h1>" in confirm
    assert english_left(confirm) == []
    page = response.content.decode()
    assert response.redirect_chain[-1][0] == "/summits/sb25/door/"
    assert english_left(page) == []
    # The answers door.js shows (Admitted, Already checked in...) travel in a JSON block.
    strings = json.loads(re.search(r'id="door-config" type="application/json">(.*?)</script>', page).group(1))
    assert strings["strings"]["ok"] == "Admitido"
    assert english_left(" ".join(strings["strings"].values())) == []


def test_page_not_found_and_not_allowed_speak_spanish(client, spanish_summit):
    volunteer = UserFactory()
    client.cookies["summit_language"] = "es"

    missing = client.get("/r/not-a-real-link/")
    client.force_login(volunteer)
    refused = client.get("/summits/sb25/door/")

    assert (missing.status_code, refused.status_code) == (404, 403)
    for response in (missing, refused):
        assert '<html lang="es">' in response.content.decode()
        assert english_left(response.content.decode()) == []


def test_vote_and_facilitator_pages_in_spanish_have_no_english_left(client, spanish_summit):
    from summit.services import create_staff
    from tests.factories import RecommendationFactory, VotingRoundFactory

    housing = spanish_summit.groups.get()
    RecommendationFactory(group=housing, title="Fondo de alquiler", state="shortlisted")
    VotingRoundFactory(summit=spanish_summit)
    voter = RegistrationFactory(summit=spanish_summit, language="es", group=housing, checked_in=True)
    facilitator, _token = create_staff(
        email="f@example.org", summit=spanish_summit, role=StaffRole.Role.FACILITATOR, group_slug=housing.slug
    )

    vote = client.get(links.manage_path(voter) + "vote/")
    client.force_login(facilitator)
    client.cookies["summit_language"] = "es"
    facilitate = client.get(f"/summits/sb25/groups/{housing.slug}/facilitate/")

    assert vote.status_code == facilitate.status_code == 200
    assert english_left(vote.content.decode()) == []
    assert english_left(facilitate.content.decode()) == []
