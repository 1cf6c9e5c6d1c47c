"""The NUL check reads forms before any view, and must leave the raw body readable for views
that verify it (Stripe's webhook signs the bytes it sent)."""

from urllib.parse import urlencode

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.test.client import MULTIPART_CONTENT, encode_multipart

from tests.stripe_fake import TEST_WEBHOOK_SECRET

pytestmark = pytest.mark.django_db

BOUNDARY = "summit-test-boundary"


def multipart(fields):
    return encode_multipart(BOUNDARY, fields)


def test_a_multipart_body_to_the_stripe_webhook_is_refused_with_400(settings):
    settings.STRIPE_WEBHOOK_SECRET = TEST_WEBHOOK_SECRET
    stripe = Client()

    response = stripe.post(
        "/webhooks/stripe/",
        data=multipart({"type": "checkout.session.completed", "id": "evt_1"}),
        content_type=f"multipart/form-data; boundary={BOUNDARY}",
        HTTP_STRIPE_SIGNATURE="t=1700000000,v1=00",
    )

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_signature"


def test_a_form_encoded_body_to_the_stripe_webhook_is_refused_with_400(settings):
    settings.STRIPE_WEBHOOK_SECRET = TEST_WEBHOOK_SECRET

    response = Client().post(
        "/webhooks/stripe/",
        data=urlencode({"type": "checkout.session.completed"}),
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_signature"


def test_a_malformed_multipart_body_to_the_webhook_is_a_json_400(settings):
    settings.STRIPE_WEBHOOK_SECRET = TEST_WEBHOOK_SECRET

    response = Client().post(
        "/webhooks/stripe/", data=b"--nope\r\nnot a part", content_type="multipart/form-data; boundary="
    )

    assert response.status_code == 400
    assert response.json()["code"] == "bad_request"


def test_a_multipart_body_too_big_to_keep_gets_the_webhooks_own_answer(settings):
    settings.STRIPE_WEBHOOK_SECRET = TEST_WEBHOOK_SECRET
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    upload = SimpleUploadedFile("event.json", b"x" * 5000, content_type="application/json")

    response = Client().post("/webhooks/stripe/", data={"id": "evt_1", "file": upload})

    assert response.status_code == 400
    assert response.json()["code"] == "too_large"


@pytest.mark.parametrize("content_type", ["multipart", "urlencoded"])
def test_a_form_field_holding_a_nul_is_still_refused_before_the_view(summit, content_type):
    fields = {"first_name": "Ana\x00Lopez", "email": "ana@example.org"}
    if content_type == "multipart":
        response = Client().post("/summits/sb25/", data=fields, content_type=MULTIPART_CONTENT)
    else:
        response = Client().post(
            "/summits/sb25/", data=urlencode(fields), content_type="application/x-www-form-urlencoded"
        )

    assert response.status_code == 400
    assert response.content.decode() == "Please remove control or text-direction characters."
    assert summit.registrations.count() == 0
