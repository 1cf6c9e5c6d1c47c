"""Stripe, behind one module: the only place that imports `stripe`.

It speaks to Stripe (or a Stripe-compatible server at STRIPE_API_BASE) through stripe-python's
StripeClient and hands back plain dataclasses, so the rest of Summit never sees a Stripe object.
Every call that creates something carries an idempotency key derived from our own data, so a
retry (ours, or stripe-python's network retries) never creates a second session or refund.
"""

import dataclasses
import datetime
import hashlib
import time
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from summit.errors import DomainError

WEBHOOK_TOLERANCE = 300  # seconds, either side of now
# Stripe wants a session's expires_at at least 30 minutes after the session is created. The hold
# starts a moment before the session exists, so the session outlives the hold by this margin;
# `expire_holds` closes the session at Stripe when the hold ends, so nobody can pay in it.
SESSION_EXPIRY_MARGIN = 120
ZERO_DECIMAL_CURRENCIES = {"bif", "clp", "djf", "gnf", "jpy", "kmf", "krw", "mga", "pyg", "rwf",
                           "ugx", "vnd", "vuv", "xaf", "xof", "xpf"}  # fmt: skip
CHECKOUT_LOCALES = {"en": "en", "es": "es"}


class PaymentsUnavailable(DomainError):
    def __init__(self):
        super().__init__(
            "payments_unavailable",
            _(
                "Card payments are not available right now, so paid ticket types cannot be chosen. "
                "Please choose a free ticket type or try again later."
            ),  # fmt: skip
            field="ticket_type",
            status_code=409,
        )


class StripeUnreachable(Exception):
    """Stripe did not answer (network, outage, 5xx). Safe to retry: every write is idempotent."""


class StripeRefused(Exception):
    """Stripe answered with a 4xx error (e.g. expiring a session that is already complete)."""

    def __init__(self, message, *, code=None, status=None):
        super().__init__(message)
        self.code = code
        self.status = status


class InvalidWebhook(Exception):
    """The webhook's signature is missing, forged, tampered with, stale or from the future."""


@dataclasses.dataclass(frozen=True)
class CheckoutSession:
    id: str
    status: str  # open | complete | expired
    payment_status: str  # unpaid | paid | no_payment_required
    amount_total: int  # minor units
    currency: str
    client_reference_id: str | None
    url: str | None
    expires_at: datetime.datetime | None
    payment_intent: str | None
    payment_intent_status: str | None = None  # succeeded | processing | requires_payment_method ...
    charge_id: str | None = None
    amount_refunded: int = 0
    locale: str | None = None
    # Set by the session's creator; Summit's are described in create_checkout_session.
    metadata: dict = dataclasses.field(default_factory=dict)

    @property
    def paid(self):
        return self.status == "complete" and self.payment_status in ("paid", "no_payment_required")

    @property
    def payment_failed(self):
        """A delayed payment method (bank debit) that completed the session and then failed."""
        return (
            self.status == "complete"
            and self.payment_status == "unpaid"
            and self.payment_intent_status in ("requires_payment_method", "canceled")
        )

    @property
    def fully_refunded(self):
        return self.paid and self.amount_total > 0 and self.amount_refunded >= self.amount_total


@dataclasses.dataclass(frozen=True)
class Refund:
    id: str
    status: str  # pending | requires_action | succeeded | failed | canceled
    amount: int
    currency: str
    payment_intent: str | None


@dataclasses.dataclass(frozen=True)
class WebhookEvent:
    id: str
    type: str
    created: int
    object: dict  # data.object, as plain JSON


def payments_enabled():
    return bool(settings.STRIPE_SECRET_KEY)


def require_payments():
    if not payments_enabled():
        raise PaymentsUnavailable()


def to_minor_units(amount, currency):
    """Decimal amount -> the integer Stripe expects (cents for USD)."""
    exponent = 0 if currency.lower() in ZERO_DECIMAL_CURRENCIES else 2
    return int((Decimal(amount) * (10**exponent)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def from_minor_units(amount, currency):
    exponent = 0 if currency.lower() in ZERO_DECIMAL_CURRENCIES else 2
    return (Decimal(amount) / (10**exponent)).quantize(Decimal("0.01"))


def _client():
    import stripe

    require_payments()
    base = {"api": settings.STRIPE_API_BASE.rstrip("/")} if settings.STRIPE_API_BASE else None
    return stripe.StripeClient(
        settings.STRIPE_SECRET_KEY,
        base_addresses=base,
        max_network_retries=getattr(settings, "STRIPE_MAX_NETWORK_RETRIES", 2),
    )


def _call(function, *args, **kwargs):
    """Run one Stripe call, turning stripe-python's errors into ours."""
    import stripe

    try:
        return function(*args, **kwargs)
    except (stripe.APIConnectionError, stripe.RateLimitError) as exc:
        raise StripeUnreachable(str(exc)) from exc
    except stripe.AuthenticationError as exc:
        raise StripeUnreachable(f"Stripe refused our API key: {exc.user_message}") from exc
    except stripe.StripeError as exc:
        status = exc.http_status or 0
        if status >= 500 or status == 0:
            raise StripeUnreachable(str(exc)) from exc
        raise StripeRefused(exc.user_message or str(exc), code=exc.code, status=status) from exc


def _timestamp(value):
    return datetime.datetime.fromtimestamp(value, tz=datetime.UTC) if value else None


def _session(obj):
    data = obj.to_dict() if hasattr(obj, "to_dict") else dict(obj)
    intent = data.get("payment_intent")
    intent_status = charge_id = None
    refunded = 0
    if isinstance(intent, dict):
        intent_status = intent.get("status")
        charge = intent.get("latest_charge")
        if isinstance(charge, dict):
            charge_id = charge.get("id")
            refunded = charge.get("amount_refunded") or 0
        else:
            charge_id = charge
        intent = intent.get("id")
    return CheckoutSession(
        id=data["id"],
        status=data.get("status") or "open",
        payment_status=data.get("payment_status") or "unpaid",
        amount_total=data.get("amount_total") or 0,
        currency=data.get("currency") or "",
        client_reference_id=data.get("client_reference_id"),
        url=data.get("url"),
        expires_at=_timestamp(data.get("expires_at")),
        payment_intent=intent,
        payment_intent_status=intent_status,
        charge_id=charge_id,
        amount_refunded=refunded,
        locale=data.get("locale"),
        metadata=dict(data.get("metadata") or {}),
    )


def _refund(obj):
    data = obj.to_dict() if hasattr(obj, "to_dict") else dict(obj)
    return Refund(
        id=data["id"],
        status=data.get("status") or "pending",
        amount=data.get("amount") or 0,
        currency=data.get("currency") or "",
        payment_intent=data.get("payment_intent"),
    )


def checkout_idempotency_key(registration, *, return_urls=()):
    """One key per registration, hold and return address: retrying the same call never makes a
    second session; a new hold (a fresh attempt after the old one expired) gets a new session.

    Stripe refuses a key reused with other parameters, and the return addresses carry the
    private link, whose signature has a timestamp: a retry signed in a later second is another
    call. (`start_checkout` returns the session it recorded for the hold without asking again; a
    session whose answer was lost is paid by nobody and expires with the hold.)"""
    hold = int(registration.hold_expires_at.timestamp()) if registration.hold_expires_at else 0
    key = f"summit-checkout-{registration.public_id}-{hold}"
    if return_urls:
        key += "-" + hashlib.sha256("\n".join(return_urls).encode()).hexdigest()[:16]
    return key


def create_checkout_session(registration, *, amount, currency, product_name, success_url, cancel_url):
    """Create (or, on retry, fetch again) the hosted Checkout Session for a registration's hold.

    `amount` is the Decimal price after any promo code. Its metadata is Summit's word that it
    made the session for this registration and this amount (client_reference_id is not: anyone
    paying through a payment link of the account may fill it in): the opaque registration id,
    the amount due in minor units and the currency; no name or email goes to Stripe. Raises
    StripeUnreachable or StripeRefused."""
    client = _client()
    unit_amount = to_minor_units(amount, currency)
    expires_at = int(registration.hold_expires_at.timestamp()) + SESSION_EXPIRY_MARGIN
    params = {
        "mode": "payment",
        "line_items": [
            {
                "quantity": 1,
                "price_data": {
                    "currency": currency.lower(),
                    "unit_amount": unit_amount,
                    "product_data": {"name": product_name},
                },
            }
        ],
        "client_reference_id": str(registration.public_id),
        "metadata": {
            "registration": str(registration.public_id),
            "amount_due": str(unit_amount),
            "currency": currency.lower(),
        },
        "locale": CHECKOUT_LOCALES.get(registration.language, "auto"),
        "expires_at": expires_at,
        "success_url": success_url,
        "cancel_url": cancel_url,
    }
    options = {
        "idempotency_key": checkout_idempotency_key(registration, return_urls=(success_url, cancel_url))
    }
    session = _call(client.v1.checkout.sessions.create, params, options)
    return _session(session)


_EXPAND = {"expand": ["payment_intent.latest_charge"]}


def retrieve_checkout_session(session_id):
    """The session as Stripe sees it now, with its payment and refunded amount."""
    client = _client()
    return _session(_call(client.v1.checkout.sessions.retrieve, session_id, _EXPAND))


def expire_checkout_session(session_id):
    """Close an open session so it can no longer be paid. Returns the session as it ends up:
    `expired`, or `complete` when the customer paid first (Stripe refuses to expire it)."""
    client = _client()
    try:
        return _session(_call(client.v1.checkout.sessions.expire, session_id, _EXPAND))
    except StripeRefused:
        session = retrieve_checkout_session(session_id)
        if session.status == "open":
            raise
        return session


def list_checkout_sessions(*, created_since=None, payment_intent=None):
    """Every session (newest first), following Stripe's pagination."""
    client = _client()
    params = {"limit": 100, "expand": ["data.payment_intent.latest_charge"]}
    if created_since:
        params["created"] = {"gte": int(created_since.timestamp())}
    if payment_intent:
        params["payment_intent"] = payment_intent
    while True:
        page = _call(client.v1.checkout.sessions.list, params)
        for item in page.data:
            yield _session(item)
        if not page.has_more or not page.data:
            return
        params["starting_after"] = page.data[-1].id


def create_refund(*, payment_intent, amount, currency, idempotency_key):
    """Refund `amount` (Decimal, None = everything left) of a payment. Idempotent per key."""
    client = _client()
    params = {"payment_intent": payment_intent, "reason": "requested_by_customer"}
    if amount is not None:
        params["amount"] = to_minor_units(amount, currency)
    try:
        refund = _call(client.v1.refunds.create, params, {"idempotency_key": idempotency_key})
    except StripeRefused as exc:
        if exc.code == "charge_already_refunded":
            return None  # someone refunded it already (e.g. from the dashboard): nothing left to do
        raise
    return _refund(refund)


def verify_webhook(payload, signature_header, *, now=None):
    """Check a webhook's Stripe-Signature over the raw body and return the event.

    Refuses a missing or wrong signature, a tampered body, and a timestamp more than 300 s
    old (stripe-python's check) or more than 300 s in the future (ours: stripe-python lets
    those through, and a future timestamp would stretch a captured request's replay window)."""
    import stripe

    if not settings.STRIPE_WEBHOOK_SECRET:
        raise InvalidWebhook("STRIPE_WEBHOOK_SECRET is not configured.")
    if not signature_header:
        raise InvalidWebhook("No Stripe-Signature header.")
    timestamps = [part[2:] for part in signature_header.split(",") if part.strip().startswith("t=")]
    try:
        timestamp = int(timestamps[0].strip()) if len(timestamps) == 1 else None
    except ValueError:
        timestamp = None
    if timestamp is None:
        raise InvalidWebhook("The Stripe-Signature header has no single valid timestamp.")
    if timestamp > (now or time.time()) + WEBHOOK_TOLERANCE:
        raise InvalidWebhook("The signature's timestamp is in the future.")
    if isinstance(payload, bytes):
        try:
            payload = payload.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InvalidWebhook("The body is not UTF-8.") from exc
    try:
        event = stripe.Webhook.construct_event(
            payload, signature_header, settings.STRIPE_WEBHOOK_SECRET, tolerance=WEBHOOK_TOLERANCE
        )
        data = event.to_dict()
    except stripe.SignatureVerificationError as exc:
        raise InvalidWebhook(str(exc)) from exc
    except ValueError as exc:
        raise InvalidWebhook("The body is not JSON.") from exc
    try:
        return WebhookEvent(
            id=str(data["id"]),
            type=str(data["type"]),
            created=int(data.get("created") or 0),
            object=dict(data["data"]["object"]),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise InvalidWebhook("The body is not a Stripe event.") from exc
