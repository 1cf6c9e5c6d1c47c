"""Dot voting from an attendee's private link, on a phone: with JavaScript a dot is saved without
leaving the page; without it, the same buttons post the form and come back to the same place."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from registrations.badges.codes import badge_code
from registrations.seats.links import manage_path
from summit.models import StaffRole
from summit.services import create_staff
from tests.browser.test_accessibility import AXE, run_axe
from tests.factories import (
    PlanningGroupFactory,
    RecommendationFactory,
    RegistrationFactory,
    SummitFactory,
    VotingRoundFactory,
)
from workshops.framework import load_framework, read_framework_file
from workshops.models import FrameworkVersion, Vote, VotingRound
from workshops.recommendations import voting

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
LONG_TITLE = "A bilingual tenant hotline open every evening, with legal aid for people facing eviction"


@pytest.fixture
def ballot(transactional_db, live_server, browser_settings):
    if not FrameworkVersion.objects.exists():  # a transactional test before this one flushed it
        load_framework(read_framework_file())
    summit = SummitFactory(slug="sb25", name="Santa Barbara Mobility Summit")
    housing = PlanningGroupFactory(summit=summit, slug="housing", name="Housing")
    recs = [
        RecommendationFactory(group=housing, title=title, state="shortlisted")
        for title in ["Rent relief fund", LONG_TITLE, "Night buses", "Free childcare at meetings"]
    ]
    voting_round = VotingRoundFactory(summit=summit, dots_per_person=5, max_per_item=2)

    def voter(language="en"):
        person = RegistrationFactory(summit=summit, group=housing, checked_in=True, language=language)
        return person, live_server.url + manage_path(person) + "vote/"

    return {"recs": recs, "round": voting_round, "voter": voter}


@pytest.fixture
def open_vote(browser):
    contexts = []

    def open_(url, *, javascript=True, viewport=PHONE, session=None, language="en"):
        context = browser.new_context(viewport=viewport, java_script_enabled=javascript, bypass_csp=True)
        contexts.append(context)
        context.add_cookies([{"name": "summit_language", "value": language, "url": url}])
        if session:  # a staff member's session (the kiosk)
            context.add_cookies([{"name": "sessionid", "value": session, "url": url}])
        page = context.new_page()
        page.navigations = []
        page.on("framenavigated", lambda frame: page.navigations.append(frame.url))
        page.goto(url)
        return page

    yield open_
    for context in contexts:
        context.close()


def item(page, rec):
    return page.locator(f"#vote-{rec.pk}")


def dots_on(person, rec):
    vote = Vote.objects.filter(ballot__registration=person, recommendation=rec).first()
    return vote.dots if vote else 0


def test_with_javascript_a_dot_is_saved_without_leaving_the_page(ballot, open_vote):
    person, url = ballot["voter"]()
    page = open_vote(url)
    night_buses = ballot["recs"][2]
    row = item(page, night_buses)
    row.scroll_into_view_if_needed()
    scrolled = page.evaluate("() => window.scrollY")
    loads = len(page.navigations)

    row.get_by_role("button", name="Add a dot").click()

    expect(row.locator(".dots")).to_have_text("1")
    expect(page.locator(".dots-left")).to_have_text("You have 4 dots left. At most 2 on one recommendation.")
    assert dots_on(person, night_buses) == 1
    row.get_by_role("button", name="Add a dot").click()
    expect(row.locator(".dots")).to_have_text("2")
    expect(row.get_by_role("button", name="Add a dot")).to_be_disabled()  # at most 2 on one
    assert dots_on(person, night_buses) == 2
    row.get_by_role("button", name="Remove a dot").click()
    expect(row.locator(".dots")).to_have_text("1")
    expect(row.get_by_role("button", name="Add a dot")).to_be_enabled()
    assert dots_on(person, night_buses) == 1
    # The same page all along, where the voter left it.
    assert len(page.navigations) == loads
    assert page.evaluate("() => window.scrollY") == scrolled
    page.reload()
    expect(item(page, night_buses).locator(".dots")).to_have_text("1")


def test_with_javascript_a_refused_dot_says_why_and_changes_nothing(ballot, open_vote):
    person, url = ballot["voter"]()
    page = open_vote(url)
    rent = ballot["recs"][0]
    VotingRound.objects.filter(pk=ballot["round"].pk).update(
        closes_at=timezone.now() - datetime.timedelta(seconds=1)
    )

    item(page, rent).get_by_role("button", name="Add a dot").click()

    expect(item(page, rent).get_by_role("alert")).to_have_text("Voting has closed.")
    expect(item(page, rent).locator(".dots")).to_have_text("0")
    assert dots_on(person, rent) == 0


def test_without_javascript_a_refused_dot_is_explained_beside_its_recommendation(ballot, open_vote):
    person, url = ballot["voter"]()
    page = open_vote(url, javascript=False)
    # Meanwhile, on another device, the voter spends all five dots.
    for rec, dots in zip(ballot["recs"][:3], [2, 2, 1], strict=True):
        voting.set_dots(ballot["round"], registration=person, recommendation=rec, dots=dots)
    childcare = ballot["recs"][3]

    with page.expect_navigation():
        item(page, childcare).get_by_role("button", name="Add a dot").click()

    expect(item(page, childcare).get_by_role("alert")).to_have_text("You have used all your dots.")
    expect(item(page, childcare)).to_be_in_viewport()
    expect(item(page, childcare).locator(".dots")).to_have_text("0")
    assert dots_on(person, childcare) == 0


def test_without_javascript_the_buttons_post_the_form_and_come_back_to_the_same_recommendation(
    ballot, open_vote
):
    person, url = ballot["voter"]()
    page = open_vote(url, javascript=False)
    night_buses = ballot["recs"][2]

    with page.expect_navigation():
        item(page, night_buses).get_by_role("button", name="Add a dot").click()

    expect(item(page, night_buses).locator(".dots")).to_have_text("1")
    expect(page.locator(".dots-left")).to_have_text("You have 4 dots left. At most 2 on one recommendation.")
    assert page.url.endswith(f"#vote-{night_buses.pk}")
    expect(item(page, night_buses)).to_be_in_viewport()
    assert dots_on(person, night_buses) == 1


def test_the_steppers_line_up_from_row_to_row(ballot, open_vote):
    _person, url = ballot["voter"]()
    page = open_vote(url)

    boxes = page.evaluate(
        """() => [...document.querySelectorAll('.ballot-item')].map(row => {
            const [minus, plus] = [...row.querySelectorAll('button')].map(b => b.getBoundingClientRect());
            const count = row.querySelector('.dots').getBoundingClientRect();
            return {minus: [Math.round(minus.left), Math.round(minus.top)],
                    count: [Math.round(count.left), Math.round(count.top)],
                    plus: [Math.round(plus.left), Math.round(plus.top)]};
        })"""
    )

    assert len(boxes) == 4
    for part in ("minus", "count", "plus"):
        assert len({box[part][0] for box in boxes}) == 1, f"{part} buttons are not in one column: {boxes}"
    for box in boxes:  # the three on one line in each row
        assert box["minus"][1] == box["plus"][1], box
        assert box["minus"][0] < box["count"][0] < box["plus"][0], box


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["390 px", "desktop"])
@pytest.mark.parametrize("language", ["en", "es"])
def test_the_ballot_has_no_serious_accessibility_problems_before_and_after_a_dot(
    ballot, open_vote, language, viewport
):
    _person, url = ballot["voter"](language)
    page = open_vote(url, viewport=viewport)
    assert page.get_attribute("html", "lang") == language
    problems = [v for v in run_axe(page, str(AXE)) if v["impact"] in ("serious", "critical")]
    item(page, ballot["recs"][1]).locator("button").last.click()
    expect(item(page, ballot["recs"][1]).locator(".dots")).to_have_text("1")
    problems += [v for v in run_axe(page, str(AXE)) if v["impact"] in ("serious", "critical")]

    assert problems == []


@pytest.fixture
def kiosk(ballot, open_vote, live_server):
    """kiosk(language, viewport) -> (the voter, the kiosk page at their ballot)."""

    def open_(language="en", viewport=PHONE):
        person, _url = ballot["voter"]()
        volunteer, _token = create_staff(
            email="kiosk@example.org", summit=person.summit, role=StaffRole.Role.VOLUNTEER
        )
        client = Client()
        client.force_login(volunteer)
        page = open_vote(
            f"{live_server.url}/summits/sb25/vote/kiosk/",
            session=client.cookies["sessionid"].value,
            language=language,
            viewport=viewport,
        )
        page.locator("input[name=code]").fill(badge_code(person))
        with page.expect_navigation():
            page.locator("main button[type=submit]").click()
        return person, page

    return open_


def test_at_the_kiosk_a_dot_is_saved_without_leaving_the_ballot(ballot, kiosk):
    person, page = kiosk()
    rent = ballot["recs"][0]
    loads = len(page.navigations)

    item(page, rent).get_by_role("button", name="Add a dot").click()

    expect(item(page, rent).locator(".dots")).to_have_text("1")
    assert dots_on(person, rent) == 1
    assert len(page.navigations) == loads


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["390 px", "desktop"])
@pytest.mark.parametrize("language", ["en", "es"])
def test_the_kiosk_ballot_has_no_serious_accessibility_problems(ballot, kiosk, language, viewport):
    _person, page = kiosk(language, viewport)
    assert page.get_attribute("html", "lang") == language
    item(page, ballot["recs"][0]).locator("button").last.click()
    expect(item(page, ballot["recs"][0]).locator(".dots")).to_have_text("1")

    assert [v for v in run_axe(page, str(AXE)) if v["impact"] in ("serious", "critical")] == []
