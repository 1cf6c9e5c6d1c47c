"""Payment stories whose webhook events can be delivered in any order (used by the tests and by
bench/bench_payments.py). Each story plays what happens at Stripe and in Summit, then says the
state Summit must end in whatever order, and however often, Stripe's events arrive."""

import dataclasses
import datetime
import itertools
from decimal import Decimal

from django.core import mail
from django.db import transaction
from django.utils import timezone

from registrations.models import Payment, Registration, StripeEvent
from registrations.payments import services as checkout
from tests.factories import RegistrationFactory, SummitFactory, TicketTypeFactory

EVENT_KINDS = ("completed", "expired", "refunded")


@dataclasses.dataclass
class Story:
    registration: Registration
    session_id: str
    expected: tuple  # (registration status, payment status, refund reason, refunds made at Stripe)


def _summit(capacity):
    summit = SummitFactory(capacity=capacity)
    paid = TicketTypeFactory(summit=summit, slug="partner", price=Decimal("40.00"))
    return summit, paid


def _hold(summit, ticket_type):
    registration = RegistrationFactory(
        summit=summit,
        ticket_type=ticket_type,
        status=Registration.Status.PENDING_PAYMENT,
        confirmed_at=None,
        hold_expires_at=timezone.now() + datetime.timedelta(minutes=30),
    )
    return registration, checkout.start_checkout(registration)


def _end_hold(registration):
    Registration.objects.filter(pk=registration.pk).update(
        hold_expires_at=timezone.now() - datetime.timedelta(minutes=1)
    )


def cancel(registration):
    """The attendee cancels (what the registration service's cancel does for payments)."""
    with transaction.atomic():
        locked = Registration.objects.select_for_update().get(pk=registration.pk)
        locked.status = Registration.Status.CANCELLED
        locked.cancelled_at = timezone.now()
        locked.save(update_fields=["status", "cancelled_at"])
        checkout.refund_on_cancellation(locked)


def paid(fake, run):
    summit, ticket = _summit(10)
    registration, payment = run(_hold, summit, ticket)
    fake.pay(payment.stripe_session_id, notify=False)
    return Story(registration, payment.stripe_session_id, ("confirmed", "paid", "", 0))


def paid_then_refunded_in_stripe(fake, run):
    summit, ticket = _summit(10)
    registration, payment = run(_hold, summit, ticket)
    fake.pay(payment.stripe_session_id, notify=False)
    fake.refund(payment.stripe_session_id, notify=False)
    return Story(registration, payment.stripe_session_id, ("confirmed", "refunded", "external", 1))


def paid_then_cancelled_before_any_event(fake, run):
    summit, ticket = _summit(10)
    registration, payment = run(_hold, summit, ticket)
    fake.pay(payment.stripe_session_id, notify=False)
    run(cancel, registration)
    return Story(registration, payment.stripe_session_id, ("cancelled", "refunded", "cancelled", 1))


def expired_unpaid(fake, run):
    summit, ticket = _summit(10)
    registration, payment = run(_hold, summit, ticket)
    _end_hold(registration)
    run(checkout.expire_holds)
    return Story(registration, payment.stripe_session_id, ("cancelled", "expired", "", 0))


def _hold_lost_in_a_crash(summit, ticket):
    """The session was created at Stripe but the process died before recording it."""
    registration, payment = _hold(summit, ticket)
    session_id = payment.stripe_session_id
    payment.delete()
    return registration, session_id


def late_payment_no_seat_left(fake, run):
    summit, ticket = _summit(1)
    registration, session_id = run(_hold_lost_in_a_crash, summit, ticket)
    _end_hold(registration)
    run(checkout.expire_holds)  # knows no session, so releases the seat
    RegistrationFactory(summit=summit, ticket_type=ticket)  # someone takes the released seat
    fake.pay(session_id, notify=False)
    return Story(registration, session_id, ("cancelled", "refunded", "no_seat", 1))


def late_payment_seat_free(fake, run):
    summit, ticket = _summit(2)
    registration, session_id = run(_hold_lost_in_a_crash, summit, ticket)
    _end_hold(registration)
    run(checkout.expire_holds)
    fake.pay(session_id, notify=False)
    return Story(registration, session_id, ("confirmed", "paid", "", 0))


STORIES = [
    paid,
    paid_then_refunded_in_stripe,
    paid_then_cancelled_before_any_event,
    expired_unpaid,
    late_payment_no_seat_left,
    late_payment_seat_free,
]


def events_for(fake, session_id):
    """One event of each kind for this session. Their snapshots are what Stripe would have sent
    at some point; Summit must not trust them (it re-fetches), so they may disagree with the end state."""
    session = fake.session(session_id)
    if session["payment_intent"]:
        charge = fake.charge_for(session_id)
    else:
        charge = {
            "id": "ch_unknown",
            "object": "charge",
            "payment_intent": "pi_unknown",
            "amount_refunded": 0,
        }
    return {
        "completed": fake.event("checkout.session.completed", {**session, "status": "complete"}),
        "expired": fake.event("checkout.session.expired", {**session, "status": "expired"}),
        "refunded": fake.event("charge.refunded", charge),
    }


def final_state(story, fake):
    registration = Registration.objects.get(pk=story.registration.pk)
    payment = Payment.objects.get(stripe_session_id=story.session_id)
    intent = payment.payment_intent
    refunds = sum(1 for refund in fake.refunds.values() if intent and refund["payment_intent"] == intent)
    return (registration.status, payment.status, payment.refund_reason, refunds)


def side_effects(story, fake):
    """Everything a duplicate must not change: state, refunds at Stripe, emails, event rows."""
    return (final_state(story, fake), len(mail.outbox), StripeEvent.objects.count())


def orders():
    return list(itertools.permutations(EVENT_KINDS))
