import datetime

import pytest
from django.core import mail
from django.core.files.storage import default_storage
from django.test import Client
from django.utils import timezone

from registrations.badges.codes import badge_code, badge_png, find_registration
from registrations.badges.sheets import LAYOUTS, purge_old_badge_sheets, run_badge_sheet_job
from registrations.models import BadgeSheetJob, Registration
from registrations.seats import links
from registrations.seats.emails import build_registration_email
from summit.models import AuditEvent, StaffRole
from tests.conftest import staff_client
from tests.factories import (
    PlanningGroupFactory,
    RegistrationFactory,
    StaffRoleFactory,
    SummitFactory,
    UserFactory,
    confirmed_attendees,
)
from tests.registrations.sheet_reading import decoded_qr_codes, page_count

pytestmark = pytest.mark.django_db

SHEETS = "/api/summits/sb25/badge-sheets/"


@pytest.fixture
def run_tasks(django_capture_on_commit_callbacks):
    """`with run_tasks(): ...` runs the tasks enqueued on commit inside the block, as a real
    commit would (the immediate backend then builds the sheet inline)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def test_a_planner_builds_a_badge_sheet_in_the_background_and_downloads_it(summit, planner_api, run_tasks):
    people = confirmed_attendees(summit, [("Ana", "Cruz"), ("Bo", "Li"), ("Cy", "Abel")])

    with run_tasks():
        response = planner_api.post(SHEETS, {"layout": "letter-6up"}, format="json")

    assert response.status_code == 202
    job = response.json()
    assert (job["total"], job["layout"], job["sort"]) == (3, "letter-6up", "last_name")
    status = planner_api.get(f"{SHEETS}{job['id']}/").json()
    assert (status["status"], status["progress"], status["done"]) == ("done", 100, 3)
    assert status["download_url"] == f"http://testserver{SHEETS}{job['id']}/pdf/"
    download = planner_api.get(status["download_url"])
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["Cache-Control"] == "private, no-store"
    pdf = b"".join(download.streaming_content)
    assert page_count(pdf) == 1
    codes, _count = decoded_qr_codes(pdf, LAYOUTS["letter-6up"])
    assert codes == {i: badge_code(p) for i, p in enumerate(sorted(people, key=lambda p: p.last_name))}
    assert Registration.objects.filter(badge_printed_at__isnull=True).count() == 0
    assert AuditEvent.objects.filter(action="badges.sheet_download", count=3).count() == 1


def test_a_sheet_of_one_group_sorted_by_group_and_only_not_yet_printed(summit, planner_api, run_tasks):
    group = PlanningGroupFactory(summit=summit, slug="housing")
    printed = RegistrationFactory(summit=summit, group=group)
    Registration.objects.filter(pk=printed.pk).update(badge_printed_at="2026-01-01T00:00Z")
    fresh = RegistrationFactory(summit=summit, group=group)
    RegistrationFactory(summit=summit, group=None)

    with run_tasks():
        response = planner_api.post(
            SHEETS,
            {"layout": "label-4x3", "group": "housing", "only_unprinted": True, "sort": "group"},
            format="json",
        )

    assert response.status_code == 202
    assert (response.json()["total"], response.json()["group"]) == (1, "housing")
    pdf = job_pdf(planner_api, response.json()["id"])
    assert decoded_qr_codes(pdf, LAYOUTS["label-4x3"])[0] == {0: badge_code(fresh)}


def test_a_sheet_for_one_person_can_leave_the_printing_record_alone(summit, planner_api, run_tasks):
    person = RegistrationFactory(summit=summit)
    RegistrationFactory(summit=summit)

    with run_tasks():
        response = planner_api.post(
            SHEETS,
            {"layout": "letter-single", "registration": str(person.public_id), "mark_printed": False},
            format="json",
        )

    assert response.json()["total"] == 1
    assert response.json()["registration"] == str(person.public_id)
    person.refresh_from_db()
    assert person.badge_printed_at is None


def job_pdf(client, job_id):
    return b"".join(client.get(f"{SHEETS}{job_id}/pdf/").streaming_content)


@pytest.mark.parametrize(
    ("body", "field", "code"),
    [
        ({"layout": "letter-12up"}, "layout", "invalid"),
        ({"sort": "email"}, "sort", "invalid"),
        ({"group": "nope"}, "group", "unknown_group"),
        ({"registration": "not-a-uuid"}, "registration", "invalid"),
        ({"registration": "00000000-0000-0000-0000-000000000000"}, "registration", "unknown_registration"),
    ],
)
def test_a_bad_choice_is_a_400_naming_the_field(summit, planner_api, body, field, code):
    RegistrationFactory(summit=summit)

    response = planner_api.post(SHEETS, body, format="json")

    assert response.status_code == 400
    assert response.json()["code"] == code
    assert list(response.json()["errors"]) == [field]


def test_nothing_to_print_is_a_409(summit, planner_api):
    RegistrationFactory(summit=summit, status="waitlisted")

    response = planner_api.post(SHEETS, {}, format="json")

    assert response.status_code == 409
    assert response.json()["code"] == "nothing_to_print"
    assert BadgeSheetJob.objects.count() == 0


def test_a_sheet_still_building_cannot_be_downloaded(summit, planner_api):
    RegistrationFactory(summit=summit)
    # Without running on-commit callbacks the task is never enqueued: the job stays queued.
    job_id = planner_api.post(SHEETS, {}, format="json").json()["id"]

    response = planner_api.get(f"{SHEETS}{job_id}/pdf/")

    assert response.status_code == 409
    assert response.json()["code"] == "not_ready"
    assert planner_api.get(f"{SHEETS}{job_id}/").json()["download_url"] is None


def test_volunteers_anonymous_callers_and_other_summits_planners_are_refused(summit, api, run_tasks):
    RegistrationFactory(summit=summit)
    planner = staff_client(summit, StaffRole.Role.PLANNER)
    with run_tasks():
        job_id = planner.post(SHEETS, {}, format="json").json()["id"]
    volunteer = staff_client(summit, StaffRole.Role.VOLUNTEER)
    facilitator = staff_client(summit, StaffRole.Role.FACILITATOR, group=PlanningGroupFactory(summit=summit))
    elsewhere = staff_client(SummitFactory(slug="other"), StaffRole.Role.PLANNER)

    for client in (volunteer, facilitator, elsewhere):
        assert client.post(SHEETS, {}, format="json").status_code == 403
        assert client.get(f"{SHEETS}{job_id}/").status_code == 403
        assert client.get(f"{SHEETS}{job_id}/pdf/").status_code == 403
    assert api.post(SHEETS, {}, format="json").status_code == 401
    assert api.get(f"{SHEETS}{job_id}/pdf/").status_code == 401


def test_another_summits_sheet_is_not_found_through_my_summit(summit, run_tasks):
    other = SummitFactory(slug="other")
    RegistrationFactory(summit=other)
    theirs = staff_client(other, StaffRole.Role.PLANNER)
    with run_tasks():
        job_id = theirs.post("/api/summits/other/badge-sheets/", {}, format="json").json()["id"]
    mine = staff_client(summit, StaffRole.Role.PLANNER)

    assert mine.get(f"{SHEETS}{job_id}/pdf/").status_code == 404


def test_sheets_are_never_served_from_a_public_media_url(summit, planner_api, run_tasks):
    RegistrationFactory(summit=summit)
    with run_tasks():
        planner_api.post(SHEETS, {}, format="json")
    job = BadgeSheetJob.objects.get()

    assert job.file_name.startswith("badge-sheets/sb25/")
    assert Client().get(f"/media/{job.file_name}").status_code == 404


def test_a_planner_reissues_a_lost_badge_and_the_old_code_stops_working(summit, planner_api):
    person = RegistrationFactory(summit=summit)
    old = badge_code(person)

    response = planner_api.post(f"/api/summits/sb25/registrations/{person.public_id}/badge/reissue/")

    assert response.status_code == 200
    assert response.json() == {"id": str(person.public_id), "badge_version": 2}
    person.refresh_from_db()
    assert find_registration(summit, old) is None
    assert find_registration(summit, badge_code(person)) == person
    assert AuditEvent.objects.filter(action="badges.reissue").count() == 1


def test_reissue_is_refused_to_volunteers_and_for_unconfirmed_registrations(
    summit, planner_api, volunteer_api
):
    person = RegistrationFactory(summit=summit)
    waiting = RegistrationFactory(summit=summit, status="waitlisted")

    refused = volunteer_api.post(f"/api/summits/sb25/registrations/{person.public_id}/badge/reissue/")
    unconfirmed = planner_api.post(f"/api/summits/sb25/registrations/{waiting.public_id}/badge/reissue/")

    assert refused.status_code == 403
    assert (unconfirmed.status_code, unconfirmed.json()["code"]) == (409, "not_confirmed")
    person.refresh_from_db()
    assert person.badge_version == 1


def planner_browser(summit):
    user = UserFactory()
    StaffRoleFactory(user=user, summit=summit, role=StaffRole.Role.PLANNER)
    client = Client()
    client.force_login(user)
    return client


def test_the_planner_page_starts_a_sheet_and_offers_its_download(summit, run_tasks):
    RegistrationFactory(summit=summit)
    browser = planner_browser(summit)

    page = browser.get("/summits/sb25/badges/")
    with run_tasks():
        started = browser.post(
            "/summits/sb25/badges/",
            {"selection": "all", "layout": "a4-4up", "sort": "last_name", "mark_printed": "1"},
        )
    job = BadgeSheetJob.objects.get()
    sheet_page = browser.get(started["Location"])
    download = browser.get(f"/summits/sb25/badges/sheets/{job.public_id}/pdf/")

    assert page.status_code == 200
    assert "1 badge not yet printed." in page.content.decode()
    assert started.status_code == 302
    assert started["Location"] == f"/summits/sb25/badges/sheets/{job.public_id}/"
    assert "Download the PDF" in sheet_page.content.decode()
    assert download.status_code == 200
    assert page_count(b"".join(download.streaming_content)) == 1


def test_the_planner_page_names_a_missing_group(summit):
    RegistrationFactory(summit=summit)

    response = planner_browser(summit).post("/summits/sb25/badges/", {"selection": "group", "group": ""})

    assert response.status_code == 400
    assert "Choose a planning group." in response.content.decode()


def test_the_planner_page_is_refused_to_volunteers_and_asks_strangers_to_sign_in(summit):
    user = UserFactory()
    StaffRoleFactory(user=user, summit=summit, role=StaffRole.Role.VOLUNTEER)
    volunteer = Client()
    volunteer.force_login(user)

    assert volunteer.get("/summits/sb25/badges/").status_code == 403
    anonymous = Client().get("/summits/sb25/badges/")
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/accounts/login/")


def test_the_attendee_downloads_the_badge_png_through_the_private_link(summit):
    person = RegistrationFactory(summit=summit)
    waiting = RegistrationFactory(summit=summit, status="waitlisted")

    response = Client().get(f"/r/{links.manage_token(person)}/badge.png")

    assert response.status_code == 200
    assert response.content == badge_png(person)
    assert Client().get(f"/r/{links.manage_token(waiting)}/badge.png").status_code == 404
    assert Client().get("/r/forged-token/badge.png").status_code == 404


def test_the_confirmation_email_carries_the_badge_qr(summit):
    person = RegistrationFactory(summit=summit)

    build_registration_email(person, "confirmed").send()

    [message] = mail.outbox
    [png] = [a for a in message.attachments if a[2] == "image/png"]
    assert png[0] == "badge-sb25.png"
    assert png[1] == badge_png(person)


def test_old_stored_sheets_are_deleted_and_cannot_be_downloaded(summit, planner_api, run_tasks):
    RegistrationFactory(summit=summit)
    with run_tasks():
        job_id = planner_api.post(SHEETS, {}, format="json").json()["id"]
    job = BadgeSheetJob.objects.get()
    BadgeSheetJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - datetime.timedelta(days=3))

    assert purge_old_badge_sheets() == 1

    assert not default_storage.exists(job.file_name)
    response = planner_api.get(f"{SHEETS}{job_id}/pdf/")
    assert (response.status_code, response.json()["code"]) == (410, "expired")


def test_the_admin_action_reissues_the_selected_badges(summit):
    person = RegistrationFactory(summit=summit)
    waiting = RegistrationFactory(summit=summit, status="waitlisted")
    old = badge_code(person)
    admin = UserFactory(is_staff=True, is_superuser=True)
    browser = Client()
    browser.force_login(admin)

    response = browser.post(
        "/admin/registrations/registration/",
        {"action": "reissue_badges", "_selected_action": [person.pk, waiting.pk]},
        follow=True,
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "1 badge reissued; print it again." in page
    assert "1 registration is not confirmed and has no badge." in page
    assert find_registration(summit, old) is None


def test_a_sheet_whose_people_were_all_cancelled_meanwhile_fails_with_a_reason(
    summit, planner_api, run_tasks
):
    person = RegistrationFactory(summit=summit)
    job_id = planner_api.post(SHEETS, {}, format="json").json()["id"]
    Registration.objects.filter(pk=person.pk).update(status="cancelled")

    job = run_badge_sheet_job(BadgeSheetJob.objects.get(public_id=job_id).pk)

    assert (job.status, job.error) == ("failed", "nothing_to_print")
    assert planner_api.get(f"{SHEETS}{job_id}/pdf/").json()["code"] == "not_ready"
