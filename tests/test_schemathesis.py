"""Schemathesis over our OpenAPI schema: every operation, generated inputs (valid and not), with a
planner's token (a volunteer's on the door endpoints), against two summits full of data.

No answer may be a server error, and every error answer of the API is JSON with a stable `code`.
Path parameters point at real objects most of the time (a random slug only ever finds nothing).
SCHEMATHESIS_EXAMPLES sets the examples per operation (bench/bench_trust_schemathesis.py runs more).
"""

import collections
import json
import os

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, Phase
from hypothesis import settings as hypothesis_settings
from rest_framework.authtoken.models import Token

from tests.test_authorization_matrix import write_figures
from tests.trust_world import build_world

EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "25"))
DOOR_PATHS = ("/checkins/", "/door-list/")


def _schema_document():
    document = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(document))


schema = schemathesis.openapi.from_dict(_schema_document())
schema.app = WSGIHandler()

FIGURES = collections.Counter()
FAILURES = []
OPERATIONS = set()


@pytest.fixture(scope="module", autouse=True)
def _report():
    yield
    figures = {
        "operations": len(OPERATIONS),
        "operations_in_schema": sum(1 for _ in schema.get_all_operations()),
        "cases": FIGURES["cases"],
        "server_errors": FIGURES["server_errors"],
        "errors_without_code": FIGURES["errors_without_code"],
        "by_status": {k: v for k, v in FIGURES.items() if k.startswith("status_")},
        "failures": FAILURES[:50],
    }
    write_figures("schemathesis", figures)


@pytest.fixture
def fuzz_world(db, settings):
    settings.RATE_LIMITS = False
    settings.RATELIMIT_ENABLE = False
    settings.ALLOWED_HOSTS = ["*"]
    world = build_world()
    tokens = {
        role: Token.objects.get_or_create(user=world.users[role])[0].key for role in ("planner", "volunteer")
    }
    # Django closes the database connection around each request it serves; the test's transaction
    # lives on that connection, so keep it open as Django's test client does. (After build_world:
    # the test client reconnects these receivers when it is done.)
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield world, tokens
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def _aim(case, world, counter):
    """Point path parameters at the home summit's objects two times in three."""
    params = case.path_parameters or {}
    place = world.home
    if "slug" in params:
        params["slug"] = place.summit.slug
    if counter % 3:
        real = {
            "registration_id": str(place.registrations["A"].public_id),
            "job_id": str(place.job.public_id),
            "run_id": place.run.pk,
            "ticket_slug": place.summit.ticket_types.first().slug,
            "group_slug": place.groups[0].slug,
            "promo_id": place.objects["summit.promocode"],
        }
        for name, value in real.items():
            if name in params:
                params[name] = value


@schema.parametrize()
@hypothesis_settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_no_operation_answers_with_a_server_error(case, fuzz_world):
    world, tokens = fuzz_world
    FIGURES["cases"] += 1
    OPERATIONS.add(case.operation.label)
    _aim(case, world, FIGURES["cases"])
    role = (
        "volunteer"
        if any(part in case.path for part in DOOR_PATHS) and "dashboard" not in case.path
        else "planner"
    )
    headers = {**(case.headers or {}), "Authorization": f"Token {tokens[role]}"}
    response = case.call(headers=headers)
    FIGURES[f"status_{response.status_code}"] += 1
    label = f"{case.method} {case.formatted_path} -> {response.status_code}"
    if response.status_code >= 500:
        FIGURES["server_errors"] += 1
        FAILURES.append(f"{label}: {case.as_curl_command()}")
    elif response.status_code >= 400 and not _has_code(response):
        FIGURES["errors_without_code"] += 1
        FAILURES.append(f"{label} without a JSON code: {response.text[:200]}")
    assert response.status_code < 500, case.as_curl_command()
    if response.status_code >= 400:
        assert _has_code(response), response.text[:300]


def _has_code(response):
    if response.status_code == 405:
        return True  # a method the path does not have: DRF's own JSON answer
    try:
        body = json.loads(response.content)
    except ValueError:
        return False
    return isinstance(body, dict) and isinstance(body.get("code") or body.get("result"), str)
