import pytest
from django.db import connection

from tests.factories import PlanningGroupFactory, RegistrationFactory, SummitFactory, TicketTypeFactory

pytestmark = pytest.mark.django_db


def test_public_summit_details_list_ticket_types_groups_and_sectors(api, summit):
    TicketTypeFactory(summit=summit, slug="partner", name="Partner organization", price="40.00")
    TicketTypeFactory(summit=summit, slug="old", name="Retired type", active=False)
    PlanningGroupFactory(
        summit=summit, slug="housing", name="Housing", language="en", pillar="health", max_size=45
    )
    PlanningGroupFactory(summit=summit, slug="vivienda", name="Vivienda", language="es", max_size=30)

    response = api.get("/api/summits/sb25/")

    assert response.status_code == 200
    body = response.json()
    assert body["slug"] == "sb25"
    assert body["name"] == "Santa Barbara Mobility Summit"
    assert body["capacity"] == 350
    assert body["timezone"] == "America/Los_Angeles"
    assert body["registration_open"] is True
    assert [(t["slug"], t["price"], t["currency"]) for t in body["ticket_types"]] == [
        ("community-resident", "0.00", "usd"),
        ("partner", "40.00", "usd"),
    ]
    assert [(g["slug"], g["language"], g["capacity"]) for g in body["groups"]] == [
        ("housing", "en", 45),
        ("vivienda", "es", 30),
    ]
    assert {"value": "resident", "label": "Resident with lived experience"} in body["sectors"]
    assert [s["value"] for s in body["sectors"]][-1] == "undisclosed"


def test_seats_left_counts_only_seat_holding_registrations(api, summit):
    RegistrationFactory.create_batch(3, summit=summit, status="confirmed")
    RegistrationFactory(summit=summit, status="cancelled")
    RegistrationFactory(summit=summit, status="waitlisted")

    body = api.get("/api/summits/sb25/").json()

    assert body["seats_left"] == 347


def test_summit_details_in_spanish_use_the_spanish_names(api, summit):
    summit.name_es = "Cumbre de Movilidad de Santa Bárbara"
    summit.save()

    body = api.get("/api/summits/sb25/", HTTP_ACCEPT_LANGUAGE="es").json()

    assert body["name"] == "Cumbre de Movilidad de Santa Bárbara"
    assert body["ticket_types"][0]["name"] == "Residente de la comunidad"
    assert {"value": "undisclosed", "label": "Prefiero no decirlo"} in body["sectors"]


def test_unknown_summit_answers_json_404_with_a_code(api, db):
    response = api.get("/api/summits/nope/")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_summit_details_take_a_constant_number_of_queries(api, summit, django_assert_max_num_queries):
    for _ in range(8):
        PlanningGroupFactory(summit=summit)
    SummitFactory(slug="other")

    with django_assert_max_num_queries(4):
        api.get("/api/summits/sb25/")


def test_healthz_checks_the_database(client, db):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_healthz_answers_503_when_the_database_is_unreachable(client, db, monkeypatch):
    def refuse(*args, **kwargs):
        raise connection.Database.OperationalError("connection refused")

    # The outside world fails here: the database driver, not our code.
    monkeypatch.setattr(connection, "cursor", refuse)

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["status"] == "error"


def test_openapi_schema_documents_the_contract(api, db):
    response = api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")

    assert response.status_code == 200
    assert "/api/summits/{slug}/" in response.json()["paths"]


def test_home_lists_upcoming_summits_with_their_registration_pages(client, summit):
    html = client.get("/").content.decode()

    assert 'href="/summits/sb25/"' in html


def test_summit_admin_shows_counts_by_status_and_sector_to_its_planner(client, summit):
    from summit.models import StaffRole
    from summit.services import create_staff

    RegistrationFactory.create_batch(2, summit=summit, sector="business")
    RegistrationFactory(summit=summit, sector="resident", status="waitlisted")
    user, _token = create_staff(email="p@example.org", summit=summit, role=StaffRole.Role.PLANNER)
    client.force_login(user)

    html = client.get(f"/admin/summit/summit/{summit.pk}/change/").content.decode()

    assert "<td>confirmed</td><td>2</td>" in html
    assert "<td>waitlisted</td><td>1</td>" in html
    assert "<td>Business</td><td>2</td>" in html


def test_a_planner_sees_only_their_own_summits_in_the_admin(client, summit):
    from summit.models import StaffRole
    from summit.services import create_staff

    other = SummitFactory(slug="elsewhere", name="Elsewhere Summit")
    user, _token = create_staff(email="p@example.org", summit=summit, role=StaffRole.Role.PLANNER)
    client.force_login(user)

    listing = client.get("/admin/summit/summit/").content.decode()

    assert "Santa Barbara Mobility Summit" in listing and "Elsewhere Summit" not in listing
    assert client.get(f"/admin/summit/summit/{other.pk}/change/").status_code in (302, 404)


def test_pages_forbid_inline_script_and_other_origins(client, summit):
    response = client.get("/summits/sb25/")

    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "'unsafe-inline'" not in policy.split("script-src")[1].split(";")[0]
    assert "frame-ancestors 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"


def test_api_docs_are_served_from_our_own_static_files(client, db):
    html = client.get("/api/docs/").content.decode()

    assert "<script src=" in html
    assert "cdn" not in html.lower() and "unpkg" not in html.lower()
