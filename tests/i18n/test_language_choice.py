"""Which language a page speaks: the attendee's saved language on their own pages, then the
visible switcher, then the browser's Accept-Language. Dates, times and money follow it, in the
summit's timezone."""

import datetime
import re
from decimal import Decimal

import pytest

from registrations.seats import links
from tests.factories import RegistrationFactory, TicketTypeFactory

pytestmark = pytest.mark.django_db

YEAR = datetime.date.today().year + 1  # registration stays open until the summit starts


def language_of(response):
    return re.search(r'<html lang="(\w+)">', response.content.decode()).group(1)


def switch_to(client, page, language):
    """Press the page's visible switcher, as a browser would, and follow where it leads."""
    form = re.search(r'<form class="lang-switch"[^>]*>(.*?)</form>', page.content.decode(), re.S).group(1)
    next_url = re.search(r'name="next" value="([^"]*)"', form).group(1).replace("&amp;", "&")
    assert f'name="language" value="{language}"' in form
    return client.post("/i18n/setlang/", {"language": language, "next": next_url}, follow=True)


def test_accept_language_alone_chooses_spanish(client, summit):
    response = client.get("/summits/sb25/", HTTP_ACCEPT_LANGUAGE="es-MX,es;q=0.9")

    assert language_of(response) == "es"
    assert "Inscribirme" in response.content.decode()


def test_switcher_wins_over_accept_language(client, summit):
    english = client.get("/summits/sb25/", HTTP_ACCEPT_LANGUAGE="en-US")

    spanish = switch_to(client, english, "es")
    later = client.get("/summits/sb25/thanks/", HTTP_ACCEPT_LANGUAGE="en-US")

    assert language_of(spanish) == "es"
    assert client.cookies["summit_language"].value == "es"
    assert language_of(later) == "es"


def test_saved_language_wins_over_switcher_cookie_and_accept_language(client, summit):
    registration = RegistrationFactory(summit=summit, language="es")
    client.cookies["summit_language"] = "en"

    response = client.get(links.manage_path(registration), HTTP_ACCEPT_LANGUAGE="en-US")

    assert language_of(response) == "es"


def test_switcher_on_a_private_page_overrides_the_saved_language_there(client, summit):
    registration = RegistrationFactory(summit=summit, language="es")
    path = links.manage_path(registration)  # signed with a timestamp: make it once
    spanish = client.get(path)

    english = switch_to(client, spanish, "en")

    assert language_of(english) == "en"
    assert english.redirect_chain[-1][0] == path + "?lang=en"
    registration.refresh_from_db()
    assert registration.language == "es"  # emails keep the language the attendee chose


def test_payment_pages_speak_the_saved_language(client, summit):
    registration = RegistrationFactory(summit=summit, language="es")

    response = client.get(f"/r/{links.manage_token(registration)}/paid/", HTTP_ACCEPT_LANGUAGE="en")

    assert language_of(response) == "es"


@pytest.fixture
def dated_summit(summit):
    # 16:00 UTC on 15 July is 9:00 in Santa Barbara (Pacific daylight time, UTC-7).
    summit.timezone = "America/Los_Angeles"
    summit.starts_at = datetime.datetime(YEAR, 7, 15, 16, 0, tzinfo=datetime.UTC)
    summit.ends_at = datetime.datetime(YEAR, 7, 16, 0, 30, tzinfo=datetime.UTC)
    summit.save()
    TicketTypeFactory(
        summit=summit, slug="partner", name="Partner", name_es="Aliada", price=Decimal("1240.50"), position=9
    )
    return summit


def test_summit_page_in_spanish_gives_date_time_and_price_the_spanish_way(client, dated_summit):
    page = client.get("/summits/sb25/?lang=es").content.decode()

    assert f"15 de julio de {YEAR} a las 09:00</time> – 17:30" in page
    assert "Aliada ($1,240.50)" in page
    assert "Residente de la comunidad (gratis)" in page


def test_summit_page_in_english_gives_date_time_and_price_the_english_way(client, dated_summit):
    page = client.get("/summits/sb25/?lang=en").content.decode()

    assert f"July 15, {YEAR}, 9 a.m.</time> – 5:30 p.m." in page
    assert "Partner ($1,240.50)" in page
    assert "Community resident (free)" in page
