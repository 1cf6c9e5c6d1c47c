"""The facilitator page in headless Chromium on a tablet and a phone: autosave, offline, and
form errors."""

import re

import pytest
from django.test import Client
from playwright.sync_api import expect

from summit.models import StaffRole
from summit.services import create_staff
from tests.browser.test_accessibility import AXE, run_axe
from tests.factories import PlanningGroupFactory, SummitFactory
from workshops.framework import load_framework, read_framework_file
from workshops.models import FrameworkVersion, Recommendation

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
PAGE = "/summits/sb25/groups/housing/facilitate/"


@pytest.fixture
def facilitator_site(transactional_db, live_server, browser_settings):
    if not FrameworkVersion.objects.exists():  # a transactional test before this one flushed it
        load_framework(read_framework_file())
    summit = SummitFactory(slug="sb25", name="Santa Barbara Mobility Summit")
    PlanningGroupFactory(summit=summit, slug="housing", name="Housing", pillar="inclusive-neighborhoods")
    user, _token = create_staff(
        email="facilitator@example.org", summit=summit, role=StaffRole.Role.FACILITATOR, group_slug="housing"
    )
    client = Client()
    client.force_login(user)
    return {"url": live_server.url, "session": client.cookies["sessionid"].value}


@pytest.fixture
def open_page(browser, facilitator_site):
    """open_page(language="en", javascript=True, viewport=...) -> the facilitator's page, signed in."""
    contexts = []

    def open_(language="en", javascript=True, viewport=None):
        context = browser.new_context(
            viewport=viewport or {"width": 1024, "height": 768},  # a tablet
            locale=language,
            java_script_enabled=javascript,
            bypass_csp=True,  # for the injected axe script only
        )
        contexts.append(context)
        base = facilitator_site["url"]
        context.add_cookies(
            [
                {"name": "sessionid", "value": facilitator_site["session"], "url": base},
                {"name": "summit_language", "value": language, "url": base},
            ]
        )
        page = context.new_page()
        page.requests = []
        page.on("request", lambda request: page.requests.append((request.method, request.url)))
        page.goto(base + PAGE)
        return page

    yield open_
    for context in contexts:
        context.close()


def serious(page):
    assert AXE.exists(), "axe-core not found: run `npm ci` in the project root"
    return [v["id"] for v in run_axe(page, str(AXE)) if v["impact"] in ("serious", "critical")]


def test_autosave_saves_a_new_recommendation_on_the_server_and_says_so(open_page):
    page = open_page()
    form = page.locator("form.rec-form").last

    form.get_by_label("Title").fill("Tenant hotline")
    form.get_by_label("Barrier it addresses").fill("Nobody knows their rights.")
    form.get_by_label("Proposed action").fill("Fund a bilingual hotline.")

    expect(form.locator(".autosave-status")).to_have_text("Saved. (SB25-HOU-01)", timeout=8000)
    rec = Recommendation.objects.get()
    assert (rec.title, rec.barrier, rec.action) == (
        "Tenant hotline",
        "Nobody knows their rights.",
        "Fund a bilingual hotline.",
    )
    posts = [url for method, url in page.requests if method == "POST"]
    assert posts and all(url.split("?")[0].endswith(PAGE) for url in posts)
    # Reloading shows it saved, and nothing waits on the device any more.
    page.reload()
    expect(page.locator("details.rec summary")).to_contain_text("Tenant hotline")
    assert page.evaluate("() => Object.keys(localStorage).filter(k => k.startsWith('summit-draft:'))") == []


def test_autosave_says_offline_only_while_the_browser_is_and_sends_when_back(open_page):
    page = open_page()
    form = page.locator("form.rec-form").last
    status = form.locator(".autosave-status")

    page.context.set_offline(True)
    expect(page.locator(".offline-banner")).to_be_visible()
    form.get_by_label("Title").fill("Night buses")
    form.get_by_label("Barrier it addresses").fill("No bus after 9 pm.")
    form.get_by_label("Proposed action").fill("Run two night lines.")
    expect(status).to_have_text(
        "Kept on this device; it will be sent when the connection is back.", timeout=8000
    )
    assert Recommendation.objects.count() == 0

    page.context.set_offline(False)
    expect(status).to_have_text("Saved. (SB25-HOU-01)", timeout=8000)
    expect(page.locator(".offline-banner")).to_be_hidden()
    assert Recommendation.objects.get().title == "Night buses"


def test_autosave_refused_by_the_server_says_why_and_keeps_the_text(open_page):
    page = open_page()
    form = page.locator("form.rec-form").last
    status = form.locator(".autosave-status")

    form.get_by_label("Title").fill("Half typed idea")

    expect(status).to_contain_text("Not saved yet", timeout=8000)
    expect(status).to_contain_text("Barrier it addresses")
    expect(status).to_contain_text("Proposed action")
    expect(status).not_to_contain_text("connection")
    assert Recommendation.objects.count() == 0
    page.reload()
    expect(page.locator("form.rec-form").last.get_by_label("Title")).to_have_value("Half typed idea")


@pytest.mark.parametrize(
    ("language", "labels"),
    [
        ("en", ["Barrier it addresses", "Proposed action"]),
        ("es", ["Barrera que aborda", "Acción propuesta"]),
    ],
)
@pytest.mark.parametrize("javascript", [True, False], ids=["with JavaScript", "without JavaScript"])
def test_saving_an_incomplete_recommendation_names_each_field_next_to_it(
    open_page, language, labels, javascript
):
    page = open_page(language=language, javascript=javascript, viewport=PHONE)
    form = page.locator("form.rec-form").last
    title = {"en": "Title", "es": "Título"}[language]
    form.get_by_label(title).fill("Tenant hotline")
    form.get_by_label({"en": "Rationale", "es": "Justificación"}[language]).fill("Rents doubled.")

    with page.expect_navigation():
        form.locator("button[type=submit]").click()

    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    links = summary.locator("a")
    expect(links).to_have_count(2)
    for index, label in enumerate(labels):
        link = links.nth(index)
        expect(link).to_contain_text(f"{label}:")
        target = link.get_attribute("href")
        field = page.locator(target)
        expect(field).to_have_attribute("aria-invalid", "true")
        described = field.get_attribute("aria-describedby").split()
        error = page.locator(f"#{described[-1]}")
        expect(error).to_be_visible()
        assert error.text_content().strip() in link.text_content()
        link.click()
        expect(field).to_be_focused()
    # Nothing the facilitator typed is lost, and no recommendation is half written.
    form = page.locator("form.rec-form").last
    expect(form.get_by_label(title)).to_have_value("Tenant hotline")
    expect(form.get_by_label({"en": "Rationale", "es": "Justificación"}[language])).to_have_value(
        "Rents doubled."
    )
    assert Recommendation.objects.count() == 0
    assert re.findall(r"^(?:title|barrier|action): ", page.locator("main").inner_text(), re.MULTILINE) == []


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["390 px", "desktop"])
@pytest.mark.parametrize("language", ["en", "es"])
def test_the_page_and_its_errors_have_no_serious_accessibility_problems(open_page, language, viewport):
    page = open_page(language=language, viewport=viewport)
    assert serious(page) == []
    form = page.locator("form.rec-form").last
    form.locator("textarea").first.fill("Rents doubled.")
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    expect(page.locator("#error-summary")).to_be_visible()
    assert serious(page) == []
