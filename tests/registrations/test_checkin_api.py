"""The door check-in API as DESIGN.md states it, and who may use it."""

import json

import pytest
from django.urls import reverse

from registrations.badges.codes import badge_code
from registrations.door.services import check_in
from registrations.models import CheckIn, Registration
from summit.models import StaffRole
from tests.conftest import staff_client
from tests.factories import PlanningGroupFactory, RegistrationFactory, SummitFactory

URL = "/api/summits/sb25/checkins/"


@pytest.fixture
def person(summit):
    group = PlanningGroupFactory(summit=summit, name="Housing", room="Room 101")
    return RegistrationFactory(
        summit=summit,
        first_name="Rosa",
        last_name="Parks",
        email="rosa@example.org",
        phone="555-0100",
        organization="Westside Tenants",
        accessibility_needs="step-free access",
        group=group,
    )


def test_ok_answers_201_with_name_group_room_and_attention_flag_only(volunteer_api, person):
    response = volunteer_api.post(URL, {"code": badge_code(person), "device": "North door"}, format="json")

    assert response.status_code == 201
    body = response.json()
    assert body["result"] == "ok"
    assert body["attendee"] == {
        "id": str(person.public_id),
        "name": "Rosa P.",
        "group": "Housing",
        "room": "Room 101",
        "attention": True,
    }
    assert body["device"] == "North door"
    assert body["offline"] is False


def test_second_scan_answers_200_already_checked_in_with_time_and_who(volunteer_api, planner_api, person):
    first = volunteer_api.post(URL, {"code": badge_code(person)}, format="json").json()

    response = planner_api.post(URL, {"code": badge_code(person)}, format="json")

    assert response.status_code == 200
    body = response.json()
    assert body["result"] == "already_checked_in"
    assert body["checked_in_at"] == first["checked_in_at"]
    assert body["by"] == volunteer_api.user.username.split("@")[0]


def test_forged_code_answers_404_unknown(volunteer_api, person):
    response = volunteer_api.post(URL, {"code": "S1-ABCDEFGHIJKLMNOPQRSTUVWXYZ"}, format="json")

    assert response.status_code == 404
    assert response.json() == {"result": "unknown", "detail": "Unknown badge"}


def test_other_summits_code_answers_404_unknown(volunteer_api):
    elsewhere = RegistrationFactory(summit=SummitFactory(slug="elsewhere"))

    response = volunteer_api.post(URL, {"code": badge_code(elsewhere)}, format="json")

    assert response.status_code == 404
    assert response.json()["result"] == "unknown"


@pytest.mark.parametrize(
    ("status", "reason"),
    [
        (Registration.Status.CANCELLED, "cancelled"),
        (Registration.Status.WAITLISTED, "waitlisted"),
        (Registration.Status.PENDING_PAYMENT, "unpaid"),
    ],
)
def test_not_admitted_answers_409_with_reason(volunteer_api, summit, status, reason):
    registration = RegistrationFactory(summit=summit, status=status)

    response = volunteer_api.post(URL, {"code": badge_code(registration)}, format="json")

    assert response.status_code == 409
    assert response.json()["result"] == "not_admitted"
    assert response.json()["reason"] == reason


def test_retry_with_same_nonce_is_answered_the_same(volunteer_api, person):
    payload = {"code": badge_code(person), "nonce": "5f1c"}
    first = volunteer_api.post(URL, payload, format="json")

    retry = volunteer_api.post(URL, payload, format="json")

    assert (first.status_code, retry.status_code) == (201, 201)
    assert retry.json()["checked_in_at"] == first.json()["checked_in_at"]
    assert retry.json()["replayed"] is True
    assert CheckIn.objects.count() == 1


def test_missing_code_answers_400_naming_the_field(volunteer_api):
    response = volunteer_api.post(URL, {"nonce": "x"}, format="json")

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["code"]


@pytest.mark.parametrize("body", ["[1, 2]", '"text"', "{", "null", json.dumps({"code": {"a": 1}})])
def test_junk_bodies_answer_400(volunteer_api, body):
    response = volunteer_api.generic("POST", URL, body, content_type="application/json")

    assert response.status_code == 400


def test_anonymous_gets_401_or_403(api, person):
    response = api.post(URL, {"code": badge_code(person)}, format="json")

    assert response.status_code in (401, 403)
    assert not CheckIn.objects.exists()


@pytest.mark.parametrize("role", [StaffRole.Role.FACILITATOR, StaffRole.Role.NAVIGATOR])
def test_other_roles_get_403(summit, person, role):
    group = PlanningGroupFactory(summit=summit) if role == StaffRole.Role.FACILITATOR else None
    client = staff_client(summit, role, group=group)

    response = client.post(URL, {"code": badge_code(person)}, format="json")

    assert response.status_code == 403
    assert not CheckIn.objects.exists()


def test_volunteer_of_another_summit_gets_403(person):
    other = SummitFactory(slug="elsewhere")
    client = staff_client(other, StaffRole.Role.VOLUNTEER)

    response = client.post(URL, {"code": badge_code(person)}, format="json")

    assert response.status_code == 403


def test_removing_the_volunteer_role_refuses_the_next_scan(volunteer_api, summit, person):
    other = RegistrationFactory(summit=summit)
    assert volunteer_api.post(URL, {"code": badge_code(other)}, format="json").status_code == 201

    StaffRole.objects.filter(user=volunteer_api.user, summit=summit).delete()
    response = volunteer_api.post(URL, {"code": badge_code(person)}, format="json")

    assert response.status_code == 403
    assert not CheckIn.objects.filter(registration=person).exists()


def test_deactivated_account_or_deleted_token_is_refused_on_the_next_scan(volunteer_api, person):
    assert volunteer_api.get(URL + "search/?q=Rosa").status_code == 200

    volunteer_api.user.is_active = False
    volunteer_api.user.save(update_fields=["is_active"])
    deactivated = volunteer_api.post(URL, {"code": badge_code(person)}, format="json")
    volunteer_api.user.is_active = True
    volunteer_api.user.save(update_fields=["is_active"])
    volunteer_api.user.auth_token.delete()
    token_deleted = volunteer_api.post(URL, {"code": badge_code(person)}, format="json")

    assert (deactivated.status_code, token_deleted.status_code) == (401, 401)
    assert not CheckIn.objects.exists()


def test_planner_holding_another_role_too_reaches_the_planner_dashboard(summit):
    client = staff_client(summit, StaffRole.Role.PLANNER)
    StaffRole.objects.create(user=client.user, summit=summit, role=StaffRole.Role.VOLUNTEER)

    assert client.get(URL + "dashboard/").status_code == 200


def test_superuser_without_a_role_may_scan(summit, person):
    client = staff_client(SummitFactory(slug="elsewhere"), StaffRole.Role.VOLUNTEER)
    client.user.is_superuser = True
    client.user.save(update_fields=["is_superuser"])

    assert client.post(URL, {"code": badge_code(person)}, format="json").status_code == 201


def test_bad_token_answers_401_and_unknown_summit_404(api, person):
    api.credentials(HTTP_AUTHORIZATION="Token not-a-token")

    assert api.post(URL, {"code": badge_code(person)}, format="json").status_code == 401
    assert api.post("/api/summits/nope/checkins/", {"code": "x"}, format="json").status_code == 404


def test_unknown_summit_answers_404(volunteer_api):
    response = volunteer_api.post("/api/summits/nope/checkins/", {"code": "x"}, format="json")

    assert response.status_code == 404


def test_batch_upload_of_offline_queue_first_scan_wins_and_flags(volunteer_api, planner_api, person, summit):
    late = RegistrationFactory(summit=summit, first_name="Tom", last_name="Lee")
    check_in(badge_code(person), summit=summit, by=planner_api.user, device="South door")
    scans = [
        {"code": badge_code(person), "nonce": "a", "offline": True, "scanned_at": "2030-01-01T09:00:00Z"},
        {"code": badge_code(late), "nonce": "b", "offline": True},
        {"code": "S1-FORGED", "nonce": "c", "offline": True},
    ]

    response = volunteer_api.post(URL + "batch/", {"scans": scans}, format="json")

    assert response.status_code == 200
    results = response.json()["results"]
    assert [(row["nonce"], row["result"], row.get("flagged", False)) for row in results] == [
        ("a", "already_checked_in", True),
        ("b", "ok", False),
        ("c", "unknown", True),
    ]
    again = volunteer_api.post(URL + "batch/", {"scans": scans}, format="json").json()["results"]
    assert [row["result"] for row in again] == ["already_checked_in", "ok", "unknown"]
    assert CheckIn.objects.count() == 2


def test_batch_refuses_more_than_500_scans(volunteer_api):
    scans = [{"code": "x", "nonce": str(n)} for n in range(501)]

    response = volunteer_api.post(URL + "batch/", {"scans": scans}, format="json")

    assert response.status_code == 400
    assert "scans" in response.json()["errors"]


def test_search_and_one_tap_check_in(volunteer_api, person):
    found = volunteer_api.get(URL + "search/", {"q": "ros"})

    assert found.status_code == 200
    assert found.json() == {
        "results": [
            {
                "id": str(person.public_id),
                "name": "Rosa P.",
                "organization": "Westside Tenants",
                "group": "Housing",
            }
        ]
    }
    tapped = volunteer_api.post(URL + "tap/", {"id": found.json()["results"][0]["id"]}, format="json")
    assert tapped.status_code == 201
    assert tapped.json()["result"] == "ok"


def test_search_with_two_letters_answers_400(volunteer_api):
    response = volunteer_api.get(URL + "search/", {"q": "ro"})

    assert response.status_code == 400
    assert response.json()["code"] == "query_too_short"
    assert list(response.json()["errors"]) == ["q"]


def test_tap_with_bad_id_answers_400(volunteer_api):
    response = volunteer_api.post(URL + "tap/", {"id": "not-a-uuid"}, format="json")

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["id"]


def test_undo_endpoint(volunteer_api, person):
    volunteer_api.post(URL, {"code": badge_code(person)}, format="json")

    response = volunteer_api.post(URL + "undo/", {"id": str(person.public_id)}, format="json")

    assert response.status_code == 200
    assert response.json()["result"] == "undone"
    assert not CheckIn.objects.exists()
    assert volunteer_api.post(URL + "undo/", {}, format="json").json()["code"] == "nothing_to_undo"


def test_stats_count_checked_in_and_expected(volunteer_api, person, summit):
    RegistrationFactory(summit=summit)
    RegistrationFactory(summit=summit, status=Registration.Status.WAITLISTED)
    volunteer_api.post(URL, {"code": badge_code(person)}, format="json")

    response = volunteer_api.get(URL + "stats/")

    assert response.json() == {"checked_in": 1, "expected": 2}


def test_door_list_endpoint(volunteer_api, person, summit):
    response = volunteer_api.get("/api/summits/sb25/door-list/")

    assert response.status_code == 200
    body = response.json()
    assert body["expires_at"] == summit.ends_at.isoformat()
    assert [entry["h"] for entry in body["entries"]] == [person.badge_code_hash]


def test_dashboard_is_for_planners_only(volunteer_api, planner_api, person):
    assert volunteer_api.get(URL + "dashboard/").status_code == 403
    response = planner_api.get(URL + "dashboard/")
    assert response.status_code == 200
    assert response.json()["no_shows"][0]["name"] == "Rosa Parks"


def test_volunteer_sees_no_email_phone_or_needs_anywhere(volunteer_api, person):
    code = badge_code(person)
    bodies = [
        volunteer_api.post(URL, {"code": code}, format="json").content,
        volunteer_api.post(URL, {"code": code}, format="json").content,
        volunteer_api.get(URL + "search/", {"q": "rosa"}).content,
        volunteer_api.get("/api/summits/sb25/door-list/").content,
        volunteer_api.get(URL + "stats/").content,
        volunteer_api.get(reverse("registrations:door-page", args=["sb25"])).content,
    ]
    for body in bodies:
        text = body.decode()
        for secret in ("rosa@example.org", "555-0100", "step-free", "Parks", code):
            assert secret not in text


def test_volunteer_token_cannot_read_registrations_or_planner_endpoints(volunteer_api):
    for url in ("/api/summits/sb25/registrations/", URL + "dashboard/"):
        response = volunteer_api.get(url)
        assert response.status_code in (403, 404, 405)
        assert b"@example.org" not in response.content


def test_schema_documents_the_check_in_endpoints(api):
    response = api.get("/api/schema/", HTTP_ACCEPT="application/json")

    paths = json.loads(response.content)["paths"]
    assert "/api/summits/{slug}/checkins/" in paths
    assert "/api/summits/{slug}/door-list/" in paths
