"""Holds that run out, late payments, refunds on cancellation and by planners, reconciliation."""

import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from registrations.models import Payment, Registration
from registrations.payments import services as checkout
from registrations.seats import rules, services
from summit.models import StaffRole
from tests.factories import RegistrationFactory, StaffRoleFactory, UserFactory
from tests.registrations.payments.conftest import end_hold, pending_registration


def test_expired_hold_is_released_only_after_stripe_expires_the_session(stripe_fake, committed, paid_hold):
    registration, payment = paid_hold
    end_hold(registration)
    assert rules.seats_left(registration.summit) == 349  # still held until Stripe says so
    report = committed(checkout.expire_holds)
    assert report.released == 1
    assert stripe_fake.sessions[payment.stripe_session_id]["status"] == "expired"
    registration.refresh_from_db()
    payment.refresh_from_db()
    assert (registration.status, payment.status) == ("cancelled", "expired")
    assert rules.seats_left(registration.summit) == 350


def test_stripe_unreachable_keeps_the_hold_for_the_next_run(stripe_fake, committed, paid_hold):
    registration, _payment = paid_hold
    end_hold(registration)
    stripe_fake.fail_next = [503]
    assert committed(checkout.expire_holds).errors == 1
    registration.refresh_from_db()
    assert registration.status == Registration.Status.PENDING_PAYMENT
    assert committed(checkout.expire_holds).released == 1


def test_hold_paid_at_the_last_moment_is_confirmed_not_released(stripe_fake, committed, paid_hold):
    registration, payment = paid_hold
    stripe_fake.pay(payment.stripe_session_id, notify=False)  # the webhook is still on its way
    end_hold(registration)
    assert committed(checkout.expire_holds).confirmed == 1
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CONFIRMED


def test_released_seat_is_offered_to_the_waitlist(stripe_fake, committed, summit, partner_type):
    summit.capacity = 1
    summit.save()
    registration = pending_registration(summit, partner_type)
    committed(checkout.start_checkout, registration)
    joined = timezone.now() - datetime.timedelta(hours=1)
    # Created first, so an order by id would wrongly put this later arrival ahead.
    second = RegistrationFactory(
        summit=summit,
        status=Registration.Status.WAITLISTED,
        confirmed_at=None,
        waitlisted_at=joined + datetime.timedelta(minutes=5),
        email="second@example.org",
    )
    first = RegistrationFactory(
        summit=summit,
        status=Registration.Status.WAITLISTED,
        confirmed_at=None,
        waitlisted_at=joined,
        email="first@example.org",
    )
    mail.outbox.clear()

    end_hold(registration)
    committed(checkout.expire_holds)

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, first.offer_expires_at is not None) == ("waitlisted", True)
    assert (second.status, second.offer_expires_at) == ("waitlisted", None)
    offers = [m for m in mail.outbox if m.subject == f"A seat is free for you at {summit.display_name}"]
    assert [m.to for m in offers] == [["first@example.org"]]
    assert "Take my seat" in offers[0].body


def test_late_payment_with_a_free_seat_is_confirmed(stripe_fake, deliver, committed, summit, partner_type):
    registration = pending_registration(summit, partner_type)
    session_id = committed(checkout.start_checkout, registration).stripe_session_id
    Payment.objects.filter(stripe_session_id=session_id).delete()  # crashed before recording it
    end_hold(registration)
    committed(checkout.expire_holds)
    stripe_fake.pay(session_id, notify=False)
    assert deliver("checkout.session.completed", session_id).json()["result"] == "confirmed"
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CONFIRMED


def test_late_payment_without_a_seat_is_refunded_and_people_are_told(
    stripe_fake, deliver, committed, summit, partner_type
):
    summit.capacity = 1
    summit.contact_email = "planners@example.org"
    summit.save()
    registration = pending_registration(summit, partner_type, email="late@example.org")
    session_id = committed(checkout.start_checkout, registration).stripe_session_id
    Payment.objects.filter(stripe_session_id=session_id).delete()
    end_hold(registration)
    committed(checkout.expire_holds)
    RegistrationFactory(summit=summit)  # the seat went to someone else
    mail.outbox.clear()
    stripe_fake.pay(session_id, notify=False)
    assert deliver("checkout.session.completed", session_id).json()["result"] == "refund_started"
    payment = Payment.objects.get(stripe_session_id=session_id)
    assert (payment.status, payment.refund_reason) == ("refunded", "no_seat")
    assert stripe_fake.charge_for(session_id)["refunded"] is True
    assert sorted(tuple(m.to) for m in mail.outbox) == [("late@example.org",), ("planners@example.org",)]
    assert Registration.objects.filter(summit=summit, status="confirmed").count() == 1


def test_cancelling_before_the_deadline_refunds_in_full(stripe_fake, deliver, committed, paid_hold):
    registration, payment = paid_hold
    summit = registration.summit
    summit.refund_deadline = timezone.now() + datetime.timedelta(days=3)
    summit.save()
    stripe_fake.pay(payment.stripe_session_id, notify=False)
    deliver("checkout.session.completed", payment.stripe_session_id)
    committed(services.cancel_registration, registration)
    payment.refresh_from_db()
    assert (payment.status, payment.refund_reason, payment.refund_status) == (
        "refunded",
        "cancelled",
        "succeeded",
    )
    assert payment.refund_id.startswith("re_")
    refund_request = [r for r in stripe_fake.requests if r["path"] == "/v1/refunds"][0]
    assert refund_request["idempotency_key"] == f"summit-refund-{payment.stripe_session_id}"
    # Stripe's charge.refunded event arrives afterwards and changes nothing.
    charge = stripe_fake.charge_for(payment.stripe_session_id)
    assert deliver("charge.refunded", charge["id"]).json()["result"] == "unchanged"
    assert len(stripe_fake.refunds) == 1


def test_cancelling_after_the_deadline_refunds_nothing(stripe_fake, deliver, committed, paid_hold):
    registration, payment = paid_hold
    summit = registration.summit
    summit.refund_deadline = timezone.now() - datetime.timedelta(days=1)
    summit.save()
    stripe_fake.pay(payment.stripe_session_id, notify=False)
    deliver("checkout.session.completed", payment.stripe_session_id)
    committed(services.cancel_registration, registration)
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PAID
    assert stripe_fake.refunds == {}


def test_cancelling_while_paying_closes_the_session(stripe_fake, committed, paid_hold):
    registration, payment = paid_hold
    committed(services.cancel_registration, registration)
    assert stripe_fake.sessions[payment.stripe_session_id]["status"] == "expired"
    payment.refresh_from_db()
    assert payment.status == Payment.Status.EXPIRED


def test_refund_that_stripe_did_not_take_is_retried(stripe_fake, deliver, committed, paid_hold):
    registration, payment = paid_hold
    stripe_fake.pay(payment.stripe_session_id, notify=False)
    deliver("checkout.session.completed", payment.stripe_session_id)
    stripe_fake.fail_next = [500]
    committed(services.cancel_registration, registration)
    payment.refresh_from_db()
    assert payment.status == Payment.Status.REFUND_PENDING
    assert checkout.retry_refunds() == 1
    payment.refresh_from_db()
    assert payment.status == Payment.Status.REFUNDED


def test_planner_refunds_from_admin_after_the_deadline(client, stripe_fake, deliver, committed, paid_hold):
    registration, payment = paid_hold
    stripe_fake.pay(payment.stripe_session_id, notify=False)
    deliver("checkout.session.completed", payment.stripe_session_id)
    user = UserFactory(is_staff=True)
    StaffRoleFactory(user=user, summit=registration.summit, role=StaffRole.Role.PLANNER)
    from django.contrib.auth.models import Permission

    user.user_permissions.add(*Permission.objects.filter(codename__in=["view_payment", "change_payment"]))
    client.force_login(user)
    response = committed(
        client.post,
        "/admin/registrations/payment/",
        {"action": "refund_in_full", "_selected_action": [payment.pk]},
    )
    assert response.status_code == 302
    payment.refresh_from_db()
    assert (payment.status, payment.refund_reason) == ("refunded", "planner")
    listing = client.get("/admin/registrations/payment/").content.decode()
    assert "Refunded" in listing


def test_reconcile_recovers_a_crash_between_stripe_and_our_commit(
    stripe_fake, committed, summit, partner_type
):
    registration = pending_registration(summit, partner_type)
    session_id = committed(checkout.start_checkout, registration).stripe_session_id
    Payment.objects.filter(stripe_session_id=session_id).delete()  # our commit never happened
    stripe_fake.pay(session_id, notify=False)  # and the webhook was lost
    mismatches = committed(checkout.reconcile_payments, summit)
    assert [(m.registration, m.problem, m.action) for m in mismatches] == [
        (str(registration.public_id), "session_not_recorded", "recorded; confirmed")
    ]
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CONFIRMED
    assert committed(checkout.reconcile_payments, summit) == []


def test_reconcile_applies_a_missed_webhook_and_reports_unpaid_confirmations(
    stripe_fake, committed, summit, partner_type, paid_hold
):
    registration, payment = paid_hold
    stripe_fake.pay(payment.stripe_session_id, notify=False)
    unpaid = RegistrationFactory(summit=summit, ticket_type=partner_type)  # confirmed, never paid
    mismatches = committed(checkout.reconcile_payments, summit)
    assert sorted((m.registration, m.problem) for m in mismatches) == sorted(
        [
            (str(registration.public_id), "stripe_says_complete_paid"),
            (str(unpaid.public_id), "confirmed_without_payment"),
        ]
    )


def test_reconcile_payments_command_prints_each_mismatch(stripe_fake, summit, partner_type, capsys):
    RegistrationFactory(summit=summit, ticket_type=partner_type)
    call_command("reconcile_payments", "sb25")
    out = capsys.readouterr().out.splitlines()
    assert out[-1] == "1 mismatch(es): 0 fixed, 1 reported"
    assert out[0].endswith("\tconfirmed_without_payment\treported: needs a planner")


def test_expire_holds_command_reports(stripe_fake, paid_hold, capsys):
    registration, _payment = paid_hold
    end_hold(registration)
    call_command("expire_holds")
    assert capsys.readouterr().out.strip() == "released 1, confirmed 0, refunded 0, still open 0, errors 0"


@pytest.mark.django_db(transaction=True)  # refunds go out as each fix commits, as in the command
def test_reconcile_refunds_and_reports_a_paid_session_that_does_not_match(stripe_fake, paid_hold):
    registration, _payment = paid_hold
    cheap = stripe_fake.create_session(amount=100, client_reference_id=str(registration.public_id))
    stripe_fake.pay(cheap["id"], notify=False)  # and its webhook was lost
    mismatches = checkout.reconcile_payments(registration.summit)
    assert [(m.registration, m.problem, m.action) for m in mismatches] == [
        (str(registration.public_id), "payment_does_not_match", "refund started")
    ]
    registration.refresh_from_db()
    refused = Payment.objects.get(stripe_session_id=cheap["id"])
    assert (registration.status, refused.status, refused.refund_reason) == (
        "pending_payment",
        "refunded",
        "mismatch",
    )
    assert checkout.reconcile_payments(registration.summit) == []
