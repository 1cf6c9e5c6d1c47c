"""Staff sign in on one page, /accounts/login/, and land on their own page: a planner on the
summit's planner page, a facilitator on their group's, a navigator on assisted registration, a
door volunteer on the door. A safe `next` wins."""

import datetime
import re
from pathlib import Path

import pytest
from django.utils import timezone

from summit.models import StaffRole
from tests.factories import PlanningGroupFactory, StaffRoleFactory, SummitFactory, UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "a long staff passphrase"
README = Path(__file__).resolve().parents[2] / "README.md"


@pytest.fixture
def housing(summit):
    return PlanningGroupFactory(summit=summit, slug="housing", name="Housing")


def staff_member(summit, role, group=None):
    user = UserFactory()
    user.set_password(PASSWORD)
    user.save()
    StaffRoleFactory(user=user, summit=summit, role=role, group=group)
    return user


def sign_in(client, user, url="/accounts/login/", **fields):
    return client.post(url, {"username": user.username, "password": PASSWORD, **fields})


@pytest.mark.parametrize(
    ("role", "page"),
    [
        (StaffRole.Role.PLANNER, "/summits/sb25/planner/groups/"),
        (StaffRole.Role.FACILITATOR, "/summits/sb25/groups/housing/facilitate/"),
        (StaffRole.Role.NAVIGATOR, "/summits/sb25/staff/register/"),
        (StaffRole.Role.VOLUNTEER, "/summits/sb25/door/"),
    ],
)
def test_each_staff_member_lands_on_their_own_page(client, summit, housing, role, page):
    user = staff_member(summit, role, group=housing if role == StaffRole.Role.FACILITATOR else None)

    response = sign_in(client, user)

    assert response.status_code == 302
    assert response["Location"] == page
    assert client.get(page).status_code == 200


def test_a_planner_who_also_works_the_door_lands_on_the_planner_page(client, summit):
    user = staff_member(summit, StaffRole.Role.VOLUNTEER)
    StaffRoleFactory(user=user, summit=summit, role=StaffRole.Role.PLANNER)

    assert sign_in(client, user)["Location"] == "/summits/sb25/planner/groups/"


def test_a_safe_next_wins_and_another_site_is_ignored(client, summit):
    user = staff_member(summit, StaffRole.Role.PLANNER)

    to_badges = sign_in(client, user, next="/summits/sb25/badges/")
    client.logout()
    elsewhere = sign_in(client, user, next="https://evil.example/steal")

    assert to_badges["Location"] == "/summits/sb25/badges/"
    assert elsewhere["Location"] == "/summits/sb25/planner/groups/"


def test_staff_of_two_summits_land_at_the_one_coming_next(client, summit):
    now = timezone.now()
    last_year = SummitFactory(
        slug="sb24", starts_at=now - datetime.timedelta(days=365), ends_at=now - datetime.timedelta(days=364)
    )
    user = staff_member(last_year, StaffRole.Role.PLANNER)
    StaffRoleFactory(user=user, summit=summit, role=StaffRole.Role.VOLUNTEER)

    assert sign_in(client, user)["Location"] == "/summits/sb25/door/"


def test_a_signed_in_volunteer_opening_the_sign_in_page_goes_to_the_door(client, summit):
    user = staff_member(summit, StaffRole.Role.VOLUNTEER)
    client.force_login(user)

    response = client.get("/accounts/login/")

    assert response.status_code == 302
    assert response["Location"] == "/summits/sb25/door/"


def test_the_sign_in_the_readme_gives_facilitators_signs_a_facilitator_in(client, summit, housing):
    row = next(
        line for line in README.read_text().splitlines() if line.startswith("| breakouts | facilitators |")
    )
    documented = re.search(r"sign in at `(/[^`]*)`", row).group(1)
    user = staff_member(summit, StaffRole.Role.FACILITATOR, group=housing)

    response = sign_in(client, user, url=documented)

    assert response.status_code == 302
    assert response["Location"] == "/summits/sb25/groups/housing/facilitate/"


def test_the_admin_sign_in_page_sends_other_staff_to_the_staff_sign_in(client):
    html = client.get("/admin/login/").content.decode()

    assert 'href="/accounts/login/"' in html
