"""Name search as volunteers and planners type it, on phones and USB keyboards without accents:
case and accents are ignored at the door, in the admin, on the badges page and on the assignment
page, and the folded names (Registration.search_name) follow every way the names are saved."""

import importlib
import io

import pytest
from django.apps import apps
from django.core.management import call_command
from django.test import Client

from registrations.door.services import search_attendees
from registrations.models import BadgeSheetJob, Registration
from registrations.purge import purge_registrations
from registrations.search import fold
from registrations.seats.services import update_registration
from summit.models import StaffRole
from summit.services import create_staff
from tests.factories import PlanningGroupFactory, RegistrationFactory, StaffRoleFactory, UserFactory

pytestmark = pytest.mark.django_db

# "Ramír" finds these five; "ramir" must find the same five.
RAMIREZ = [("María", "Ramírez"), ("José", "Ramírez"), ("Inés", "Ramírez Núñez"), ("Ramiro", "Gómez")]


@pytest.fixture
def people(summit):
    found = [RegistrationFactory(summit=summit, first_name=first, last_name=last) for first, last in RAMIREZ]
    found.append(
        RegistrationFactory(summit=summit, first_name="Rosa", last_name="Parks", badge_name="Ramírita")
    )
    RegistrationFactory(summit=summit, first_name="Ana", last_name="Cruz")
    return found


@pytest.fixture
def volunteer(summit):
    user = UserFactory(username="ana@example.org", first_name="Ana")
    StaffRoleFactory(user=user, summit=summit, role=StaffRole.Role.VOLUNTEER)
    return user


@pytest.fixture
def planner(summit):
    user, _token = create_staff(email="planner@example.org", summit=summit, role=StaffRole.Role.PLANNER)
    client = Client()
    client.force_login(user)
    return client


def door_names(summit, query, volunteer):
    return [row["name"] for row in search_attendees(summit, query, by=volunteer)]


def test_fold_takes_off_case_and_accents():
    assert [fold(text) for text in ("Núñez", "RAMÍREZ", "Çelik", "Øyvind", "Straße")] == [
        "nunez",
        "ramirez",
        "celik",
        "øyvind",  # a letter of its own, not a letter with an accent
        "strasse",
    ]


@pytest.mark.parametrize("query", ["ramir", "RAMIR", "Ramír", "rámir"])
def test_the_door_finds_the_same_people_with_or_without_accents(summit, people, volunteer, query):
    assert door_names(summit, query, volunteer) == ["Inés R.", "José R.", "María R.", "Ramiro G.", "Rosa P."]


def test_an_accent_typed_finds_a_name_saved_without_it(summit, volunteer):
    RegistrationFactory(summit=summit, first_name="Jose", last_name="Lopez")

    assert door_names(summit, "José López", volunteer) == ["Jose L."]


def test_every_word_must_match_with_or_without_accents(summit, people, volunteer):
    assert door_names(summit, "jose ramirez", volunteer) == ["José R."]
    assert door_names(summit, "ines nunez", volunteer) == ["Inés R."]


def test_the_door_api_finds_names_without_accents(volunteer_api, people):
    response = volunteer_api.get("/api/summits/sb25/checkins/search/", {"q": "nunez"})

    assert response.status_code == 200
    assert [row["name"] for row in response.json()["results"]] == ["Inés R."]


def test_an_edited_name_is_found_by_its_new_spelling(summit, volunteer):
    person = RegistrationFactory(summit=summit, first_name="Ines", last_name="Cruz")

    update_registration(person, data={"last_name": "Núñez"})

    assert door_names(summit, "nunez", volunteer) == ["Ines N."]
    assert door_names(summit, "cruz", volunteer) == []


def test_saving_only_a_name_keeps_the_search_in_step(summit, volunteer):
    person = RegistrationFactory(summit=summit, first_name="Ines", last_name="Cruz")
    person.last_name = "Núñez"

    person.save(update_fields=["last_name", "updated_at"])  # as the admin's edit saves

    assert door_names(summit, "nunez", volunteer) == ["Ines N."]


def test_the_demo_seeded_in_bulk_is_searchable(db):
    call_command("seed_demo", "--summit", "sb25", "--attendees", "12", stdout=io.StringIO())

    rows = Registration.objects.filter(summit__slug="sb25").values_list(
        "first_name", "last_name", "search_name"
    )
    assert len(rows) == 12
    assert [search for _first, _last, search in rows] == [fold(f"{first} {last}") for first, last, _ in rows]


def test_the_migration_fills_the_search_names_of_existing_registrations(summit, people, volunteer):
    Registration.objects.update(search_name="")  # as the rows were before the column existed
    migration = importlib.import_module("registrations.migrations.0014_registration_search_name")

    migration.fill_search_names(apps, None)

    assert len(door_names(summit, "ramir", volunteer)) == 5


def test_after_the_purge_nobody_is_found_by_name(summit, people, volunteer):
    purge_registrations(summit)

    assert Registration.objects.exclude(search_name="").count() == 0
    assert door_names(summit, "ramir", volunteer) == []


def test_the_admin_search_ignores_accents_and_still_finds_emails_and_organizations(summit, people, planner):
    RegistrationFactory(summit=summit, first_name="Lee", last_name="Park", email="lee@ramirez-law.example")
    RegistrationFactory(summit=summit, first_name="Kim", last_name="Oh", organization="Ramirez Foundation")

    page = planner.get("/admin/registrations/registration/", {"q": "ramir"})

    assert page.status_code == 200
    assert sorted(str(registration) for registration in page.context["cl"].result_list) == [
        "Inés Ramírez Núñez",
        "José Ramírez",
        "Kim Oh",
        "Lee Park",
        "María Ramírez",
        "Ramiro Gómez",
        "Rosa Parks",
    ]


def test_the_badges_page_finds_a_person_by_name_and_prints_only_their_badge(summit, people, planner):
    jose = people[1]
    RegistrationFactory(summit=summit, first_name="Ramón", last_name="Ramírez", status="waitlisted")

    found = planner.get("/summits/sb25/badges/", {"q": "jose ramirez"})
    started = planner.post(
        "/summits/sb25/badges/",
        {"selection": "registration", "registration": str(jose.public_id), "layout": "letter-single",
         "sort": "last_name", "q": "jose ramirez"},
    )  # fmt: skip

    assert found.status_code == 200
    assert [str(p) for p in found.context["people"]] == ["José Ramírez"]
    assert f'value="{jose.public_id}" checked' in found.content.decode()
    assert started.status_code == 302
    assert BadgeSheetJob.objects.get().registration == jose


def test_the_badges_page_lists_only_confirmed_people(summit, people, planner):
    RegistrationFactory(summit=summit, first_name="Ramón", last_name="Ramírez", status="waitlisted")

    found = planner.get("/summits/sb25/badges/", {"q": "ramon"})

    assert found.context["people"] == []
    assert "No confirmed registration matches “ramon”." in found.content.decode()


def test_the_badges_page_asks_for_three_letters_and_for_a_choice(summit, people, planner):
    short = planner.get("/summits/sb25/badges/", {"q": "ra"})
    unchosen = planner.post(
        "/summits/sb25/badges/", {"selection": "registration", "layout": "letter-single", "sort": "last_name"}
    )

    assert short.status_code == 400
    assert "Type at least three letters of the name." in short.content.decode()
    assert unchosen.status_code == 400
    assert "Find the person by name, then choose them." in unchosen.content.decode()
    assert BadgeSheetJob.objects.count() == 0


def test_the_assignment_page_finds_a_person_and_moves_them_back_to_the_search(summit, people, planner):
    jobs = PlanningGroupFactory(summit=summit, slug="jobs", name="Good jobs")
    jose = people[1]

    found = planner.get("/summits/sb25/planner/groups/", {"q": "JOSE"})
    moved = planner.post(
        "/summits/sb25/planner/groups/",
        {"action": "move", "registration": str(jose.public_id), "group": "jobs", "q": "JOSE"},
    )

    assert found.status_code == 200
    assert [person["registration"] for person in found.context["found"]] == [jose]
    assert moved.status_code == 302
    assert moved["Location"] == "/summits/sb25/planner/groups/?q=JOSE"
    after = planner.get(moved["Location"])
    assert [(p["registration"], p["draft"].group, p["draft"].locked) for p in after.context["found"]] == [
        (jose, jobs, True)
    ]
    assert "José Ramírez is now in Good jobs." in after.content.decode()


def test_the_assignment_page_asks_for_three_letters(summit, planner):
    response = planner.get("/summits/sb25/planner/groups/", {"q": "jo"})

    assert response.status_code == 400
    assert "Type at least three letters of the name." in response.content.decode()
