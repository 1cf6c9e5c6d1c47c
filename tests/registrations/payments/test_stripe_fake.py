"""The fake speaks Stripe's API as stripe-python expects it: these pin the behaviour tests rely on."""

import pytest
import stripe

from tests.stripe_fake import decode_form


def client(fake, key=None):
    return stripe.StripeClient(key or fake.api_key, base_addresses={"api": fake.url}, max_network_retries=0)


def session_params(**overrides):
    params = {
        "mode": "payment",
        "line_items": [
            {
                "quantity": 1,
                "price_data": {"currency": "usd", "unit_amount": 4000, "product_data": {"name": "Pass"}},
            }
        ],
        "success_url": "https://example.org/ok?session_id={CHECKOUT_SESSION_ID}",
        "client_reference_id": "ref-1",
    }
    params.update(overrides)
    return params


def test_decode_form_rebuilds_stripe_nested_params():
    pairs = [
        ("line_items[0][price_data][unit_amount]", "4000"),
        ("line_items[0][quantity]", "1"),
        ("expand[0]", "payment_intent"),
        ("tags[]", "a"),
        ("metadata[registration]", "x"),
    ]
    assert decode_form(pairs) == {
        "line_items": [{"price_data": {"unit_amount": "4000"}, "quantity": "1"}],
        "expand": ["payment_intent"],
        "tags": ["a"],
        "metadata": {"registration": "x"},
    }


def test_session_created_through_the_real_client_has_stripe_shape(stripe_fake):
    session = client(stripe_fake).v1.checkout.sessions.create(session_params(locale="es"))
    assert session.id.startswith("cs_test_")
    assert session.object == "checkout.session"
    assert (session.status, session.payment_status) == ("open", "unpaid")
    assert (session.amount_total, session.currency, session.locale) == (4000, "usd", "es")
    assert session.url == f"{stripe_fake.url}/c/pay/{session.id}"
    assert session.payment_intent is None


def test_same_idempotency_key_returns_the_same_session(stripe_fake):
    sessions = client(stripe_fake).v1.checkout.sessions
    first = sessions.create(session_params(), {"idempotency_key": "k1"})
    again = sessions.create(session_params(), {"idempotency_key": "k1"})
    assert again.id == first.id
    assert len(stripe_fake.sessions) == 1


def test_same_idempotency_key_with_other_params_is_an_idempotency_error(stripe_fake):
    sessions = client(stripe_fake).v1.checkout.sessions
    sessions.create(session_params(), {"idempotency_key": "k1"})
    with pytest.raises(stripe.IdempotencyError):
        sessions.create(session_params(client_reference_id="other"), {"idempotency_key": "k1"})


def test_wrong_api_key_is_refused(stripe_fake):
    with pytest.raises(stripe.AuthenticationError):
        client(stripe_fake, key="sk_test_wrong").v1.checkout.sessions.create(session_params())


def test_unknown_session_is_a_404_invalid_request_error(stripe_fake):
    with pytest.raises(stripe.InvalidRequestError) as info:
        client(stripe_fake).v1.checkout.sessions.retrieve("cs_test_nope")
    assert info.value.http_status == 404
    assert info.value.code == "resource_missing"


def test_expiring_a_paid_session_is_refused(stripe_fake):
    sessions = client(stripe_fake).v1.checkout.sessions
    session = sessions.create(session_params())
    stripe_fake.pay(session.id, notify=False)
    with pytest.raises(stripe.InvalidRequestError) as info:
        sessions.expire(session.id)
    assert info.value.http_status == 400


def test_expires_at_under_30_minutes_is_refused_with_its_param(stripe_fake):
    with pytest.raises(stripe.InvalidRequestError) as info:
        client(stripe_fake).v1.checkout.sessions.create(session_params(expires_at=stripe_fake.now() + 600))
    assert info.value.param == "expires_at"


def test_refund_twice_is_charge_already_refunded(stripe_fake):
    api = client(stripe_fake)
    session = api.v1.checkout.sessions.create(session_params())
    paid = stripe_fake.pay(session.id, notify=False)
    refund = api.v1.refunds.create({"payment_intent": paid["payment_intent"]})
    assert refund.id.startswith("re_")
    assert (refund.status, refund.amount) == ("succeeded", 4000)
    with pytest.raises(stripe.InvalidRequestError) as info:
        api.v1.refunds.create({"payment_intent": paid["payment_intent"]})
    assert info.value.code == "charge_already_refunded"


def test_webhook_signature_is_what_stripe_python_verifies(stripe_fake):
    event = stripe_fake.event("checkout.session.completed", {"id": "cs_test_1", "object": "checkout.session"})
    payload = stripe_fake.payload(event)
    header = stripe_fake.signature_header(payload)
    verified = stripe.Webhook.construct_event(payload, header, stripe_fake.webhook_secret)
    assert verified.id == event["id"]
