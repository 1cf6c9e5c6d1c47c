"""The registration page is light: under 100 KB in all, usable without JavaScript, and it asks
nothing of any other host (no fonts, analytics or CDNs)."""

import pytest

from registrations.models import Registration
from tests.browser.pages import SLUG, attendee_site

pytestmark = pytest.mark.browser

BUDGET = 100 * 1024


@pytest.fixture
def site(transactional_db, live_server, browser_settings):
    attendee_site(live_server.url)
    return f"{live_server.url}/summits/{SLUG}/"


def test_registration_page_weighs_under_100_kb_and_asks_no_other_host(browser, site, live_server):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    requested, sizes = [], {}
    page.on("request", lambda request: requested.append(request.url))
    page.on("response", lambda response: sizes.__setitem__(response.url, len(response.body())))

    page.goto(site, wait_until="networkidle")
    context.close()

    assert [url for url in requested if not url.startswith(live_server.url + "/")] == []
    total = sum(sizes.values())
    print(f"registration page: {total / 1024:.1f} KB uncompressed in {len(sizes)} responses: {sorted(sizes)}")
    assert total < BUDGET


def test_a_registration_works_without_javascript(browser, site, live_server):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site)

    page.fill("#id_first_name", "Ana")
    page.fill("#id_email", "ana@example.org")
    page.check("#id_sector_0")
    page.check("#id_ticket_type_0")
    page.select_option("#id_pref_1", "housing")
    with page.expect_navigation():
        page.click("main form[method=post] button[type=submit]")

    assert page.locator("h1").text_content() == "Thank you!"
    context.close()
    registration = Registration.objects.get(email="ana@example.org")
    assert (registration.status, registration.ticket_type.slug) == ("confirmed", "community-resident")
    assert [p.group.slug for p in registration.preferences.all()] == ["housing"]
