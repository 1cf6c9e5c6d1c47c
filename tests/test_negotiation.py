"""The API's content negotiation answers exactly as DRF's own, only sooner for the usual request."""

import pytest
from django.http import Http404
from rest_framework.exceptions import NotAcceptable, NotFound
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer, TemplateHTMLRenderer
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from summit.negotiation import JSONFirstNegotiation

ACCEPTS = [
    None,
    "*/*",
    "application/json",
    "application/json; indent=4",
    "text/html",
    "text/html, application/json;q=0.9",
    "application/*",
    "image/png",
    "",
]


def _answer(negotiation, accept, renderers, query=""):
    headers = {"HTTP_ACCEPT": accept} if accept is not None else {}
    request = Request(APIRequestFactory().get(f"/api/x/{query}", **headers))
    try:
        renderer, media_type = negotiation.select_renderer(request, [cls() for cls in renderers])
    except (NotAcceptable, NotFound, Http404) as error:
        return type(error).__name__
    return type(renderer).__name__, media_type


@pytest.mark.parametrize("accept", ACCEPTS)
@pytest.mark.parametrize(
    "renderers", [[JSONRenderer], [JSONRenderer, BrowsableAPIRenderer], [TemplateHTMLRenderer, JSONRenderer]]
)
@pytest.mark.parametrize("query", ["", "?format=json", "?format=api", "?format=xml"])
def test_every_answer_is_drfs_own(accept, renderers, query):
    assert _answer(JSONFirstNegotiation(), accept, renderers, query) == _answer(
        DefaultContentNegotiation(), accept, renderers, query
    )


@pytest.mark.django_db
def test_an_api_client_that_accepts_only_html_is_refused_with_406(summit, api):
    assert api.get(f"/api/summits/{summit.slug}/", HTTP_ACCEPT="text/html").status_code == 406
    answer = api.get(f"/api/summits/{summit.slug}/", HTTP_ACCEPT="*/*")
    assert answer.status_code == 200 and answer["Content-Type"] == "application/json"
