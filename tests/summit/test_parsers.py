"""JSON bodies the API refuses before any field is read: each a 400 with a code, never a 500."""

import pytest

from registrations.models import Registration

pytestmark = pytest.mark.django_db

URL = "/api/summits/sb25/registrations/"


def _registration(extra=""):
    return (
        '{"first_name": "Lupe", "email": "lupe@example.org", "sector": "resident", '
        f'"ticket_type": "community-resident"{extra}}}'
    )


def test_a_body_nested_deeper_than_python_json_can_write_back_is_a_400(api, summit):
    # orjson reads up to 1024 levels; the Idempotency-Key fingerprint (json.dumps) cannot.
    deep = "[" * 950 + "]" * 950

    response = api.generic(
        "POST", URL, _registration(f', "x": {deep}'), "application/json", HTTP_IDEMPOTENCY_KEY="deep-1"
    )

    assert response.status_code == 400
    assert response.json() == {"code": "malformed_json", "detail": "The JSON body is nested too deeply."}
    assert Registration.objects.count() == 0


def test_a_body_twenty_levels_deep_is_read(api, summit):
    nested = "[" * 19 + "]" * 19  # inside the registration object: twenty levels in all

    response = api.generic("POST", URL, _registration(f', "x": {nested}'), "application/json")

    assert response.status_code == 201


@pytest.mark.parametrize("body", [_registration(', "x": "\\ud800"'), _registration(', "\\udfff": 1')])
def test_a_lone_surrogate_escape_is_malformed_json(api, summit, body):
    response = api.generic("POST", URL, body, "application/json")

    assert response.status_code == 400
    assert response.json() == {"code": "malformed_json", "detail": "The request body is not valid JSON."}


def test_an_oversized_body_is_a_400_that_says_so_in_the_clients_language(api, summit, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = _registration(f', "organization": "{"x" * 1000}"')

    response = api.generic("POST", URL, body, "application/json", HTTP_ACCEPT_LANGUAGE="es")

    assert response.status_code == 400
    assert response.json() == {"code": "body_too_large", "detail": "La solicitud es demasiado grande."}


@pytest.mark.parametrize("charset", ["latin-1", "rot13"])
def test_the_body_is_read_as_utf8_whatever_charset_the_client_names(api, summit, charset):
    body = _registration().replace('"Lupe"', '"Lupe Núñez"').encode()

    response = api.generic("POST", URL, body, f"application/json; charset={charset}")

    assert response.status_code == 201
    assert Registration.objects.get().first_name == "Lupe Núñez"
