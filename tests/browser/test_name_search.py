"""Finding people by name on a phone-sized screen, typed without accents as volunteers and
planners type on phones and USB keyboards: at the door, in the admin, on the badges page (to
reprint one badge) and on the assignment page (to move one person)."""

import pytest
from playwright.sync_api import expect

from registrations.door.links import create_door_link
from registrations.models import BadgeSheetJob
from summit.models import StaffRole
from summit.services import create_staff
from tests.browser import test_accessibility
from tests.factories import PlanningGroupFactory, RegistrationFactory, SummitFactory, TicketTypeFactory

pytestmark = pytest.mark.browser
axe_path = test_accessibility.axe_path  # the fixture: axe-core from node_modules

PHONE = {"width": 390, "height": 844}
PASSWORD = "a long planner passphrase"
# "Ramír" finds these five: "ramir" must find the same five.
RAMIREZ = [("María", "Ramírez"), ("José", "Ramírez"), ("Inés", "Ramírez Núñez"), ("Ramiro", "Gómez"),
           ("Beatriz", "Ramírez")]  # fmt: skip


@pytest.fixture
def site(transactional_db, live_server, browser_settings):
    summit = SummitFactory(slug="sb25", name="Santa Barbara Mobility Summit")
    TicketTypeFactory(summit=summit)
    housing = PlanningGroupFactory(summit=summit, slug="housing", name="Housing")
    PlanningGroupFactory(summit=summit, slug="jobs", name="Good jobs")
    people = {
        first: RegistrationFactory(summit=summit, first_name=first, last_name=last, group=housing)
        for first, last in RAMIREZ
    }
    RegistrationFactory(summit=summit, first_name="Ana", last_name="Cruz")
    planner, _token = create_staff(email="planner@example.org", summit=summit, role=StaffRole.Role.PLANNER)
    planner.set_password(PASSWORD)
    planner.save()
    return {"summit": summit, "people": people, "url": live_server.url}


@pytest.fixture
def phone(browser):
    # bypass_csp only for axe, injected by the test: the pages themselves never need it.
    context = browser.new_context(viewport=PHONE, bypass_csp=True)
    yield context.new_page()
    context.close()


def sign_in(page, site, target):
    page.goto(f"{site['url']}/accounts/login/?next={target}")
    page.fill("#id_username", "planner@example.org")
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.locator("main button[type=submit]").click()
    page.wait_for_url(f"**{target}")


def serious_problems(page, axe_path):
    violations = test_accessibility.run_axe(page, axe_path)
    return [v["id"] for v in violations if v["impact"] in ("serious", "critical")]


def test_the_door_finds_ramirez_typed_without_the_accent(site, phone):
    _, token = create_door_link(summit=site["summit"], label="North door")
    phone.goto(f"{site['url']}/door/{token}/")
    with phone.expect_navigation():
        phone.click("main form[method=post] button[type=submit]")  # the confirm page's button
    phone.wait_for_selector("body[data-door-ready='1']")

    phone.fill("#q", "ramir")
    phone.press("#q", "Enter")

    expect(phone.locator("#search-results button")).to_have_count(5)
    expect(phone.locator("#search-results")).to_contain_text("José R.")


def test_the_admin_finds_ramirez_typed_without_the_accent(site, phone):
    sign_in(phone, site, "/admin/registrations/registration/")

    phone.fill("#searchbar", "ramir")
    with phone.expect_navigation():
        phone.press("#searchbar", "Enter")

    rows = phone.locator("#result_list tbody tr")
    expect(rows).to_have_count(5)
    expect(phone.locator("#result_list")).to_contain_text("Inés Ramírez Núñez")
    expect(phone.locator("#result_list")).not_to_contain_text("Ana Cruz")


def test_a_planner_reprints_one_badge_found_by_name(site, phone, axe_path):
    sign_in(phone, site, "/summits/sb25/badges/")

    phone.get_by_label("Find them by name").fill("jose ramirez")
    with phone.expect_navigation():
        phone.get_by_role("button", name="Find").click()
    expect(phone.get_by_label("José Ramírez")).to_be_checked()  # the only one found
    expect(phone.get_by_label("One person (a reprint):")).to_be_checked()
    assert serious_problems(phone, axe_path) == []
    assert phone.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth")
    phone.select_option("#layout", "letter-single")
    with phone.expect_navigation():
        phone.get_by_role("button", name="Build the badge sheet").click()

    expect(phone.get_by_role("link", name="Download the PDF")).to_be_visible()
    job = BadgeSheetJob.objects.get()
    assert (job.registration, job.total, job.layout) == (site["people"]["José"], 1, "letter-single")


def test_a_planner_finds_a_person_on_the_assignment_page_and_moves_them(site, phone, axe_path):
    sign_in(phone, site, "/summits/sb25/planner/groups/")

    phone.get_by_label("Name").fill("ines nunez")
    with phone.expect_navigation():
        phone.get_by_role("button", name="Find").click()
    found = phone.get_by_role("list", name="People found").get_by_role("listitem")
    expect(found).to_have_count(1)
    expect(found).to_contain_text("Inés Ramírez Núñez")
    assert serious_problems(phone, axe_path) == []
    found.get_by_label("Group").select_option("jobs")
    with phone.expect_navigation():
        found.get_by_role("button", name="Move and lock").click()

    expect(phone.get_by_role("status").first).to_contain_text("Inés Ramírez Núñez is now in Good jobs.")
    expect(phone.get_by_role("list", name="People found")).to_contain_text("Good jobs")
    assert site["people"]["Inés"].assignment.group.slug == "jobs"
