"""Guessing promo codes: after 20 wrong guesses at one summit in 10 minutes, from any number of
addresses, every promo-code lookup at that summit is refused for a while, so a run of guesses
cannot tell a real code from a wrong one. Registering without a code goes on as before."""

from decimal import Decimal

import pytest

from registrations.models import Registration
from summit.models import PromoCode
from tests.factories import SummitFactory, TicketTypeFactory

pytestmark = pytest.mark.django_db

URL = "/api/summits/sb25/registrations/"


@pytest.fixture
def partner_type(summit):
    return TicketTypeFactory(summit=summit, slug="partner", name="Partner organization", price=Decimal("40"))


def register(api, number, **fields):
    """One registration from its own address (the per-address limit never comes into it)."""
    data = {"first_name": "Ana", "email": f"ana{number}@example.org", "sector": "community_org"}
    data.update(fields)
    return api.post(URL, data, format="json", REMOTE_ADDR=f"203.0.113.{number}")


def guess_wrong(api, times):
    return [
        register(api, number, ticket_type="partner", promo_code=f"GUESS{number}") for number in range(times)
    ]


def test_the_21st_wrong_guess_is_refused_and_names_the_promo_code_field(
    api, partner_type, frozen_rate_window
):
    guesses = guess_wrong(api, 21)

    assert [r.status_code for r in guesses[:20]] == [400] * 20
    assert {r.json()["code"] for r in guesses[:20]} == {"promo_code_unknown"}
    assert guesses[20].status_code == 429
    assert guesses[20].json() == {
        "code": "promo_code_rate_limited",
        "detail": "Too many promo codes were tried for this summit. Please wait 10 minutes and try again.",
        "errors": {
            "promo_code": [
                "Too many promo codes were tried for this summit. Please wait 10 minutes and try again."
            ]
        },
    }
    assert Registration.objects.count() == 0


def test_after_the_limit_a_real_code_is_refused_too_so_guesses_learn_nothing(
    api, summit, partner_type, frozen_rate_window
):
    PromoCode.objects.create(summit=summit, code="GUEST", percent_off=100)
    guess_wrong(api, 21)

    response = register(api, 99, ticket_type="partner", promo_code="guest")

    assert response.status_code == 429
    assert response.json()["code"] == "promo_code_rate_limited"
    assert PromoCode.objects.get().uses == 0
    assert Registration.objects.count() == 0


def test_a_real_code_before_the_limit_still_works(api, summit, partner_type, frozen_rate_window):
    PromoCode.objects.create(summit=summit, code="GUEST", percent_off=100)
    guess_wrong(api, 20)

    response = register(api, 99, ticket_type="partner", promo_code="guest")

    assert response.status_code == 201
    assert response.json()["status"] == "confirmed"


def test_registering_without_a_promo_code_is_unaffected(api, partner_type, frozen_rate_window):
    guess_wrong(api, 25)

    response = register(api, 99, ticket_type="community-resident")

    assert response.status_code == 201
    assert response.json()["status"] == "confirmed"


def test_guesses_at_one_summit_do_not_lock_another(api, partner_type, frozen_rate_window):
    other = SummitFactory(slug="gv26")
    TicketTypeFactory(summit=other, slug="partner", price=Decimal("40"))
    PromoCode.objects.create(summit=other, code="GUEST", percent_off=100)
    guess_wrong(api, 25)

    response = api.post(
        "/api/summits/gv26/registrations/",
        {
            "first_name": "Ana",
            "email": "ana@example.org",
            "sector": "community_org",
            "ticket_type": "partner",
            "promo_code": "GUEST",
        },
        format="json",
    )

    assert response.status_code == 201


def test_the_registration_page_keeps_the_rest_of_the_form_when_guesses_are_refused(
    client, api, partner_type, frozen_rate_window, stripe_fake
):
    # With payments on: otherwise the page offers no paid ticket, and so no promo code field.
    guess_wrong(api, 21)

    response = client.post(
        "/summits/sb25/",
        {
            "first_name": "Rosa",
            "email": "rosa@example.org",
            "sector": "resident",
            "ticket_type": "partner",
            "promo_code": "REAL2025",
            "language": "es",
        },
        HTTP_ACCEPT_LANGUAGE="es",
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert "Se probaron demasiados códigos promocionales para esta cumbre." in page
    assert 'value="Rosa"' in page
    assert 'value="rosa@example.org"' in page
    assert Registration.objects.count() == 0
