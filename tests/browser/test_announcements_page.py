"""The planner's messages page in a browser: write both texts, pick the audience, preview the
count and both emails, send; accessible in English and Spanish on a phone and a desktop."""

import pytest
from django.core import mail

from registrations.models import AnnouncementDelivery
from summit.models import StaffRole
from tests.browser.test_accessibility import DESKTOP, SMALL_TARGETS, axe_path, describe, run_axe  # noqa: F401 (a fixture)
from tests.factories import (
    RegistrationFactory,
    StaffRoleFactory,
    SummitFactory,
    TicketTypeFactory,
    UserFactory,
)

pytestmark = pytest.mark.browser

PASSWORD = "a long planner passphrase"


@pytest.fixture
def planner_site(transactional_db, live_server, browser_settings):
    summit = SummitFactory(slug="sb25", name="Santa Barbara Mobility Summit", name_es="Cumbre de Movilidad")
    free = TicketTypeFactory(summit=summit, slug="community-resident", name="Community resident")
    RegistrationFactory(summit=summit, ticket_type=free, email="ana@example.org", language="en")
    RegistrationFactory(summit=summit, ticket_type=free, email="beto@example.org", language="es")
    user = UserFactory()
    user.set_password(PASSWORD)
    user.save()
    StaffRoleFactory(user=user, summit=summit, role=StaffRole.Role.PLANNER)
    return live_server.url, user


def sign_in(page, base_url, user, target):
    page.goto(f"{base_url}/accounts/login/?next={target}")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.locator("main button[type=submit]").click()
    page.wait_for_url(f"**{target}")


@pytest.mark.parametrize("language", ["en", "es"])
def test_a_planner_previews_and_sends_a_message_and_the_page_is_accessible(
    browser,
    planner_site,
    language,
    axe_path,  # noqa: F811
):
    base_url, user = planner_site
    target = "/summits/sb25/messages/"
    problems = []
    for label, viewport in [("390 px", {"width": 390, "height": 844}), ("desktop", DESKTOP)]:
        context = browser.new_context(viewport=viewport, locale=language, bypass_csp=True)
        context.add_cookies([{"name": "summit_language", "value": language, "url": base_url}])
        page = context.new_page()
        sign_in(page, base_url, user, target)
        assert page.get_attribute("html", "lang") == language
        page.fill("#id_subject_en", "Parking")
        page.fill("#id_body_en", "Park in lot B.")
        page.fill("#id_subject_es", "Estacionamiento")
        page.fill("#id_body_es", "Estacione en el lote B.")
        with page.expect_navigation():
            page.locator("button[value=preview]").click()
        status = page.locator("#preview-heading ~ p[role=status]").inner_text()
        assert "2" in status
        assert page.locator("article[lang=es]").inner_text().count("lote B") == 1
        serious = [v for v in run_axe(page, axe_path) if v["impact"] in ("serious", "critical")]
        if serious:
            problems.append(f"axe, {label}, preview:\n{describe(serious)}")
        small = page.evaluate(SMALL_TARGETS)
        if small:
            problems.append(f"touch targets under 44 px, {label}: {small}")
        if label == "desktop":
            with page.expect_navigation():
                page.locator("button[value=send]").click()
            page.wait_for_selector("main .notice.ok")
            assert page.locator("main table progress").count() == 1
            serious = [v for v in run_axe(page, axe_path) if v["impact"] in ("serious", "critical")]
            if serious:
                problems.append(f"axe, {label}, sent:\n{describe(serious)}")
        context.close()
    assert problems == []
    assert AnnouncementDelivery.objects.count() == 2
    # The test settings run tasks at once (immediate backend): both were sent, each in their language.
    assert sorted((m.to[0], m.subject) for m in mail.outbox) == [
        ("ana@example.org", "Parking"),
        ("beto@example.org", "Estacionamiento"),
    ]
