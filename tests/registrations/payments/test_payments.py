"""registrations.payments: our only door to Stripe."""

import datetime
import json

import pytest

from registrations.models import Payment
from registrations.payments import services as checkout
from registrations.payments import stripe_client as payments
from tests.registrations.payments.conftest import pending_registration


def test_checkout_session_carries_locale_reference_and_no_personal_data(stripe_fake, summit, partner_type):
    registration = pending_registration(summit, partner_type, language="es", email="lucia@example.org")
    payment = checkout.start_checkout(registration)
    create = [r for r in stripe_fake.requests if r["path"] == "/v1/checkout/sessions"][0]
    params = create["params"]
    assert params["locale"] == "es"
    assert params["client_reference_id"] == str(registration.public_id)
    assert params["metadata"] == {
        "registration": str(registration.public_id),
        "amount_due": "4000",
        "currency": "usd",
    }
    assert "lucia" not in json.dumps(params)
    assert registration.first_name not in json.dumps(params)
    assert params["line_items"][0]["price_data"]["unit_amount"] == "4000"
    hold_end = int(registration.hold_expires_at.timestamp())
    assert int(params["expires_at"]) == hold_end + payments.SESSION_EXPIRY_MARGIN
    assert create["idempotency_key"] == payments.checkout_idempotency_key(
        registration, return_urls=(params["success_url"], params["cancel_url"])
    )
    assert create["idempotency_key"].startswith(f"summit-checkout-{registration.public_id}-{hold_end}-")
    assert payment.checkout_url.startswith(stripe_fake.url)
    assert (payment.amount, payment.status) == (partner_type.price, Payment.Status.OPEN)


def test_retrying_checkout_for_the_same_hold_makes_no_second_session(stripe_fake, summit, partner_type):
    registration = pending_registration(summit, partner_type)
    first = checkout.start_checkout(registration)
    again = checkout.start_checkout(registration)
    assert again.pk == first.pk
    assert len(stripe_fake.sessions) == 1
    assert Payment.objects.count() == 1


def test_promo_code_price_is_the_line_item(stripe_fake, summit, partner_type):
    from summit.models import PromoCode

    promo = PromoCode.objects.create(summit=summit, code="HALF", percent_off=50)
    registration = pending_registration(summit, partner_type, promo_code=promo)
    payment = checkout.start_checkout(registration)
    session = stripe_fake.sessions[payment.stripe_session_id]
    assert session["amount_total"] == 2000
    assert str(payment.amount) == "20.00"


def test_no_secret_key_means_payments_unavailable(settings, summit, partner_type):
    settings.STRIPE_SECRET_KEY = ""
    registration = pending_registration(summit, partner_type)
    with pytest.raises(payments.PaymentsUnavailable) as info:
        checkout.start_checkout(registration)
    assert info.value.code == "payments_unavailable"
    assert info.value.status_code == 409


def test_stripe_down_is_reported_as_unreachable(stripe_fake, summit, partner_type):
    stripe_fake.fail_next = [500]
    registration = pending_registration(summit, partner_type)
    with pytest.raises(payments.StripeUnreachable):
        checkout.start_checkout(registration)
    assert Payment.objects.count() == 0


def test_minor_units_round_half_up():
    assert payments.to_minor_units("40", "usd") == 4000
    assert payments.to_minor_units("19.995", "usd") == 2000
    assert payments.to_minor_units("500", "jpy") == 500
    assert str(payments.from_minor_units(4000, "usd")) == "40.00"


def test_verify_webhook_accepts_a_stripe_signed_event(stripe_fake):
    event = stripe_fake.event("checkout.session.expired", {"id": "cs_test_1"})
    payload = stripe_fake.payload(event)
    verified = payments.verify_webhook(payload.encode(), stripe_fake.signature_header(payload))
    assert (verified.id, verified.type, verified.object) == (event["id"], event["type"], {"id": "cs_test_1"})


@pytest.mark.parametrize(
    "case",
    ["wrong_secret", "tampered_body", "stale", "future", "no_header", "garbage_header", "no_v1"],
)
def test_verify_webhook_refuses_bad_signatures(stripe_fake, case):
    event = stripe_fake.event("checkout.session.completed", {"id": "cs_test_1"})
    payload = stripe_fake.payload(event)
    now = stripe_fake.now()
    header = {
        "wrong_secret": stripe_fake.signature_header(payload, secret="whsec_attacker"),
        "tampered_body": stripe_fake.signature_header(payload),
        "stale": stripe_fake.signature_header(payload, timestamp=now - 301),
        "future": stripe_fake.signature_header(payload, timestamp=now + 301),
        "no_header": None,
        "garbage_header": "nonsense",
        "no_v1": f"t={now}",
    }[case]
    if case == "tampered_body":
        payload = payload.replace("cs_test_1", "cs_test_2")
    with pytest.raises(payments.InvalidWebhook):
        payments.verify_webhook(payload.encode(), header)


def test_verify_webhook_accepts_small_clock_skew(stripe_fake):
    event = stripe_fake.event("checkout.session.completed", {"id": "cs_test_1"})
    payload = stripe_fake.payload(event)
    for skew in (-299, 299):
        header = stripe_fake.signature_header(payload, timestamp=stripe_fake.now() + skew)
        assert payments.verify_webhook(payload, header).id == event["id"]


def test_session_dataclass_reads_refunds_from_the_expanded_charge(stripe_fake, paid_hold):
    _registration, payment = paid_hold
    stripe_fake.pay(payment.stripe_session_id, notify=False)
    stripe_fake.refund(payment.stripe_session_id, amount=1000, notify=False)
    session = payments.retrieve_checkout_session(payment.stripe_session_id)
    assert (session.paid, session.amount_refunded, session.fully_refunded) == (True, 1000, False)
    assert session.charge_id.startswith("ch_")
    assert isinstance(session.expires_at, datetime.datetime)
