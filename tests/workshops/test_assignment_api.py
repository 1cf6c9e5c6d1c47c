"""The planner's assignment API and page: what planners can do, and who is refused."""

import pytest
from django.test import Client
from rest_framework.test import APIClient

from registrations.models import Registration
from summit.models import StaffRole
from tests.conftest import staff_client
from tests.factories import (
    GroupPreferenceFactory,
    PlanningGroupFactory,
    RegistrationFactory,
    StaffRoleFactory,
    SummitFactory,
    UserFactory,
)
from workshops.assignment import services
from workshops.models import Assignment, AssignmentRun

pytestmark = pytest.mark.django_db

NO_BALANCE = {"resident_floor_margin": None, "sector_ceiling": None, "org_cap": None}


@pytest.fixture
def groups(summit):
    return [
        PlanningGroupFactory(summit=summit, slug="housing", max_size=5, position=0),
        PlanningGroupFactory(summit=summit, slug="jobs", max_size=5, position=1),
    ]


@pytest.fixture
def people(summit, groups):
    out = []
    for i in range(4):
        registration = RegistrationFactory(summit=summit, first_name=f"Person{i}", share_with_group=True)
        GroupPreferenceFactory(registration=registration, group=groups[i % 2], rank=1)
        out.append(registration)
    return out


def runs_url(summit):
    return f"/api/summits/{summit.slug}/assignment/runs/"


@pytest.fixture
def run_tasks(django_capture_on_commit_callbacks):
    """`with run_tasks(): ...` runs the tasks enqueued on commit inside the block, as a real
    commit would (the immediate backend then runs the assignment inline)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def test_planner_runs_the_assignment_in_the_background_and_reads_its_figures(
    planner_api, summit, people, run_tasks
):
    with run_tasks():
        response = planner_api.post(runs_url(summit), {"rules": NO_BALANCE}, format="json")

    assert response.status_code == 202
    queued = response.json()
    assert (queued["status"], queued["figures"], queued["solver_status"]) == ("queued", {}, "")
    detail = planner_api.get(f"{runs_url(summit)}{queued['id']}/").json()
    assert (detail["status"], detail["solver_status"], detail["error"]) == ("done", "optimal", "")
    assert detail["figures"]["first_choice"] == {"count": 4, "share": 1.0}
    assert detail["comparison"]["joined"] == 4
    assert detail["comparison"]["previous_run"] is None
    assert Assignment.objects.filter(run_id=queued["id"]).count() == 4

    listed = planner_api.get(runs_url(summit)).json()
    assert [(run["id"], run["status"]) for run in listed] == [(queued["id"], "done")]


def test_a_second_run_while_one_is_under_way_answers_409(planner_api, summit, people):
    first = planner_api.post(runs_url(summit), {}, format="json")  # queued: no commit, no task yet

    second = planner_api.post(runs_url(summit), {}, format="json")

    assert (first.status_code, first.json()["status"]) == (202, "queued")
    assert second.status_code == 409
    assert second.json()["code"] == "already_running"
    assert AssignmentRun.objects.count() == 1


def test_a_run_that_cannot_be_solved_fails_with_a_translated_reason(planner_api, summit, run_tasks):
    RegistrationFactory(summit=summit)  # a confirmed attendee, and no planning group at all

    with run_tasks():
        response = planner_api.post(runs_url(summit), {}, format="json")

    assert response.status_code == 202
    url = f"{runs_url(summit)}{response.json()['id']}/"
    failed = planner_api.get(url).json()
    assert (failed["status"], failed["error"], failed["figures"]) == ("failed", "no_groups", {})
    assert failed["error_text"] == "There are confirmed attendees but no planning groups: add groups first."
    spanish = planner_api.get(url, HTTP_ACCEPT_LANGUAGE="es").json()
    assert spanish["error_text"] == (
        "Hay asistentes confirmados pero ningún grupo de planificación: primero agregue grupos."
    )
    assert Assignment.objects.count() == 0


def test_dry_run_answers_200_and_saves_nothing(planner_api, summit, people):
    response = planner_api.post(runs_url(summit), {"dry_run": True}, format="json")

    assert response.status_code == 200
    assert response.json()["id"] is None
    assert AssignmentRun.objects.count() == 0


def test_bad_rules_answer_400_naming_the_field(planner_api, summit, people):
    response = planner_api.post(runs_url(summit), {"rules": {"org_cap": 0}}, format="json")

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_rule"
    assert "org_cap" in response.json()["errors"]


def test_planner_lists_moves_locks_unlocks_and_publishes(planner_api, summit, people, groups):
    services.run_assignment(summit, rules=NO_BALANCE)
    url = f"/api/summits/{summit.slug}/assignments/"

    listed = planner_api.get(url).json()
    assert listed["count"] == 4
    first = listed["results"][0]
    assert set(first) >= {
        "registration",
        "group",
        "locked",
        "reason",
        "reason_text",
        "rank",
        "published_group",
    }

    person = people[0]
    moved = planner_api.patch(f"{url}{person.public_id}/", {"group": "jobs"}, format="json")
    assert moved.status_code == 200
    assert (moved.json()["group"], moved.json()["locked"], moved.json()["reason"]) == ("jobs", True, "locked")

    unlocked = planner_api.patch(f"{url}{person.public_id}/", {"locked": False}, format="json")
    assert unlocked.json()["locked"] is False

    published = planner_api.post(f"/api/summits/{summit.slug}/assignment/publish/")
    assert published.status_code == 200
    assert published.json()["published"] == 4
    assert Registration.objects.get(pk=person.pk).group.slug == "jobs"


def test_moving_to_an_unknown_group_answers_400(planner_api, summit, people):
    services.run_assignment(summit, rules=NO_BALANCE)

    response = planner_api.patch(
        f"/api/summits/{summit.slug}/assignments/{people[0].public_id}/", {"group": "nowhere"}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {"group": ["No such planning group at this summit."]}


def test_unknown_attendee_answers_404(planner_api, summit, people):
    response = planner_api.patch(
        f"/api/summits/{summit.slug}/assignments/00000000-0000-0000-0000-000000000000/",
        {"group": "jobs"},
        format="json",
    )
    assert response.status_code == 404


@pytest.mark.parametrize(
    "method,path",
    [
        ("get", "assignment/runs/"),
        ("post", "assignment/runs/"),
        ("get", "assignments/"),
        ("post", "assignment/publish/"),
    ],
)
def test_volunteers_facilitators_and_other_summits_planners_are_refused(summit, groups, people, method, path):
    other_summit = SummitFactory()
    clients = [
        staff_client(summit, StaffRole.Role.VOLUNTEER),
        staff_client(summit, StaffRole.Role.FACILITATOR, group=groups[0]),
        staff_client(other_summit, StaffRole.Role.PLANNER),
    ]
    for client in clients:
        response = getattr(client, method)(f"/api/summits/{summit.slug}/{path}", format="json")
        assert response.status_code == 403, client
    anonymous = getattr(APIClient(), method)(f"/api/summits/{summit.slug}/{path}", format="json")
    assert anonymous.status_code in (401, 403)
    assert AssignmentRun.objects.count() == 0


def test_moving_someone_of_another_summit_answers_404(summit, groups, people):
    other = SummitFactory()
    planner = staff_client(other, StaffRole.Role.PLANNER)

    response = planner.patch(
        f"/api/summits/{other.slug}/assignments/{people[0].public_id}/", {"group": "jobs"}, format="json"
    )

    assert response.status_code == 404


def test_unknown_summit_answers_404(planner_api):
    assert planner_api.get("/api/summits/nope/assignment/runs/").status_code == 404


def test_the_schema_builds_with_the_assignment_endpoints(api):
    response = api.get("/api/schema/")
    assert response.status_code == 200
    assert b"/api/summits/{slug}/assignment/runs/" in response.content


# ---------------------------------------------------------------------------------------------
# The planner page (session login)


@pytest.fixture(autouse=True)
def _plain_static_files(settings):
    # Pages link static files; without collectstatic the manifest storage has no entries.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def session(summit, role, group=None):
    user = UserFactory()
    StaffRoleFactory(user=user, summit=summit, role=role, group=group)
    client = Client()
    client.force_login(user)
    return client


def page_url(summit):
    return f"/summits/{summit.slug}/planner/groups/"


def test_planner_page_shows_bars_with_numbers_as_text(summit, people, groups):
    services.run_assignment(summit, rules=NO_BALANCE)
    client = session(summit, StaffRole.Role.PLANNER)

    response = client.get(page_url(summit))

    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="bar"' in html
    assert "2 people (between 0 and 5)" in html
    assert "Resident with lived experience: 2 (100.0%)" in html
    assert "Every rule holds." in html


def test_planner_page_moves_reruns_and_publishes(summit, people, groups, run_tasks):
    services.run_assignment(summit, rules=NO_BALANCE)
    client = session(summit, StaffRole.Role.PLANNER)
    person = people[0]

    client.post(page_url(summit), {"action": "move", "registration": str(person.public_id), "group": "jobs"})
    with run_tasks():
        client.post(page_url(summit), {"action": "run"})
    response = client.post(page_url(summit), {"action": "publish"}, follow=True)

    assert Assignment.objects.get(registration=person).group.slug == "jobs"
    assert Registration.objects.get(pk=person.pk).group.slug == "jobs"
    assert list(AssignmentRun.objects.values_list("status", flat=True)) == ["done", "done"]
    assert "Published: 4 attendees can now see their group." in response.content.decode()


def test_planner_page_shows_a_run_under_way_then_its_figures(summit, people, groups):
    client = session(summit, StaffRole.Role.PLANNER)

    queued = client.post(page_url(summit), {"action": "run"}, follow=True).content.decode()
    run = AssignmentRun.objects.get()
    services.run_queued_assignment(run.pk)  # what the task worker does
    done = client.get(page_url(summit)).content.decode()

    assert run.status == "queued"
    assert "The assignment is running: this page shows its figures when it is done." in queued
    assert '<meta http-equiv="refresh" content="3">' in queued
    assert "Waiting to start" in queued
    assert "Every rule holds." not in queued
    assert '<meta http-equiv="refresh"' not in done
    assert "Every rule holds." in done
    assert "2 people (between 0 and 5)" in done


def test_planner_page_shows_why_a_run_failed(summit, run_tasks):
    RegistrationFactory(summit=summit)  # nobody can be placed: no planning group
    client = session(summit, StaffRole.Role.PLANNER)

    with run_tasks():
        client.post(page_url(summit), {"action": "run"})
    html = client.get(page_url(summit)).content.decode()

    assert AssignmentRun.objects.get().status == "failed"
    assert (
        "The last run failed: There are confirmed attendees but no planning groups: add groups first." in html
    )
    assert '<meta http-equiv="refresh"' not in html


def test_planner_page_refuses_other_roles_and_sends_strangers_to_log_in(summit, groups):
    assert session(summit, StaffRole.Role.VOLUNTEER).get(page_url(summit)).status_code == 403
    assert session(SummitFactory(), StaffRole.Role.PLANNER).get(page_url(summit)).status_code == 403
    response = Client().get(page_url(summit))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_facilitator_downloads_their_own_groups_roster_only(summit, people, groups):
    services.run_assignment(summit, rules=NO_BALANCE)
    services.publish_assignment(summit, by=None)
    client = session(summit, StaffRole.Role.FACILITATOR, group=groups[0])

    own = client.get(f"/summits/{summit.slug}/groups/housing/roster.csv")
    other = client.get(f"/summits/{summit.slug}/groups/jobs/roster.csv")

    assert own.status_code == 200
    assert own["Content-Type"].startswith("text/csv")
    assert "Person0" in own.content.decode()
    assert other.status_code == 403
