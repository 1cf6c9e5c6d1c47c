"""Registration use cases: register, edit, cancel, claim an offer, expire offers, send one's
link. Each runs in one transaction and is what the pages, the API, the admin, commands and tasks
call. Who holds a seat is decided in registrations.seats.rules, under the summit's lock; the
emails are queued with the change they tell of (registrations.seats.tasks.queue_email).
"""

from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from registrations.badges.codes import set_badge_code
from registrations.models import GroupPreference, Registration
from registrations.payments import services as checkout
from registrations.payments import stripe_client
from registrations.seats import rules
from registrations.seats.tasks import queue_email
from summit.errors import DomainError
from summit.models import Summit
from summit.promo import find_promo_code, redeem_promo_code

Status = Registration.Status

MAX_GROUPS = 3  # group preferences per registration (RegistrationInputSerializer uses it)


class RegistrationError(DomainError):
    pass


def check_registration_window(summit, now=None):
    state = summit.registration_state(now)
    if state == "not_open":
        raise RegistrationError("registration_not_open", _("Registration has not opened yet."))
    if state != "open":
        raise RegistrationError("registration_closed", _("Registration is closed."))


def register_attendee(summit, *, data, registered_by=None, now=None):
    """Register one attendee. `data` is validated input (RegistrationInputSerializer):
    profile fields, `ticket_type` (a TicketType of this summit) and `group_preferences`
    (PlanningGroups, best first).

    Returns (registration, created). When a live registration with the same email exists,
    nothing is written, its owner is emailed their private link, and created=False comes with a
    stand-in that was never saved (see `_as_if_new`): the caller answers it exactly as a new
    registration, so that knowing an email tells nothing about its owner's registration.
    Raises RegistrationError when the window is closed or the ticket type cannot be had.
    Side effects: the confirmation or waitlist email, queued with the registration; for a
    payment hold, the Stripe Checkout session (registration.checkout_url).
    """
    ticket_type, fee_waived = _fee_waiver(summit, data["ticket_type"], data)
    promo = None
    if (data.get("promo_code") or "").strip() and not ticket_type.is_free:
        promo = find_promo_code(summit, code=data["promo_code"], ticket_type=ticket_type)
    price = promo.price_for(ticket_type) if promo else ticket_type.price
    if price > 0 and not stripe_client.payments_enabled():
        raise RegistrationError(
            "payments_unavailable",
            _("Paid tickets cannot be bought online right now. Please choose another ticket type."),
            field="ticket_type",
        )
    email = (data.get("email") or "").strip()
    groups = data.get("group_preferences") or []
    registration = Registration(
        summit=summit,
        ticket_type=ticket_type,
        registered_by=registered_by,
        fee_waived=fee_waived,
        promo_code=promo,
    )
    for field in Registration.PROFILE_FIELDS:
        if field in data:
            setattr(registration, field, data[field])
    registration.email = email
    set_badge_code(registration)
    try:
        with transaction.atomic():
            registration.ticket_type = _lock_and_check(summit, ticket_type, groups)
            summit = registration.ticket_type.summit  # as it is now, under the lock
            now = now or timezone.now()  # under the lock: the waitlist is in the order of decisions
            check_registration_window(summit, now)
            if promo is not None:
                redeem_promo_code(promo)
            rules.decide(registration, summit=summit, paid=price > 0, now=now)
            registration.save()
            GroupPreference.objects.bulk_create(
                GroupPreference(registration=registration, group=group, rank=rank)
                for rank, group in enumerate(groups, 1)
            )
            if registration.status != Status.PENDING_PAYMENT:  # a payment hold hears from checkout
                queue_email(registration, registration.status)
    except IntegrityError:
        # This email already has a live registration (or two requests with it raced): the
        # database kept one, and its owner is sent their link.
        existing = _live_registration_for_email(summit, email) if email else None
        if existing is None:
            raise
        queue_email(existing, "already_registered")
        return _as_if_new(registration), False
    if registration.status == Status.PENDING_PAYMENT:
        registration.checkout_url = checkout.begin_checkout(registration)
    return registration, True


def _as_if_new(attempt):
    """What a new registration would have been told, for an attempt refused as a duplicate: the
    status the seat rules gave the attempt a moment ago, under the lock, and a fresh id that names
    nothing (nothing was written). A payment hold's link leads to the pay page of that id, which
    knows no such registration. Nothing of the existing registration is in it."""
    stand_in = Registration(
        summit_id=attempt.summit_id,
        ticket_type_id=attempt.ticket_type_id,
        status=attempt.status,
        waitlisted_at=attempt.waitlisted_at,
    )
    if stand_in.status == Status.PENDING_PAYMENT:
        stand_in.checkout_url = checkout.pay_page_url(stand_in)
    return stand_in


def _lock_and_check(summit, ticket_type, groups):
    """Lock the summit (rules.lock_summit_of) and return the ticket type as it is now, when it
    is still on sale and the chosen groups are still there (the input was checked a moment
    before)."""
    ticket_type = rules.lock_summit_of(ticket_type)
    if ticket_type is None or ticket_type.summit_id != summit.pk:
        raise RegistrationError(
            "ticket_type_unavailable",
            _("This ticket type is not available."),
            field="ticket_type",
            status_code=400,
        )
    if groups and summit.groups.filter(pk__in=[group.pk for group in groups]).count() != len(groups):
        raise RegistrationError(
            "group_unavailable",
            _("A planning group you chose is no longer offered. Please choose again."),
            field="group_preferences",
            status_code=400,
        )
    return ticket_type


def _fee_waiver(summit, ticket_type, data):
    """ "I cannot afford it" on a paid type: the summit's free type instead, no proof or reason asked.
    Returns (ticket type, fee_waived)."""
    if not data.get("cannot_afford") or ticket_type.is_free:
        return ticket_type, False
    free = summit.ticket_types.filter(active=True, price=0).order_by("position", "pk").first()
    if free is None:
        raise RegistrationError(
            "no_free_ticket_type",
            _("This summit has no free ticket type. Please contact the organizers."),
            field="cannot_afford",
            status_code=400,
        )
    return free, True


def _live_registration_for_email(summit, email):
    # As the unique index on lower(email) of live registrations has it, so that it is used.
    return (
        Registration.objects.alias(email_lower=Lower("email"))
        .filter(summit=summit, email_lower=email.lower())
        .exclude(email="")
        .exclude(status=Status.CANCELLED)
        .first()
    )


def _save_preferences(registration, groups):
    """Replace an existing registration's group preferences."""
    registration.preferences.all().delete()
    GroupPreference.objects.bulk_create(
        GroupPreference(registration=registration, group=group, rank=rank)
        for rank, group in enumerate(groups, 1)
    )


@transaction.atomic
def update_registration(registration, *, data):
    """Edit one's own details and preferences (not the ticket type or status)."""
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.status == Status.CANCELLED:
        raise RegistrationError("registration_cancelled", _("This registration was cancelled."))
    email = data.get("email", registration.email)
    if email and email.lower() != registration.email.lower():
        other = _live_registration_for_email(registration.summit, email)
        if other is not None and other.pk != registration.pk:
            raise RegistrationError(
                "email_taken", _("Another registration uses this email."), field="email", status_code=400
            )
    for field in Registration.PROFILE_FIELDS:
        if field in data:
            setattr(registration, field, data[field])
    registration.save()
    if "group_preferences" in data:
        _save_preferences(registration, data["group_preferences"])
    return registration


def cancel_registration(registration, *, by=None, now=None):
    """Cancel a registration: what was paid is refunded (before the refund deadline), and its
    seat, if it held one, is offered to the waitlist. Its private link stays valid to show the
    cancellation; its badge stops admitting. Cancelling twice changes nothing."""
    now = now or timezone.now()
    with transaction.atomic():
        summit = rules.lock_summit(registration.summit)
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        if registration.status == Status.CANCELLED:
            return registration
        previous = registration.status
        registration.status = Status.CANCELLED
        registration.cancelled_at = now
        registration.offer_expires_at = None
        registration.hold_expires_at = None
        registration.save()
        if previous in (Status.CONFIRMED, Status.PENDING_PAYMENT):
            checkout.on_registration_cancelled(registration, now=now)
        queue_email(registration, "cancelled")
        rules.offer_free_seats(summit, now=now)
    return registration


def offer_seat(registration, *, now=None):
    """A planner offers a seat to one waitlisted person now, ahead of the line, if a seat is
    free. Raises RegistrationError otherwise. The offer is emailed."""
    now = now or timezone.now()
    with transaction.atomic():
        summit = rules.lock_summit(registration.summit)
        registration = (
            Registration.objects.select_for_update().select_related("ticket_type").get(pk=registration.pk)
        )
        if registration.status != Status.WAITLISTED:
            raise RegistrationError(
                "not_waitlisted", _("Only a waitlisted registration can be offered a seat.")
            )
        if registration.offer_expires_at and registration.offer_expires_at > now:
            return registration  # already on offer
        if not rules.has_seat(summit, registration.ticket_type, now=now, excluding=registration):
            raise RegistrationError("summit_full", _("No seat is free for this registration's ticket type."))
        rules.make_offer(registration, summit=summit, now=now)
    return registration


def claim_offer(registration, *, now=None):
    """Take the seat offered to a waitlisted attendee. Free tickets confirm at once; paid ones
    become a payment hold. Raises RegistrationError when there is no open offer."""
    now = now or timezone.now()
    with transaction.atomic():
        summit = rules.lock_summit(registration.summit)
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        if registration.status != Status.WAITLISTED or not registration.offer_expires_at:
            raise RegistrationError("no_offer", _("There is no seat offer for this registration."))
        if registration.offer_expires_at <= now:
            raise RegistrationError("offer_expired", _("This seat offer has expired."))
        # The offer held the seat: taking it changes the count of no one else.
        registration.offer_expires_at = None
        rules.take_seat(registration, summit=summit, paid=checkout.amount_due(registration) > 0, now=now)
        registration.save()
        if registration.status == Status.CONFIRMED:
            queue_email(registration, "confirmed")
    if registration.status == Status.PENDING_PAYMENT:
        registration.checkout_url = checkout.begin_checkout(registration)
    return registration


def expire_offers(*, now=None):
    """Expired waitlist offers go to the back of the waitlist; their seats go to the next person.
    Returns the number of offers expired. Run periodically (manage.py housekeeping)."""
    now = now or timezone.now()
    expired = 0
    summit_ids = (
        Registration.objects.filter(status=Status.WAITLISTED, offer_expires_at__lte=now)
        .values_list("summit_id", flat=True)
        .distinct()
    )
    for summit in Summit.objects.filter(pk__in=list(summit_ids)):
        with transaction.atomic():
            summit = rules.lock_summit(summit)
            stale = Registration.objects.select_for_update().filter(
                summit=summit, status=Status.WAITLISTED, offer_expires_at__lte=now
            )
            for registration in stale:
                registration.offer_expires_at = None
                registration.waitlisted_at = now
                registration.save(update_fields=["offer_expires_at", "waitlisted_at", "updated_at"])
                queue_email(registration, "offer_expired")
                expired += 1
            rules.offer_free_seats(summit, now=now)
    return expired


def send_manage_link(summit, *, email):
    """Email the private link of the live registration for this email, if there is one.
    Answers nothing either way, so the form cannot tell who is registered."""
    registration = _live_registration_for_email(summit, email.strip()) if email else None
    if registration is not None:
        queue_email(registration, "manage_link")
