"""Real threads on PostgreSQL: the success return page and the webhook race; promo codes rush."""

from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest
from django.core import mail
from django.db import connection

from registrations.models import Payment, Registration, StripeEvent
from registrations.payments import services as checkout
from registrations.payments import stripe_client as payments
from registrations.seats import services
from summit.errors import DomainError
from summit.models import PromoCode
from tests.factories import SummitFactory, TicketTypeFactory
from tests.registrations.payments.conftest import pending_registration

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="real concurrency needs PostgreSQL (SQLite serializes writers)",
    ),
]


def in_thread(function):
    def run(*args):
        try:
            return function(*args)
        finally:
            connection.close()

    return run


def test_success_return_and_webhooks_racing_confirm_exactly_once(stripe_fake):
    summit = SummitFactory(slug="race", capacity=10)
    ticket = TicketTypeFactory(summit=summit, slug="partner", price=Decimal("40.00"))
    registration = pending_registration(summit, ticket, email="racer@example.org")
    payment = checkout.start_checkout(registration)
    stripe_fake.pay(payment.stripe_session_id, notify=False)
    completed = stripe_fake.event_for("checkout.session.completed", payment.stripe_session_id)
    body = stripe_fake.payload(completed)
    header = stripe_fake.signature_header(body)
    mail.outbox.clear()

    @in_thread
    def attempt(i):
        if i % 2:  # the payer's browser on the success page
            return checkout.confirm_payment(payment.stripe_session_id).result
        return checkout.handle_stripe_event(
            payments.verify_webhook(body, header)
        ).result  # Stripe, twice over

    with ThreadPoolExecutor(max_workers=16) as pool:
        results = list(pool.map(attempt, range(32)))

    assert results.count("confirmed") == 1
    assert set(results) <= {"confirmed", "unchanged", "duplicate"}
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CONFIRMED
    assert Payment.objects.get().status == Payment.Status.PAID
    assert StripeEvent.objects.count() == 1
    assert [m.to for m in mail.outbox] == [["racer@example.org"]]


def test_promo_code_use_limit_holds_under_concurrency(settings):
    settings.STRIPE_SECRET_KEY = ""
    settings.RATE_LIMITS = False
    summit = SummitFactory(slug="promo-rush", capacity=100)
    ticket = TicketTypeFactory(summit=summit, slug="partner", price=Decimal("40.00"))
    promo = PromoCode.objects.create(summit=summit, code="FIVE", percent_off=100, max_uses=5)

    @in_thread
    def register(i):
        data = {"first_name": f"P{i}", "email": f"p{i}@example.org", "sector": "business",
                "ticket_type": ticket, "promo_code": "five"}  # fmt: skip
        try:
            registration, _created = services.register_attendee(summit, data=data)
            return registration.status
        except DomainError as exc:
            return exc.code

    with ThreadPoolExecutor(max_workers=16) as pool:
        results = list(pool.map(register, range(40)))

    assert results.count("confirmed") == 5
    assert results.count("promo_code_used_up") == 35
    promo.refresh_from_db()
    assert promo.uses == 5
    assert Registration.objects.filter(summit=summit, promo_code=promo).count() == 5
