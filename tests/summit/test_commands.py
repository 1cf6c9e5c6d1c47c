import io

import pytest
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient

from registrations.models import GroupPreference, Registration
from summit.models import PlanningGroup, StaffRole, Summit, TicketType

pytestmark = pytest.mark.django_db


def seed(*args):
    out = io.StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def test_seed_demo_builds_a_believable_summit():
    seed("--attendees", "350")

    summit = Summit.objects.get(slug="demo")
    registrations = Registration.objects.filter(summit=summit)
    assert summit.capacity == 350
    assert 8 <= PlanningGroup.objects.filter(summit=summit).count() <= 10
    assert PlanningGroup.objects.filter(summit=summit, language="es").count() == 1
    tickets = {t.slug: t for t in TicketType.objects.filter(summit=summit)}
    assert tickets["community-resident"].price == 0
    assert tickets["community-resident"].quota is None
    assert tickets["partner"].price > 0 and tickets["sponsor"].price > 0
    assert registrations.count() == 350
    residents = registrations.filter(sector="resident").count()
    assert 0.25 <= residents / 350 <= 0.42
    assert registrations.exclude(organization="").values("organization").distinct().count() >= 60
    assert registrations.filter(language="es").count() >= 30
    assert GroupPreference.objects.filter(registration__summit=summit, rank=1).count() >= 250


def test_seed_demo_twice_creates_nothing_twice():
    seed("--attendees", "40")
    first = (Registration.objects.count(), PlanningGroup.objects.count(), TicketType.objects.count())

    seed("--attendees", "40")

    assert (Registration.objects.count(), PlanningGroup.objects.count(), TicketType.objects.count()) == first
    assert Summit.objects.count() == 1


def test_seed_demo_beyond_capacity_puts_the_rest_on_the_waitlist():
    seed("--summit", "small", "--attendees", "30", "--capacity", "20")

    summit = Summit.objects.get(slug="small")
    assert summit.registrations.filter(status="confirmed").count() == 20
    assert summit.registrations.filter(status="waitlisted").count() == 10


def test_create_staff_prints_a_working_token_on_the_last_line():
    seed("--attendees", "5")
    out = io.StringIO()

    call_command("create_staff", "Planner@Example.org", "--summit", "demo", "--role", "planner", stdout=out)

    token = out.getvalue().strip().splitlines()[-1]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    role = StaffRole.objects.get()
    assert (role.user.email, role.role, role.summit.slug) == ("planner@example.org", "planner", "demo")
    assert client.get("/api/summits/demo/").status_code == 200


def test_create_staff_twice_keeps_the_same_token_and_one_role():
    seed("--attendees", "0")
    outputs = []
    for _ in range(2):
        out = io.StringIO()
        call_command("create_staff", "v@example.org", "--summit", "demo", "--role", "volunteer", stdout=out)
        outputs.append(out.getvalue().strip().splitlines()[-1])

    assert outputs[0] == outputs[1]
    assert StaffRole.objects.count() == 1


def test_create_staff_facilitator_needs_a_group_of_that_summit():
    seed("--attendees", "0")

    with pytest.raises(CommandError, match="--group"):
        call_command("create_staff", "f@example.org", "--summit", "demo", "--role", "facilitator")
    with pytest.raises(CommandError, match="No planning group"):
        call_command(
            "create_staff", "f@example.org", "--summit", "demo", "--role", "facilitator", "--group", "nope"
        )

    call_command(
        "create_staff",
        "f@example.org",
        "--summit",
        "demo",
        "--role",
        "facilitator",
        "--group",
        "housing",
        stdout=io.StringIO(),
    )
    assert StaffRole.objects.get().group.slug == "housing"


def test_create_staff_for_an_unknown_summit_fails_clearly():
    with pytest.raises(CommandError, match="No summit"):
        call_command("create_staff", "x@example.org", "--summit", "nope", "--role", "planner")


def test_a_facilitator_signs_in_with_the_password_create_staff_set_and_reaches_their_group(client):
    seed("--attendees", "0")
    call_command(
        "create_staff",
        "fac@example.org",
        "--summit",
        "demo",
        "--role",
        "facilitator",
        "--group",
        "housing",
        "--password",
        "a long facilitator passphrase",
        stdout=io.StringIO(),
    )
    page = "/summits/demo/groups/housing/facilitate/"

    response = client.post(
        f"/accounts/login/?next={page}",
        {"username": "fac@example.org", "password": "a long facilitator passphrase", "next": page},
    )

    assert response.status_code == 302 and response["Location"] == page
    assert client.get(page).status_code == 200
    assert client.get("/summits/demo/groups/transit/facilitate/").status_code == 403
    assert "Summit planners" not in [g.name for g in StaffRole.objects.get().user.groups.all()]


def test_a_wrong_password_on_the_sign_in_page_is_refused_without_echoing_it(client):
    seed("--attendees", "0")
    call_command(
        "create_staff",
        "nav@example.org",
        "--summit",
        "demo",
        "--role",
        "navigator",
        "--password",
        "a long navigator passphrase",
        stdout=io.StringIO(),
    )

    response = client.post(
        "/accounts/login/", {"username": "nav@example.org", "password": "wrong-secret-guess"}
    )

    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()
    assert "wrong-secret-guess" not in response.content.decode()
    assert "_auth_user_id" not in client.session
