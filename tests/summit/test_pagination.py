"""Paginated lists take any `?limit=` and `?offset=`: a huge one is capped or answers an empty
page, never a 500 (a number beyond a bigint cannot reach the database)."""

import pytest
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from summit.pagination import Pagination
from tests.factories import RegistrationFactory

REGISTRATIONS = "/api/summits/sb25/registrations/"
BEYOND_BIGINT = "99999999999999999999"


@pytest.mark.django_db
def test_a_limit_beyond_a_bigint_is_capped(planner_api, summit):
    RegistrationFactory.create_batch(3, summit=summit)

    response = planner_api.get(REGISTRATIONS, {"limit": BEYOND_BIGINT})

    assert response.status_code == 200
    assert response.json()["count"] == 3
    assert len(response.json()["results"]) == 3


@pytest.mark.django_db
def test_an_offset_beyond_a_bigint_answers_an_empty_page(planner_api, summit):
    RegistrationFactory.create_batch(3, summit=summit)

    response = planner_api.get(REGISTRATIONS, {"offset": BEYOND_BIGINT, "limit": BEYOND_BIGINT})

    assert response.status_code == 200
    assert (response.json()["count"], response.json()["results"]) == (3, [])


def test_the_largest_page_is_a_thousand_rows():
    for asked, given in ((BEYOND_BIGINT, 1000), ("1001", 1000), ("250", 250), ("-3", 100), ("x", 100)):
        request = Request(APIRequestFactory().get("/", {"limit": asked}))

        assert Pagination().get_limit(request) == given
