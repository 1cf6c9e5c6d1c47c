"""Pages around Stripe Checkout (pay, return, cancelled) and Stripe's webhook endpoint."""

import logging

from django.core.exceptions import RequestDataTooBig
from django.db import DatabaseError
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from registrations.models import Payment, Registration
from registrations.payments import services as checkout
from registrations.payments import stripe_client as payments
from registrations.seats import links
from registrations.seats.language import activate_attendee_language

logger = logging.getLogger(__name__)


def _registration(request, token):
    """The registration whose private link this is; 404 for anything else (a bare registration
    id, a forged or revoked link), so these pages greet nobody without the link."""
    registration = links.registration_from_token(token)
    if registration is None:
        raise Http404
    activate_attendee_language(request, registration)
    return registration


def _status_page(request, registration, *, state=None, status=200):
    payment = registration.payments.first()
    context = {
        "summit": registration.summit,
        "registration": registration,
        "payment": payment,
        "state": state or registration.status,
        "pay_url": checkout.checkout_url_for(registration),
        "hold_until": registration.hold_expires_at
        and timezone.localtime(registration.hold_expires_at, registration.summit.tz),
    }
    return render(request, "registrations/payment_status.html", context, status=status)


@never_cache
@require_GET
def pay(request, token):
    """Send the attendee to Stripe's payment page for their hold (creating the session if the
    first attempt did not reach Stripe)."""
    registration = _registration(request, token)
    if registration.status != Registration.Status.PENDING_PAYMENT:
        return _status_page(request, registration)
    open_payment = registration.payments.filter(status=Payment.Status.OPEN).exclude(checkout_url="").first()
    if open_payment:
        return redirect(open_payment.checkout_url)
    try:
        payment = checkout.start_checkout(registration)
    except (payments.StripeUnreachable, payments.StripeRefused, payments.PaymentsUnavailable) as exc:
        logger.warning("Could not start checkout for %s: %s", registration.pk, exc)
        return _status_page(request, registration, state="provider_unavailable", status=503)
    if payment.checkout_url:
        return redirect(payment.checkout_url)
    return _status_page(request, registration)


@never_cache
@require_GET
def payment_return(request, token):
    """Stripe sends the payer here after paying. Confirms through the same service as the webhook
    (whichever comes first wins; the other changes nothing), then shows what the database says."""
    registration = _registration(request, token)
    session_id = request.GET.get("session_id", "")[:255]
    if registration.status == Registration.Status.PENDING_PAYMENT and session_id:
        if registration.payments.filter(stripe_session_id=session_id).exists():
            try:
                checkout.confirm_payment(session_id)
            except (payments.StripeUnreachable, payments.PaymentsUnavailable) as exc:
                logger.info("Confirmation of %s left to the webhook: %s", registration.pk, exc)
        registration.refresh_from_db()
    state = "confirming" if registration.status == Registration.Status.PENDING_PAYMENT else None
    return _status_page(request, registration, state=state)


@never_cache
@require_GET
def payment_cancelled(request, token):
    """The payer left Stripe's page without paying: their seat stays held until the hold ends."""
    registration = _registration(request, token)
    state = "not_paid" if registration.status == Registration.Status.PENDING_PAYMENT else None
    return _status_page(request, registration, state=state)


@csrf_exempt
@require_POST
def stripe_webhook(request):
    """Stripe's webhook: verify the signature over the raw body first, then act once per event.

    400: bad signature (forged, tampered, stale, future) or not an event. 200: acted on, or a
    duplicate, or an event we do not use. 503: the database or Stripe is unreachable, so Stripe
    retries later."""
    try:
        body = request.body
    except RequestDataTooBig:
        return JsonResponse({"code": "too_large", "detail": "Body too large."}, status=400)
    try:
        event = payments.verify_webhook(body, request.headers.get("Stripe-Signature"))
    except payments.InvalidWebhook as exc:
        return JsonResponse({"code": "invalid_signature", "detail": str(exc)}, status=400)
    try:
        outcome = checkout.handle_stripe_event(event)
    except DatabaseError:
        logger.exception("Database unavailable while handling Stripe event %s", event.id)
        return JsonResponse({"code": "database_unavailable", "detail": "Try again later."}, status=503)
    except (payments.StripeUnreachable, payments.PaymentsUnavailable) as exc:
        logger.warning("Stripe unreachable while handling event %s: %s", event.id, exc)
        return JsonResponse({"code": "stripe_unreachable", "detail": "Try again later."}, status=503)
    return JsonResponse({"received": True, "result": outcome.result})
