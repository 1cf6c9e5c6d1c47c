"""POST /webhooks/stripe/: verified first, acted on once, 5xx when we cannot act."""

import pytest
from django.contrib.auth.models import Permission
from django.core import mail
from django.db import OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper

from registrations.models import Payment, Registration, StripeEvent
from registrations.seats import links
from summit.models import StaffRole
from tests.factories import StaffRoleFactory, UserFactory


def test_paid_flow_end_to_end(client, deliver, stripe_fake, paid_hold):
    registration, payment = paid_hold
    # The attendee pays on Stripe's page; Stripe sends checkout.session.completed.
    stripe_fake.pay(payment.stripe_session_id, notify=False)
    response = deliver(stripe_fake.event_for("checkout.session.completed", payment.stripe_session_id))
    assert response.status_code == 200
    assert response.json() == {"received": True, "result": "confirmed"}
    registration.refresh_from_db()
    payment.refresh_from_db()
    assert registration.status == Registration.Status.CONFIRMED
    assert payment.status == Payment.Status.PAID
    assert payment.payment_intent.startswith("pi_")
    assert [m.to for m in mail.outbox] == [["ana@example.org"]]
    # Then the payer lands on the success page: it shows the confirmation from the database.
    page = client.get(f"/r/{links.manage_token(registration)}/paid/?session_id={payment.stripe_session_id}")
    assert page.status_code == 200
    assert "You are registered!" in page.content.decode()
    assert len(mail.outbox) == 1


def test_duplicate_event_answers_200_and_changes_nothing(client, deliver, stripe_fake, paid_hold):
    _registration, payment = paid_hold
    stripe_fake.pay(payment.stripe_session_id, notify=False)
    event = stripe_fake.event_for("checkout.session.completed", payment.stripe_session_id)
    first = deliver(event)
    again = deliver(event)
    assert (first.status_code, again.status_code) == (200, 200)
    assert again.json()["result"] == "duplicate"
    assert StripeEvent.objects.filter(event_id=event["id"]).count() == 1
    assert len(mail.outbox) == 1


def test_event_claiming_payment_for_an_unpaid_session_confirms_nothing(
    client, deliver, stripe_fake, paid_hold
):
    registration, payment = paid_hold
    # A correctly signed event whose snapshot says "paid" while Stripe says the session is open.
    snapshot = stripe_fake.session(payment.stripe_session_id)
    snapshot.update(status="complete", payment_status="paid")
    response = deliver(stripe_fake.event("checkout.session.completed", snapshot))
    assert response.json()["result"] == "waiting"
    registration.refresh_from_db()
    assert registration.status == Registration.Status.PENDING_PAYMENT


@pytest.mark.parametrize("case", ["forged", "tampered", "stale", "future", "unsigned"])
def test_bad_signatures_are_refused_with_400(client, deliver, stripe_fake, paid_hold, case):
    registration, payment = paid_hold
    stripe_fake.pay(payment.stripe_session_id, notify=False)
    event = stripe_fake.event_for("checkout.session.completed", payment.stripe_session_id)
    body = stripe_fake.payload(event)
    now = stripe_fake.now()
    header = {
        "forged": stripe_fake.signature_header(body, secret="whsec_guessed"),
        "tampered": stripe_fake.signature_header(body.replace('"type": "checkout', '"type":  "checkout')),
        "stale": stripe_fake.signature_header(body, timestamp=now - 600),
        "future": stripe_fake.signature_header(body, timestamp=now + 600),
        "unsigned": None,
    }[case]
    extra = {"HTTP_STRIPE_SIGNATURE": header} if header else {}
    response = client.post("/webhooks/stripe/", data=body, content_type="application/json", **extra)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_signature"
    registration.refresh_from_db()
    assert registration.status == Registration.Status.PENDING_PAYMENT
    assert StripeEvent.objects.count() == 0


def test_webhook_answers_503_when_the_database_is_down(client, deliver, stripe_fake, paid_hold, monkeypatch):
    _registration, payment = paid_hold
    stripe_fake.pay(payment.stripe_session_id, notify=False)
    event = stripe_fake.event_for("checkout.session.completed", payment.stripe_session_id)

    def database_down(self, *args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(BaseDatabaseWrapper, "cursor", database_down)
    response = deliver(event)
    monkeypatch.undo()
    assert response.status_code == 503
    # Stripe retries later; that delivery is acted on.
    assert deliver(event).json()["result"] == "confirmed"


def test_webhook_answers_503_when_stripe_is_unreachable_and_acts_on_retry(
    client, deliver, stripe_fake, paid_hold
):
    registration, payment = paid_hold
    stripe_fake.pay(payment.stripe_session_id, notify=False)
    event = stripe_fake.event_for("checkout.session.completed", payment.stripe_session_id)
    stripe_fake.fail_next = [503]
    assert deliver(event).status_code == 503
    assert StripeEvent.objects.count() == 0
    assert deliver(event).status_code == 200
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CONFIRMED


def test_events_we_do_not_use_are_acknowledged(db, deliver, stripe_fake):
    event = stripe_fake.event("customer.created", {"id": "cus_1", "object": "customer"})
    response = deliver(event)
    assert (response.status_code, response.json()["result"]) == (200, "ignored")


def test_sessions_that_are_not_ours_are_acknowledged(db, deliver, stripe_fake):
    from tests.registrations.payments.test_stripe_fake import client as stripe_client
    from tests.registrations.payments.test_stripe_fake import session_params

    session = stripe_client(stripe_fake).v1.checkout.sessions.create(
        session_params(client_reference_id="shop-42")
    )
    stripe_fake.pay(session.id, notify=False)
    response = deliver(stripe_fake.event_for("checkout.session.completed", session.id))
    assert (response.status_code, response.json()["result"]) == (200, "ignored")


def test_webhook_refuses_get(client):
    assert client.get("/webhooks/stripe/").status_code == 405


def test_async_payment_holds_the_seat_until_it_succeeds(client, deliver, stripe_fake, paid_hold):
    registration, payment = paid_hold
    stripe_fake.start_async_payment(payment.stripe_session_id, notify=False)
    event = stripe_fake.event_for("checkout.session.completed", payment.stripe_session_id)
    assert deliver(event).json()["result"] == "processing"
    registration.refresh_from_db()
    assert registration.status == Registration.Status.PENDING_PAYMENT
    stripe_fake.finish_async_payment(payment.stripe_session_id, succeeded=True, notify=False)
    event = stripe_fake.event_for("checkout.session.async_payment_succeeded", payment.stripe_session_id)
    assert deliver(event).json()["result"] == "confirmed"
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CONFIRMED


def test_async_payment_failure_releases_the_seat(client, deliver, stripe_fake, paid_hold):
    registration, payment = paid_hold
    stripe_fake.start_async_payment(payment.stripe_session_id, notify=False)
    stripe_fake.finish_async_payment(payment.stripe_session_id, succeeded=False, notify=False)
    event = stripe_fake.event_for("checkout.session.async_payment_failed", payment.stripe_session_id)
    assert deliver(event).json()["result"] == "failed"
    registration.refresh_from_db()
    payment.refresh_from_db()
    assert (registration.status, payment.status) == (Registration.Status.CANCELLED, Payment.Status.FAILED)


def test_refund_in_stripe_dashboard_is_recorded(client, deliver, stripe_fake, paid_hold):
    registration, payment = paid_hold
    stripe_fake.pay(payment.stripe_session_id, notify=False)
    deliver(stripe_fake.event_for("checkout.session.completed", payment.stripe_session_id))
    stripe_fake.refund(payment.stripe_session_id, notify=False)
    charge = stripe_fake.charge_for(payment.stripe_session_id)
    response = deliver(stripe_fake.event_for("charge.refunded", charge["id"]))
    assert response.json()["result"] == "refunded"
    payment.refresh_from_db()
    assert (payment.status, payment.refund_reason, str(payment.refunded_amount)) == (
        "refunded",
        "external",
        "40.00",
    )


def test_a_cheaper_session_carrying_the_registration_id_is_refunded_not_confirmed(
    client, deliver, stripe_fake, paid_hold
):
    registration, payment = paid_hold  # a $40 ticket, held
    # Someone pays $1 through a payment link of the coalition's Stripe account, giving the held
    # registration's id as the reference.
    cheap = stripe_fake.create_session(amount=100, client_reference_id=str(registration.public_id))
    stripe_fake.pay(cheap["id"], notify=False)
    response = deliver("checkout.session.completed", cheap["id"])
    assert response.json() == {"received": True, "result": "mismatch"}
    registration.refresh_from_db()
    assert registration.status == Registration.Status.PENDING_PAYMENT  # still held, still owing $40
    refused = Payment.objects.get(stripe_session_id=cheap["id"])
    assert (refused.registration, refused.status, refused.refund_reason, str(refused.amount)) == (
        registration,
        "refunded",
        "mismatch",
        "1.00",
    )
    assert stripe_fake.charge_for(cheap["id"])["refunded"] is True
    assert mail.outbox == []
    # Stripe's charge.refunded for our refund, and a replay of the event, change nothing.
    assert (
        deliver("charge.refunded", stripe_fake.charge_for(cheap["id"])["id"]).json()["result"] == "unchanged"
    )
    assert deliver("checkout.session.completed", cheap["id"]).json()["result"] == "unchanged"
    # Planners find it in the admin's payments, by its refund reason.
    planner = UserFactory(is_staff=True)
    StaffRoleFactory(user=planner, summit=registration.summit, role=StaffRole.Role.PLANNER)
    planner.user_permissions.add(Permission.objects.get(codename="view_payment"))
    client.force_login(planner)
    listing = client.get("/admin/registrations/payment/", {"refund_reason__exact": "mismatch"})
    assert list(listing.context["cl"].result_list) == [refused]
    assert "Paid in a session that does not match what the registration owes" in listing.content.decode()
    # The attendee then pays in their own session: that one confirms.
    stripe_fake.pay(payment.stripe_session_id, notify=False)
    assert deliver("checkout.session.completed", payment.stripe_session_id).json()["result"] == "confirmed"


@pytest.mark.parametrize(
    "amount, currency, metadata",
    [
        (4000, "usd", None),  # the full price, in a session Summit did not make
        (3999, "usd", {"amount_due": "4000", "currency": "usd"}),  # Summit's, a cent short
        (4000, "eur", {"amount_due": "4000", "currency": "usd"}),  # the right figure, another currency
        (3999, "usd", {}),  # Summit's, from before the metadata carried the amount: held to the price
    ],
)
def test_a_paid_session_confirms_only_when_summit_made_it_for_what_is_due(
    deliver, stripe_fake, paid_hold, amount, currency, metadata
):
    registration, _payment = paid_hold
    reference = str(registration.public_id)
    if metadata is not None:
        metadata = {"registration": reference, **metadata}
    session = stripe_fake.create_session(
        amount=amount, currency=currency, client_reference_id=reference, metadata=metadata
    )
    stripe_fake.pay(session["id"], notify=False)
    assert deliver("checkout.session.completed", session["id"]).json()["result"] == "mismatch"
    registration.refresh_from_db()
    refused = Payment.objects.get(stripe_session_id=session["id"])
    assert (registration.status, refused.status, refused.refund_reason) == (
        "pending_payment",
        "refunded",
        "mismatch",
    )
