"""While the database is unreachable, requests answer 503 with Retry-After (never a 500),
and the same process serves again once it is back: Django reconnects by itself."""

import pytest
from django.db import OperationalError, connection

from registrations.models import Registration

pytestmark = pytest.mark.django_db

BODY = {
    "first_name": "Rosa",
    "email": "rosa@example.org",
    "sector": "resident",
    "ticket_type": "community-resident",
}


@pytest.fixture
def database_down(monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError("connection refused")  # as Django raises it when connecting fails

    # The outside world fails here: the connection to the database, not our code.
    monkeypatch.setattr(connection, "cursor", refuse)
    return monkeypatch


def test_a_registration_during_a_database_outage_answers_503_and_a_retry_after_it_registers(
    summit, api, database_down
):
    response = api.post("/api/summits/sb25/registrations/", BODY, format="json")

    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response.json()["code"] == "service_unavailable"

    database_down.undo()
    retry = api.post("/api/summits/sb25/registrations/", BODY, format="json")
    assert retry.status_code == 201
    assert Registration.objects.filter(email="rosa@example.org").count() == 1


def test_a_page_during_a_database_outage_answers_503(summit, client, database_down):
    response = client.get("/summits/sb25/")

    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "try again" in response.content.decode()
