"""Staff on a phone-sized screen: each signs in on the one sign-in page and lands on their own
page; a Los Angeles summit's staff pages and admin show and read times in Pacific Time; no page
asks for an icon that is not there."""

import datetime
import logging

import pytest

from summit.models import StaffRole
from summit.services import create_staff
from tests.browser.pages import SLUG, summit_with_groups

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
PASSWORD = "a long staff passphrase"


@pytest.fixture
def summit_staff(transactional_db, live_server, browser_settings):
    summit, housing = summit_with_groups()  # in Los Angeles
    summit.starts_at = datetime.datetime(2030, 1, 3, 8, 30, tzinfo=summit.tz)
    summit.ends_at = datetime.datetime(2030, 1, 3, 16, 30, tzinfo=summit.tz)
    summit.save()
    staff = {}
    for role, group in [
        (StaffRole.Role.PLANNER, None),
        (StaffRole.Role.FACILITATOR, housing.slug),
        (StaffRole.Role.VOLUNTEER, None),
    ]:
        user, _token = create_staff(email=f"{role}@example.org", summit=summit, role=role, group_slug=group)
        user.set_password(PASSWORD)
        user.save()
        staff[role] = user
    return summit, staff


def sign_in(page, base_url, user, path="/accounts/login/"):
    page.goto(base_url + path)
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.locator("main button[type=submit], #login-form input[type=submit]").first.click()


@pytest.mark.parametrize(
    ("role", "path", "heading"),
    [
        ("planner", f"/summits/{SLUG}/planner/groups/", "Planning groups"),
        ("facilitator", f"/summits/{SLUG}/groups/housing/facilitate/", "Housing"),
        ("volunteer", f"/summits/{SLUG}/door/", "Door check-in"),
    ],
)
def test_each_staff_member_signs_in_on_a_phone_and_lands_on_their_own_page(
    browser, live_server, summit_staff, role, path, heading
):
    _summit, staff = summit_staff
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()

    sign_in(page, live_server.url, staff[role])

    assert page.url == live_server.url + path
    assert page.locator("h1").first.text_content().strip() == heading
    context.close()


def test_a_round_set_to_close_at_half_past_eight_pm_shows_8_30_pm_pacific_time(
    browser, live_server, summit_staff
):
    summit, staff = summit_staff
    context = browser.new_context(viewport=PHONE, timezone_id="America/Los_Angeles")
    page = context.new_page()
    sign_in(
        page,
        live_server.url,
        staff["planner"],
        path=f"/accounts/login/?next=/summits/{SLUG}/recommendations/review/",
    )

    page.fill("input[name=title]", "Closing vote")
    page.fill("input[name=closes_at]", "2030-01-03T20:30")
    assert page.get_by_label("Closes at (Pacific Time)").count() == 1
    with page.expect_navigation():
        page.get_by_role("button", name="Open the round").click()

    assert page.get_by_text("Jan. 3, 2030, 8:30 p.m. Pacific Time").count() == 1
    closes_at = summit.voting_rounds.get().closes_at
    assert closes_at == datetime.datetime(2030, 1, 3, 20, 30, tzinfo=summit.tz)
    context.close()


def test_door_links_say_they_work_until_the_summit_ends_in_pacific_time(browser, live_server, summit_staff):
    _summit, staff = summit_staff
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    sign_in(
        page, live_server.url, staff["planner"], path=f"/accounts/login/?next=/summits/{SLUG}/door/links/"
    )

    text = page.locator("main").inner_text()

    assert "until the summit ends (Jan. 3, 2030, 4:30 p.m. Pacific Time)" in text
    context.close()


def test_the_summit_admin_shows_and_saves_times_in_pacific_time(browser, live_server, summit_staff):
    summit, staff = summit_staff
    # A planner in Los Angeles: the admin warns of no difference from "server time".
    context = browser.new_context(viewport=PHONE, timezone_id="America/Los_Angeles")
    page = context.new_page()
    sign_in(
        page,
        live_server.url,
        staff["planner"],
        path=f"/accounts/login/?next=/admin/summit/summit/{summit.pk}/change/",
    )

    assert page.input_value("#id_starts_at_1") == "08:30:00"
    assert page.locator(".timezonewarning").count() == 0
    assert "In Pacific Time." in page.locator(".field-ends_at").inner_text()
    page.fill("#id_ends_at_1", "20:30:00")
    with page.expect_navigation():
        page.click("input[name=_save]")

    summit.refresh_from_db()
    assert summit.ends_at == datetime.datetime(2030, 1, 3, 20, 30, tzinfo=summit.tz)
    context.close()


def test_no_page_asks_for_an_icon_that_is_not_there(browser, live_server, summit_staff, caplog):
    caplog.set_level(logging.WARNING, logger="django.request")  # where Django logs each 404
    _summit, staff = summit_staff
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    icons = []
    page.on(
        "response",
        lambda response: icons.append(response.status) if "favicon" in response.url else None,
    )

    for path in [f"/summits/{SLUG}/", "/accounts/login/", "/admin/login/"]:
        page.goto(live_server.url + path, wait_until="networkidle")
    sign_in(page, live_server.url, staff["volunteer"])
    page.wait_for_load_state("networkidle")

    assert icons and set(icons) <= {200, 304}
    assert [record.getMessage() for record in caplog.records if "favicon" in record.getMessage()] == []
    context.close()
