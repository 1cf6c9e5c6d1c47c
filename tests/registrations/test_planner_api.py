"""Planners watch registrations and export them; nobody else can."""

import csv
import io

import pytest

from registrations.models import Registration
from summit.models import AuditEvent, StaffRole
from tests.conftest import staff_client
from tests.factories import (
    GroupPreferenceFactory,
    PlanningGroupFactory,
    RegistrationFactory,
    SummitFactory,
    TicketTypeFactory,
    personal_canaries,
)

pytestmark = pytest.mark.django_db

URL = "/api/summits/sb25/registrations/"


def test_planner_lists_registrations_with_the_contract_fields(planner_api, summit):
    group = PlanningGroupFactory(summit=summit, slug="housing")
    registration = RegistrationFactory(summit=summit, first_name="Ana", sector="government", group=group)
    GroupPreferenceFactory(registration=registration, group=group, rank=1)

    response = planner_api.get(URL)

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1 and body["next"] is None
    result = body["results"][0]
    assert {k: result[k] for k in ("id", "first_name", "sector", "status", "group_preferences", "group")} == {
        "id": str(registration.public_id),
        "first_name": "Ana",
        "sector": "government",
        "status": "confirmed",
        "group_preferences": ["housing"],
        "group": "housing",
    }
    assert {"last_name", "email", "organization", "language", "checked_in_at"} <= set(result)


def test_filters_by_status_sector_ticket_type_and_group(planner_api, summit):
    partner = TicketTypeFactory(summit=summit, slug="partner")
    group = PlanningGroupFactory(summit=summit, slug="jobs")
    RegistrationFactory(summit=summit, sector="resident")
    RegistrationFactory(summit=summit, sector="business", ticket_type=partner, group=group)
    RegistrationFactory(summit=summit, sector="business", status="waitlisted")

    def count(query):
        return planner_api.get(URL + query).json()["count"]

    assert count("?status=waitlisted") == 1
    assert count("?sector=business") == 2
    assert count("?ticket_type=partner") == 1
    assert count("?group=jobs") == 1
    assert planner_api.get(URL + "?status=bogus").status_code == 400


def test_list_is_paginated(planner_api, summit):
    RegistrationFactory.create_batch(5, summit=summit)

    body = planner_api.get(URL + "?limit=2").json()

    assert body["count"] == 5 and len(body["results"]) == 2 and body["next"]


def test_listing_takes_a_constant_number_of_queries(planner_api, summit, django_assert_max_num_queries):
    group = PlanningGroupFactory(summit=summit)
    for registration in RegistrationFactory.create_batch(30, summit=summit, group=group):
        GroupPreferenceFactory(registration=registration, group=group)

    with django_assert_max_num_queries(8):
        planner_api.get(URL)


@pytest.mark.parametrize("role", [StaffRole.Role.VOLUNTEER, StaffRole.Role.FACILITATOR, None])
def test_only_planners_of_this_summit_may_list(api, summit, role):
    group = PlanningGroupFactory(summit=summit) if role == StaffRole.Role.FACILITATOR else None
    client = staff_client(summit, role, group=group) if role else api

    assert client.get(URL).status_code in (401, 403)
    assert client.get(URL + "export.csv").status_code in (401, 403)


def test_planner_of_another_summit_sees_nothing_here(summit):
    other_planner = staff_client(SummitFactory(slug="other"), StaffRole.Role.PLANNER)

    assert other_planner.get(URL).status_code == 403


def test_csv_export_is_audit_logged_and_safe_in_spreadsheets(planner_api, summit):
    RegistrationFactory(summit=summit, first_name='=HYPERLINK("http://evil")', organization="+1 Org")

    response = planner_api.get(URL + "export.csv?status=confirmed")

    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0]["first_name"] == '\'=HYPERLINK("http://evil")'
    assert rows[0]["organization"] == "'+1 Org"
    event = AuditEvent.objects.get()
    assert (event.action, event.count, event.user, event.summit) == (
        "registrations.export_csv",
        1,
        planner_api.user,
        summit,
    )
    assert "HYPERLINK" not in event.detail


def test_csv_export_has_every_profile_field_in_its_own_column(planner_api, summit):
    group = PlanningGroupFactory(summit=summit, slug="housing")
    canaries = personal_canaries()
    registration = RegistrationFactory(
        summit=summit, sector="government", language="es", share_with_group=True, group=group, **canaries
    )
    GroupPreferenceFactory(registration=registration, group=group, rank=1)

    response = planner_api.get(URL + "export.csv")

    [row] = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert {name: row[name] for name in Registration.PROFILE_FIELDS} == {
        **canaries,
        "sector": "government",
        "language": "es",
        "share_with_group": "True",
        "photo_consent": "False",
    }
    assert (row["id"], row["status"], row["preference_1"], row["preference_2"], row["group"]) == (
        str(registration.public_id),
        "confirmed",
        "housing",
        "",
        "housing",
    )
