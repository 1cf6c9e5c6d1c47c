"""Who saw names or needs, and who granted a role, is in the audit log, as exports and door
searches are: roster and door-list downloads, a planner opening a registration's needs in the
admin, and staff roles granted (the `create_staff` command and the admin)."""

import io

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from summit.models import AuditEvent, StaffRole
from summit.services import create_staff
from tests.conftest import staff_client
from tests.factories import (
    PlanningGroupFactory,
    RegistrationFactory,
    StaffRoleFactory,
    SummitFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def signed_in(user):
    browser = Client()
    browser.force_login(user)
    return browser


@pytest.fixture
def housing(summit):
    group = PlanningGroupFactory(summit=summit, slug="housing")
    RegistrationFactory(summit=summit, group=group, share_with_group=True, organization="Casa")
    RegistrationFactory(summit=summit, group=group, share_with_group=True)
    RegistrationFactory(summit=summit, group=group, share_with_group=False)
    return group


@pytest.fixture
def planner(summit):
    user, _token = create_staff(email="plan@example.org", summit=summit, role=StaffRole.Role.PLANNER)
    return user


@pytest.mark.parametrize("fmt", ["csv", "pdf"])
def test_a_planner_downloading_a_roster_is_logged(summit, housing, planner, fmt):
    response = signed_in(planner).get(f"/summits/sb25/groups/housing/roster.{fmt}")

    assert response.status_code == 200
    event = AuditEvent.objects.get()
    assert (event.action, event.summit, event.user, event.detail) == (
        f"workshops.roster_{fmt}",
        summit,
        planner,
        "group housing",
    )


def test_a_facilitator_downloading_their_roster_is_logged(summit, housing):
    facilitator = UserFactory()
    StaffRoleFactory(user=facilitator, summit=summit, role=StaffRole.Role.FACILITATOR, group=housing)

    response = signed_in(facilitator).get("/summits/sb25/groups/housing/roster.csv")

    assert response.status_code == 200
    event = AuditEvent.objects.get()
    assert (event.action, event.summit, event.user) == ("workshops.roster_csv", summit, facilitator)


def test_a_refused_roster_download_is_not_logged_as_one(summit, housing):
    volunteer = UserFactory()
    StaffRoleFactory(user=volunteer, summit=summit, role=StaffRole.Role.VOLUNTEER)

    response = signed_in(volunteer).get("/summits/sb25/groups/housing/roster.csv")

    assert response.status_code == 403
    assert AuditEvent.objects.count() == 0


def test_a_door_list_download_is_logged_with_its_size(summit, housing):
    volunteer = staff_client(summit, StaffRole.Role.VOLUNTEER)

    response = volunteer.get("/api/summits/sb25/door-list/")

    assert response.status_code == 200
    event = AuditEvent.objects.get()
    assert (event.action, event.summit, event.user, event.count) == (
        "door.list_download",
        summit,
        volunteer.user,
        3,
    )


def test_a_planner_opening_a_registration_with_needs_in_the_admin_is_logged(summit, planner):
    person = RegistrationFactory(summit=summit, dietary_needs="No nuts")
    no_needs = RegistrationFactory(summit=summit)
    browser = signed_in(planner)

    with_needs = browser.get(reverse("admin:registrations_registration_change", args=[person.pk]))
    without = browser.get(reverse("admin:registrations_registration_change", args=[no_needs.pk]))

    assert (with_needs.status_code, without.status_code) == (200, 200)
    assert "No nuts" in with_needs.content.decode()
    event = AuditEvent.objects.get()
    assert (event.action, event.summit, event.user, event.count, event.detail) == (
        "registrations.admin_view_needs",
        summit,
        planner,
        1,
        f"registration {person.public_id}",
    )


def test_create_staff_logs_the_role_it_grants(summit):
    call_command(
        "create_staff", "vol@example.org", "--summit", "sb25", "--role", "volunteer", stdout=io.StringIO()
    )

    account = StaffRole.objects.get(role="volunteer").user
    event = AuditEvent.objects.get()
    assert (event.action, event.summit, event.user, event.count, event.detail) == (
        "summit.staff_role_grant",
        summit,
        None,  # a command run on the server: no signed-in user
        1,
        f"volunteer to account {account.pk} (create_staff)",
    )


def test_a_planner_granting_a_role_in_the_admin_is_logged(summit, planner):
    volunteer = UserFactory()
    StaffRoleFactory(user=volunteer, summit=summit, role=StaffRole.Role.VOLUNTEER)

    response = signed_in(planner).post(
        reverse("admin:summit_staffrole_add"),
        {"user": volunteer.pk, "summit": summit.pk, "role": "navigator", "group": ""},
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    assert StaffRole.objects.filter(user=volunteer, role="navigator").exists()
    event = AuditEvent.objects.get()
    assert (event.action, event.summit, event.user, event.count, event.detail) == (
        "summit.staff_role_grant",
        summit,
        planner,
        1,
        f"navigator to account {volunteer.pk} (admin)",
    )


def test_a_planner_can_give_roles_only_to_accounts_of_their_own_summits(summit, planner):
    other = SummitFactory(slug="elsewhere")
    ours = UserFactory(email="ours@example.org")
    StaffRoleFactory(user=ours, summit=summit, role=StaffRole.Role.VOLUNTEER)
    theirs = UserFactory(email="theirs@example.org")
    StaffRoleFactory(user=theirs, summit=other, role=StaffRole.Role.PLANNER)
    nobody = UserFactory(email="nobody@example.org")  # an account with no role anywhere
    client = signed_in(planner)

    form = client.get(reverse("admin:summit_staffrole_add")).content.decode()
    refused = client.post(
        reverse("admin:summit_staffrole_add"),
        {"user": theirs.pk, "summit": summit.pk, "role": "planner", "group": ""},
    )

    assert f'<option value="{ours.pk}"' in form
    assert f'<option value="{theirs.pk}"' not in form and f'<option value="{nobody.pk}"' not in form
    assert refused.status_code == 200  # the form again, with the error on the account
    assert "Select a valid choice" in refused.content.decode()
    assert not StaffRole.objects.filter(user=theirs, summit=summit).exists()
