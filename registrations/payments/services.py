"""Paid registrations: Checkout Sessions, confirmation, expired holds, refunds, reconciliation.

Stripe is the source of truth for money. Every path that learns something about a session (the
webhook, the success return page, the hold-expiry task, reconciliation) re-fetches the session
from Stripe and hands it to one function, `apply_session`, which locks the registration and
moves it to the state Stripe's answer implies. Because it only looks at Stripe's current state,
never at what an event claims, duplicated, replayed and reordered events all end in the same
place, and applying it twice changes nothing the second time.

Network calls to Stripe never run inside a database transaction: refunds are recorded as
`refund_pending` first and sent after commit (and retried by `expire_holds` and
`reconcile_payments` if the process dies in between).
"""

import dataclasses
import datetime
import logging
import uuid

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from registrations.models import Payment, Registration, StripeEvent
from registrations.payments import stripe_client as payments
from registrations.seats import links, rules
from registrations.seats.tasks import queue_email
from summit.models import StaffRole
from summit.promo import release_promo_code

logger = logging.getLogger(__name__)

SESSION_EVENTS = {
    "checkout.session.completed",
    "checkout.session.async_payment_succeeded",
    "checkout.session.async_payment_failed",
    "checkout.session.expired",
}
REFUND_EVENTS = {"charge.refunded"}
# A delayed payment method (bank debit) may take days to clear: the seat stays held meanwhile.
PROCESSING_HOLD = datetime.timedelta(days=7)


# -- amounts ---------------------------------------------------------------------------------


def amount_due(registration):
    """What the registration costs after its promo code (a Decimal; 0 = nothing to pay)."""
    ticket_type = registration.ticket_type
    if registration.fee_waived or ticket_type.is_free:
        return ticket_type.price * 0
    if registration.promo_code_id:
        return registration.promo_code.price_for(ticket_type)
    return ticket_type.price


# -- starting a payment ------------------------------------------------------------------------


def _absolute(path):
    return f"{settings.SITE_URL}{path}"


def pay_page_url(registration):
    """Our pay page of the registration, which creates or finds its Checkout Session."""
    return _page_url("payment-pay", registration)


def _page_url(name, registration):
    """A payment page of the registration, under its private link (the signed token is the
    credential: the bare registration id opens nothing)."""
    return _absolute(reverse(f"registrations:{name}", kwargs={"token": links.manage_token(registration)}))


def start_checkout(registration):
    """Create the Checkout Session for a `pending_payment` registration's hold and record it.

    Call after the registration is committed (it makes a network call). Idempotent: called
    again for the same hold it returns the session recorded for it. Returns the Payment. Raises
    payments.StripeUnreachable / StripeRefused; the registration keeps its hold either way, and
    the pay page (`payment-pay`) can try again."""
    recorded = registration.payments.filter(status=Payment.Status.OPEN).exclude(checkout_url="").first()
    if recorded is not None:
        return recorded
    amount = amount_due(registration)
    ticket_type = registration.ticket_type
    with translation.override(registration.language):
        product_name = f"{registration.summit.display_name}: {ticket_type.display_name}"
    session = payments.create_checkout_session(
        registration,
        amount=amount,
        currency=ticket_type.currency,
        product_name=product_name[:250],
        success_url=_page_url("payment-return", registration) + "?session_id={CHECKOUT_SESSION_ID}",
        cancel_url=_page_url("payment-cancelled", registration),
    )
    payment, _created = Payment.objects.get_or_create(
        stripe_session_id=session.id,
        defaults={
            "registration": registration,
            "amount": amount,
            "currency": ticket_type.currency,
            "checkout_url": session.url or "",
            "expires_at": session.expires_at,
        },
    )
    return payment


def _in_callers_transaction():
    # Test cases wrap every test in atomic blocks of their own; those do not hold our locks.
    return any(
        not getattr(block, "_from_testcase", False) for block in transaction.get_connection().atomic_blocks
    )


def begin_checkout(registration):
    """The URL to send a new `pending_payment` registration to: Stripe's page when the session
    can be created now, else our pay page, which creates it (the same one: one idempotency key
    per hold) and redirects. Inside a caller's transaction it never calls Stripe, so no seat lock
    is held across a network call."""
    if not _in_callers_transaction():
        try:
            payment = start_checkout(registration)
        except (payments.StripeUnreachable, payments.StripeRefused, payments.PaymentsUnavailable) as exc:
            logger.warning("Checkout for registration %s deferred to the pay page: %s", registration.pk, exc)
        else:
            if payment.checkout_url:
                return payment.checkout_url
    return pay_page_url(registration)


def checkout_url_for(registration):
    """Where to send the attendee to pay: Stripe's page when the open session is known, else
    our pay page, which creates or finds the session and redirects."""
    payment = registration.payments.filter(status=Payment.Status.OPEN).exclude(checkout_url="").first()
    if payment:
        return payment.checkout_url
    return pay_page_url(registration)


# -- applying Stripe's truth -------------------------------------------------------------------


@dataclasses.dataclass
class Outcome:
    result: str  # confirmed | waiting | processing | expired | failed | refund_started | refunded |
    #              mismatch (paid, not for what is due: refunding) | unchanged | duplicate | ignored
    registration: Registration | None = None
    payment: Payment | None = None
    refund_after_commit: bool = False


def _record_event(event):
    """Insert the event's row; False when it is already there (a duplicate delivery)."""
    if event is None:
        return True
    try:
        with transaction.atomic():
            StripeEvent.objects.create(
                event_id=event.id, type=event.type, object_id=str(event.object.get("id", ""))[:255]
            )
    except IntegrityError:
        return False
    return True


def _payment_for_session(session):
    payment = Payment.objects.filter(stripe_session_id=session.id).first()
    if payment is not None:
        return payment
    # A session we created but never recorded (the process died between Stripe's answer and
    # our commit): adopt it through its opaque client_reference_id. Anyone can put a
    # registration's id in a session of the same Stripe account (a payment link, another
    # integration): such a session is recorded only once it is paid, so its money goes back.
    registration = _registration_by_reference(session.client_reference_id)
    if registration is None or session.amount_total <= 0:
        return None
    if not (session.paid or _made_by_summit_for(session, registration)):
        return None
    payment, _created = Payment.objects.get_or_create(
        stripe_session_id=session.id,
        defaults={
            "registration": registration,
            "amount": payments.from_minor_units(session.amount_total, session.currency),
            "currency": session.currency,
            "checkout_url": session.url or "",
            "expires_at": session.expires_at,
        },
    )
    return payment


def _made_by_summit_for(session, registration):
    """Summit's checkout made this session for this registration (its own metadata says so:
    client_reference_id can be filled in by anyone, metadata only by the account's own code)."""
    return session.metadata.get("registration") == str(registration.public_id)


def _pays_for(session, registration):
    """The session can confirm the registration: made by Summit for it, and paying at least
    what was due, in its currency. What was due is what Summit asked in the session (its
    metadata), so a price changed while someone pays does not undo their payment; sessions made
    before the metadata carried it are held to what is due now."""
    if not _made_by_summit_for(session, registration):
        return False
    currency = (session.metadata.get("currency") or registration.ticket_type.currency).lower()
    due = str(session.metadata.get("amount_due", ""))
    due = int(due) if due.isdigit() else payments.to_minor_units(amount_due(registration), currency)
    return session.currency.lower() == currency and session.amount_total >= due


def _registration_by_reference(reference):
    try:
        return Registration.objects.filter(public_id=uuid.UUID(str(reference))).first()
    except ValueError:  # missing or not a UUID: not one of ours
        return None


def _email_taken_by_another(registration):
    if not registration.email:
        return False
    return (
        Registration.objects.filter(summit_id=registration.summit_id, email__iexact=registration.email)
        .exclude(status=Registration.Status.CANCELLED)
        .exclude(pk=registration.pk)
        .exists()
    )


def _released_by_hold_expiry(registration):
    """A cancelled pending registration was released because its hold ran out (rather than
    cancelled by the attendee) when it was cancelled at or after the hold's end."""
    return bool(
        registration.hold_expires_at
        and registration.cancelled_at
        and registration.cancelled_at >= registration.hold_expires_at
    )


def _confirm(registration, payment, now):
    registration.status = Registration.Status.CONFIRMED
    registration.confirmed_at = now
    registration.cancelled_at = None
    registration.save(update_fields=["status", "confirmed_at", "cancelled_at", "updated_at"])
    queue_email(registration, "confirmed")


def _start_refund(payment, reason, now):
    payment.status = Payment.Status.REFUND_PENDING
    payment.refund_reason = reason
    payment.refund_requested_at = now
    payment.refund_status = "pending"
    payment.save(
        update_fields=["status", "refund_reason", "refund_requested_at", "refund_status", "updated_at"]
    )
    payment_id = payment.pk
    transaction.on_commit(lambda: send_refund(payment_id))


def _release(registration, now):
    """The registration's hold is over unpaid: cancel it, give its promo use back, offer the seat."""
    registration.status = Registration.Status.CANCELLED
    registration.cancelled_at = now
    registration.save(update_fields=["status", "cancelled_at", "updated_at"])
    if registration.promo_code_id:
        release_promo_code(registration.promo_code)
    rules.offer_free_seats(registration.summit, now=now)


def apply_session(session, *, event=None, now=None):
    """Bring our records in line with `session` (a payments.CheckoutSession fetched from Stripe).

    One transaction: records `event` (if given) under its unique id, locks the registration,
    then confirms, releases, refunds or records a refund as Stripe's state implies. Returns an
    Outcome. A duplicate event returns `duplicate` and changes nothing. Side effects after
    commit: confirmation and refund emails, the refund call to Stripe."""
    now = now or timezone.now()
    with transaction.atomic():
        if not _record_event(event):
            return Outcome("duplicate")
        payment = _payment_for_session(session)
        if payment is None:
            return Outcome("ignored")
        # Lock in the registration service's order (summit, then registration): the summit row
        # guards the seat count, the registration row that it is confirmed, released or refunded once.
        rules.lock_summit(payment.registration.summit)
        registration = (
            Registration.objects.select_for_update(of=("self",))
            .select_related("summit", "ticket_type", "promo_code")
            .get(pk=payment.registration_id)
        )
        payment = Payment.objects.select_for_update().get(pk=payment.pk)
        return _apply(session, registration, payment, now)


def _apply(session, registration, payment, now):
    Status, PStatus = Registration.Status, Payment.Status
    if session.paid and not _pays_for(session, registration):
        return _refuse_payment(session, registration, payment, now)
    if session.paid:
        newly_paid = payment.status in (PStatus.OPEN, PStatus.PROCESSING, PStatus.EXPIRED, PStatus.FAILED)
        if newly_paid:
            payment.status = PStatus.PAID
            payment.paid_at = now
        if session.payment_intent:
            payment.payment_intent = session.payment_intent
        payment.checkout_url = ""
        payment.save()
        refund_seen = _apply_refunds(session, payment, now)
        quiet = Outcome(refund_seen or ("confirmed" if newly_paid else "unchanged"), registration, payment)
        if registration.status == Status.CONFIRMED:
            paid_before = registration.payments.filter(paid_at__isnull=False).exclude(pk=payment.pk).exists()
            if newly_paid and paid_before and payment.status == PStatus.PAID:
                _start_refund(payment, Payment.RefundReason.DUPLICATE, now)  # paid twice for one seat
                return Outcome("refund_started", registration, payment)
            return quiet
        if registration.status != Status.PENDING_PAYMENT and not newly_paid:
            return Outcome(refund_seen or "unchanged", registration, payment)  # already settled
        if registration.status == Status.PENDING_PAYMENT:
            _confirm(registration, payment, now)  # the hold keeps its seat until expire_holds releases it
            return Outcome("confirmed", registration, payment)
        if registration.status == Status.CANCELLED and not _released_by_hold_expiry(registration):
            # Paid in a race with the attendee's own cancellation: give the money back.
            if payment.status == PStatus.PAID:
                _start_refund(payment, Payment.RefundReason.CANCELLED, now)
                return Outcome("refund_started", registration, payment)
            return quiet
        return _apply_late_payment(registration, payment, now)

    if session.payment_failed:
        if payment.status in (PStatus.OPEN, PStatus.PROCESSING):
            payment.status = PStatus.FAILED
            payment.save(update_fields=["status", "updated_at"])
        if registration.status == Status.PENDING_PAYMENT and not _other_live_payment(registration, payment):
            _release(registration, now)
            return Outcome("failed", registration, payment)
        return Outcome("unchanged", registration, payment)

    if session.status == "complete":  # delayed payment method: paid later, or failed
        if payment.status == PStatus.OPEN:
            payment.status = PStatus.PROCESSING
            payment.payment_intent = session.payment_intent or ""
            payment.save(update_fields=["status", "payment_intent", "updated_at"])
            if registration.status == Status.PENDING_PAYMENT:
                registration.hold_expires_at = max(registration.hold_expires_at or now, now + PROCESSING_HOLD)
                registration.save(update_fields=["hold_expires_at", "updated_at"])
            return Outcome("processing", registration, payment)
        return Outcome("unchanged", registration, payment)

    if session.status == "expired":
        changed = payment.status in (PStatus.OPEN, PStatus.PROCESSING)
        if changed:
            payment.status = PStatus.EXPIRED
            payment.checkout_url = ""
            payment.save(update_fields=["status", "checkout_url", "updated_at"])
        if registration.status == Status.PENDING_PAYMENT and not _other_live_payment(registration, payment):
            _release(registration, now)
            return Outcome("expired", registration, payment)
        return Outcome("expired" if changed else "unchanged", registration, payment)

    return Outcome("waiting", registration, payment)  # open: the attendee is still paying


def _refuse_payment(session, registration, payment, now):
    """Paid, but not in a session Summit made for this registration, or less than it owes, or
    in another currency: it never confirms anything, and the money goes back in full. The
    registration stays as it is (a hold keeps its seat until it ends)."""
    if not payment.money_received:
        # Received (and given back), not paid for the registration: no paid_at, so nothing that
        # asks "was this registration paid?" counts it.
        payment.status = Payment.Status.PAID
        payment.payment_intent = session.payment_intent or payment.payment_intent
        payment.checkout_url = ""
        payment.save()
        _start_refund(payment, Payment.RefundReason.MISMATCH, now)
        logger.warning(
            "Refunding session %s: it does not pay for registration %s", session.id, registration.pk
        )
        return Outcome("mismatch", registration, payment)
    return Outcome(_apply_refunds(session, payment, now) or "unchanged", registration, payment)


def _apply_late_payment(registration, payment, now):
    """Paid after the hold ended (the seat may have gone to someone else meanwhile): confirm
    when a seat is free, else cancel, refund, and tell the payer and the planners."""
    # The summit row is locked (apply_session): the seat count cannot change under us.
    if _email_taken_by_another(registration):
        # They registered again meanwhile; that registration is the one that counts.
        if payment.status == Payment.Status.PAID:
            _start_refund(payment, Payment.RefundReason.DUPLICATE, now)
        return Outcome("refund_started", registration, payment)
    if rules.has_seat(registration.summit, registration.ticket_type, now=now, excluding=registration):
        _confirm(registration, payment, now)
        return Outcome("confirmed", registration, payment)
    if registration.status != Registration.Status.CANCELLED:
        registration.status = Registration.Status.CANCELLED
        registration.cancelled_at = now
        registration.save(update_fields=["status", "cancelled_at", "updated_at"])
        if registration.promo_code_id:
            release_promo_code(registration.promo_code)
    if payment.status == Payment.Status.PAID:
        _start_refund(payment, Payment.RefundReason.NO_SEAT, now)
    registration_id = registration.pk
    transaction.on_commit(lambda: notify_late_payment_refunded(registration_id))
    return Outcome("refund_started", registration, payment)


def _other_live_payment(registration, payment):
    return (
        registration.payments.exclude(pk=payment.pk)
        .filter(status__in=[Payment.Status.OPEN, Payment.Status.PROCESSING, Payment.Status.PAID])
        .exists()
    )


def _apply_refunds(session, payment, now):
    """Record what Stripe says was refunded. Returns 'refunded' when that changed our record."""
    if session.amount_refunded <= 0:
        return None
    refunded = payments.from_minor_units(session.amount_refunded, session.currency)
    if refunded == payment.refunded_amount and payment.status == Payment.Status.REFUNDED:
        return "unchanged"
    payment.refunded_amount = min(refunded, payment.amount)
    if not payment.refund_reason:
        payment.refund_reason = Payment.RefundReason.EXTERNAL
    if session.fully_refunded:
        payment.status = Payment.Status.REFUNDED
        payment.refund_status = "succeeded"
        payment.refunded_at = payment.refunded_at or now
    payment.save()
    return "refunded"


def confirm_payment(session_id):
    """The one confirmation path, for the webhook and the success return page alike: re-fetch
    the session from Stripe and apply it. Idempotent. Raises payments.StripeUnreachable."""
    return apply_session(payments.retrieve_checkout_session(session_id))


def handle_stripe_event(event):
    """Act on a verified webhook event (payments.WebhookEvent). Returns an Outcome.

    Session events re-fetch their session; `charge.refunded` finds the session of the refunded
    payment. Other event types are recorded and ignored. Raises StripeUnreachable (answer 5xx:
    Stripe retries) and database errors."""
    if StripeEvent.objects.filter(event_id=event.id).exists():
        return Outcome("duplicate")
    session_id = None
    if event.type in SESSION_EVENTS:
        session_id = event.object.get("id")
    elif event.type in REFUND_EVENTS:
        intent = event.object.get("payment_intent")
        if isinstance(intent, dict):
            intent = intent.get("id")
        if intent:
            payment = Payment.objects.filter(payment_intent=intent).first()
            if payment is not None:
                session_id = payment.stripe_session_id
            else:
                found = next(payments.list_checkout_sessions(payment_intent=intent), None)
                session_id = found.id if found else None
    if not session_id:
        with transaction.atomic():
            _record_event(event)
        return Outcome("ignored")
    return apply_session(payments.retrieve_checkout_session(session_id), event=event)


# -- refunds -----------------------------------------------------------------------------------


def refund_key(payment):
    return f"summit-refund-{payment.stripe_session_id}"


def send_refund(payment_id):
    """Ask Stripe to refund a `refund_pending` payment in full (idempotent key per payment) and
    record the answer. Safe to call any number of times. Returns the Payment."""
    payment = Payment.objects.get(pk=payment_id)
    if payment.status != Payment.Status.REFUND_PENDING:
        return payment
    try:
        if not payment.payment_intent:
            session = payments.retrieve_checkout_session(payment.stripe_session_id)
            payment.payment_intent = session.payment_intent or ""
            Payment.objects.filter(pk=payment.pk).update(payment_intent=payment.payment_intent)
        refund = payments.create_refund(
            payment_intent=payment.payment_intent,
            amount=None,
            currency=payment.currency,
            idempotency_key=refund_key(payment),
        )
    except (payments.StripeUnreachable, payments.StripeRefused) as exc:
        logger.warning("Refund of payment %s not sent yet: %s", payment.pk, exc)
        return payment
    with transaction.atomic():
        payment = Payment.objects.select_for_update().get(pk=payment_id)
        if refund is not None:
            payment.refund_id = refund.id
            payment.refund_status = refund.status
        if refund is None or refund.status == "succeeded":
            payment.status = Payment.Status.REFUNDED
            payment.refund_status = "succeeded"
            payment.refunded_amount = payment.amount
            payment.refunded_at = timezone.now()
        payment.save()
    return payment


def refund_on_cancellation(registration, *, now=None):
    """Called by the cancellation service inside its transaction, after the registration is
    cancelled. Before the summit's refund deadline (or, with none set, before the summit starts)
    every payment received is refunded in full; an open session is closed at Stripe.
    Returns the payments being refunded."""
    now = now or timezone.now()
    deadline = registration.summit.refund_deadline or registration.summit.starts_at
    refunding = []
    for payment in registration.payments.select_for_update():
        if payment.status == Payment.Status.PAID and now < deadline:
            _start_refund(payment, Payment.RefundReason.CANCELLED, now)
            refunding.append(payment)
        elif payment.status == Payment.Status.OPEN:
            session_id = payment.stripe_session_id
            transaction.on_commit(lambda session_id=session_id: _close_session(session_id))
    return refunding


def on_registration_cancelled(registration, *, now):
    """Inside the cancellation's transaction (registrations.seats.services.cancel_registration): refunds (before the deadline), closes an
    open session, and gives back a promo code use when nothing was paid."""
    refund_on_cancellation(registration, now=now)
    if registration.promo_code_id and not registration.payments.filter(paid_at__isnull=False).exists():
        release_promo_code(registration.promo_code)


def _close_session(session_id):
    try:
        apply_session(payments.expire_checkout_session(session_id))
    except payments.StripeUnreachable:
        logger.warning("Could not expire session %s yet; expire_holds will retry.", session_id)


def refund_payment(payment, *, reason=Payment.RefundReason.PLANNER, now=None):
    """A planner refunds a payment in full (any time, e.g. after the refund deadline).
    The registration's status is left as it is. Returns the Payment after the attempt."""
    now = now or timezone.now()
    with transaction.atomic():
        payment = Payment.objects.select_for_update().get(pk=payment.pk)
        if payment.status != Payment.Status.PAID:
            return payment
        _start_refund(payment, reason, now)
    return Payment.objects.get(pk=payment.pk)


def retry_refunds():
    """Send every refund still pending (the process may have died after recording it)."""
    sent = 0
    for payment_id in Payment.objects.filter(status=Payment.Status.REFUND_PENDING).values_list(
        "pk", flat=True
    ):
        if send_refund(payment_id).status == Payment.Status.REFUNDED:
            sent += 1
    return sent


# -- holds ---------------------------------------------------------------------------------


@dataclasses.dataclass
class HoldReport:
    released: int = 0
    confirmed: int = 0
    refunded: int = 0
    still_open: int = 0
    errors: int = 0


def expire_holds(*, now=None):
    """Close every payment hold that has run out.

    For each: expire its Checkout Session at Stripe first; release the seat (to the waitlist)
    only once Stripe answers that the session is expired. If the session turns out paid, confirm
    instead (or refund when the seat has gone). Stripe errors leave the hold for the next run."""
    now = now or timezone.now()
    report = HoldReport()
    due = Registration.objects.filter(status=Registration.Status.PENDING_PAYMENT, hold_expires_at__lte=now)
    for registration in due.select_related("summit"):
        live = list(registration.payments.filter(status__in=[Payment.Status.OPEN, Payment.Status.PROCESSING]))
        if not live:
            with transaction.atomic():
                rules.lock_summit(registration.summit)
                locked = Registration.objects.select_for_update().get(pk=registration.pk)
                live_now = locked.payments.filter(
                    status__in=[Payment.Status.OPEN, Payment.Status.PROCESSING, Payment.Status.PAID]
                )
                if locked.status == Registration.Status.PENDING_PAYMENT and not live_now.exists():
                    _release(locked, now)
                    report.released += 1
            continue
        for payment in live:
            try:
                session = payments.expire_checkout_session(payment.stripe_session_id)
            except (payments.StripeUnreachable, payments.StripeRefused) as exc:
                logger.warning("Hold of registration %s not released yet: %s", registration.pk, exc)
                report.errors += 1
                continue
            outcome = apply_session(session, now=now)
            if outcome.result == "expired":
                report.released += 1
            elif outcome.result == "confirmed":
                report.confirmed += 1
            elif outcome.result == "refund_started":
                report.refunded += 1
            else:
                report.still_open += 1
    retry_refunds()
    return report


# -- reconciliation ------------------------------------------------------------------------------


@dataclasses.dataclass
class Mismatch:
    registration: str  # the opaque id
    problem: str
    action: str


def _snapshot(registration_id):
    registration = Registration.objects.get(pk=registration_id)
    return (
        registration.status,
        tuple(registration.payments.order_by("pk").values_list("status", "refund_status", "payment_intent")),
    )


def reconcile_payments(summit, *, now=None):
    """Compare the summit's pending and confirmed registrations with Stripe's sessions, fix
    what Stripe's state settles (unrecorded sessions, missed confirmations, expiries, refunds,
    paid sessions that do not pay for what is due) and report what needs a person (confirmed
    without payment). Returns a list of Mismatch."""
    now = now or timezone.now()
    mismatches = []
    registrations = Registration.objects.filter(summit=summit)
    ours = {str(public_id): pk for public_id, pk in registrations.values_list("public_id", "pk")}
    first = registrations.order_by("created_at").values_list("created_at", flat=True).first()
    seen = set()
    if first is not None:
        since = first - datetime.timedelta(days=1)
        for session in payments.list_checkout_sessions(created_since=since):
            registration_id = ours.get(session.client_reference_id or "")
            if registration_id is None:
                continue
            seen.add(session.id)
            recorded = Payment.objects.filter(stripe_session_id=session.id).exists()
            before = _snapshot(registration_id)
            outcome = apply_session(session, now=now)
            if outcome.result == "ignored":  # another integration's session, unpaid: not ours
                continue
            if outcome.result == "mismatch":
                mismatches.append(
                    Mismatch(session.client_reference_id, "payment_does_not_match", "refund started")
                )
            elif not recorded:
                mismatches.append(
                    Mismatch(
                        session.client_reference_id, "session_not_recorded", f"recorded; {outcome.result}"
                    )
                )
            elif _snapshot(registration_id) != before:
                mismatches.append(
                    Mismatch(
                        session.client_reference_id,
                        f"stripe_says_{session.status}_{session.payment_status}",
                        outcome.result,
                    )  # fmt: skip
                )
    # Sessions Stripe did not list (older than the window): fetch them one by one.
    unseen = Payment.objects.filter(registration__summit=summit).exclude(stripe_session_id__in=seen)
    for payment in unseen.exclude(status__in=[Payment.Status.EXPIRED, Payment.Status.REFUNDED]):
        before = _snapshot(payment.registration_id)
        outcome = apply_session(payments.retrieve_checkout_session(payment.stripe_session_id), now=now)
        if _snapshot(payment.registration_id) != before:
            mismatches.append(Mismatch(str(payment.registration.public_id), "out_of_date", outcome.result))
    for payment in Payment.objects.filter(registration__summit=summit, status=Payment.Status.REFUND_PENDING):
        send_refund(payment.pk)
        mismatches.append(Mismatch(str(payment.registration.public_id), "refund_not_sent", "refund sent"))
    hold_report = expire_holds(now=now)
    if hold_report.released or hold_report.confirmed or hold_report.refunded:
        mismatches.append(
            Mismatch(
                "-",
                "holds_past_their_end",
                f"released {hold_report.released}, confirmed {hold_report.confirmed}, "
                f"refunded {hold_report.refunded}",
            )  # fmt: skip
        )
    confirmed = registrations.filter(status=Registration.Status.CONFIRMED).select_related(
        "ticket_type", "promo_code"
    )
    for registration in confirmed.filter(ticket_type__price__gt=0, fee_waived=False):
        if amount_due(registration) <= 0:
            continue
        if not registration.payments.filter(paid_at__isnull=False).exists():
            mismatches.append(
                Mismatch(
                    str(registration.public_id), "confirmed_without_payment", "reported: needs a planner"
                )
            )
    return mismatches


# -- emails --------------------------------------------------------------------------------------


def _planner_emails(summit):
    emails = set(
        StaffRole.objects.filter(summit=summit, role=StaffRole.Role.PLANNER)
        .exclude(user__email="")
        .values_list("user__email", flat=True)
    )
    if summit.contact_email:
        emails.add(summit.contact_email)
    return sorted(emails)


def notify_late_payment_refunded(registration_id):
    """A payment arrived after its hold ended and no seat was left: tell the payer and the planners."""
    registration = Registration.objects.select_related("summit").get(pk=registration_id)
    summit = registration.summit
    if registration.email:
        with translation.override(registration.language):
            send_mail(
                _("Your payment for %(summit)s is being refunded") % {"summit": summit.display_name},
                _(
                    "Hello %(name)s,\n\nYour payment arrived after the time we could hold your seat, and the "
                    "summit is now full. We are refunding the whole amount to your card; it usually shows "
                    "within 5 to 10 days. We are sorry. You may join the waitlist from the registration page."
                )
                % {"name": registration.display_name},
                None,
                [registration.email],
            )
    planners = _planner_emails(summit)
    if planners:
        with translation.override(settings.LANGUAGE_CODE):
            send_mail(
                _("Late payment refunded at %(summit)s") % {"summit": summit.name},
                _(
                    "A payment for registration %(id)s arrived after its seat hold ended and no seat was "
                    "left, so it is being refunded automatically. See Payments in the admin."
                )
                % {"id": registration.public_id},
                None,
                planners,
            )
