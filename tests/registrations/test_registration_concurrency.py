"""Hundreds try at once when registration opens: nobody gets a seat twice, nobody is lost."""

import json
import time
import urllib.error
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from registrations.models import Registration
from tests.factories import SummitFactory, TicketTypeFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="real concurrency needs PostgreSQL (SQLite serializes writers)",
    ),
]


def post(url, body, headers=None, attempts=5):
    """POST as a careful client does: with an Idempotency-Key, retried when the connection
    drops (the test server's listen queue is short), so a retry can never register twice."""
    headers = {"Content-Type": "application/json", "Idempotency-Key": str(uuid.uuid4()), **(headers or {})}
    for attempt in range(attempts):
        request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST", headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(errors="replace")[:300]
        except (ConnectionError, urllib.error.URLError):
            if attempt == attempts - 1:
                raise
            time.sleep(0.2 * (attempt + 1))


def fire(url, bodies, headers=None, workers=64):
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(lambda body: post(url, body, headers), bodies))


@pytest.fixture
def tight_summit(settings):
    settings.RATE_LIMITS = False
    summit = SummitFactory(slug="rush", capacity=50)
    TicketTypeFactory(summit=summit, slug="community-resident")
    return summit


def body(i, email=None):
    return {
        "first_name": f"P{i}",
        "email": email or f"p{i}@example.org",
        "sector": "resident",
        "ticket_type": "community-resident",
    }


def test_two_hundred_concurrent_registrations_fill_exactly_fifty_seats(live_server, tight_summit):
    url = f"{live_server.url}/api/summits/rush/registrations/"

    results = fire(url, [body(i) for i in range(240)])

    statuses = [code for code, _ in results]
    assert [r for r in results if r[0] != 201] == []
    outcomes = [answer["status"] for _, answer in results]
    assert outcomes.count("confirmed") == 50
    assert outcomes.count("waitlisted") == 190
    assert len(statuses) == 240
    assert Registration.objects.filter(summit=tight_summit, status="confirmed").count() == 50
    assert Registration.objects.filter(summit=tight_summit).count() == 240
    positions = sorted(
        answer["waitlist_position"] for _, answer in results if answer["status"] == "waitlisted"
    )
    assert positions == list(range(1, 191))


def test_concurrent_duplicates_of_one_email_make_one_registration_and_no_error(live_server, tight_summit):
    url = f"{live_server.url}/api/summits/rush/registrations/"

    results = fire(url, [body(i, email="Same@Example.org") for i in range(40)], workers=40)

    assert [r for r in results if r[0] != 201] == []
    assert {answer["status"] for _, answer in results} == {"confirmed"}
    ids = {answer["id"] for _, answer in results}
    assert len(ids) == 40  # each duplicate is answered a fresh id that names no registration
    assert Registration.objects.filter(summit=tight_summit).count() == 1
    assert str(Registration.objects.get(summit=tight_summit).public_id) in ids


def test_concurrent_retries_with_one_idempotency_key_create_one_registration(live_server, tight_summit):
    url = f"{live_server.url}/api/summits/rush/registrations/"

    results = fire(url, [body(1)] * 30, headers={"Idempotency-Key": "retry-1"}, workers=30)

    assert [r for r in results if r[0] != 201] == []
    assert len({answer["id"] for _, answer in results}) == 1
    assert Registration.objects.filter(summit=tight_summit).count() == 1


def test_a_thousand_attempts_from_64_threads_confirm_exactly_350(live_server, settings):
    settings.RATE_LIMITS = False
    summit = SummitFactory(slug="opening", capacity=350)
    TicketTypeFactory(summit=summit, slug="community-resident")
    url = f"{live_server.url}/api/summits/opening/registrations/"

    results = fire(url, [body(i) for i in range(1000)], workers=64)

    assert [r for r in results if r[0] != 201] == []
    assert [answer["status"] for _, answer in results].count("confirmed") == 350
    assert Registration.objects.filter(summit=summit, status="confirmed").count() == 350
    assert Registration.objects.filter(summit=summit, status="waitlisted").count() == 650
