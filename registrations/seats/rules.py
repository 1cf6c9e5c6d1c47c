"""The seat rules: who holds a seat, who gets the next one. Every change of who holds a seat
goes through here, inside the caller's transaction, after `lock_summit`.

A summit's seats are held by its confirmed registrations, its payment holds and its open
waitlist offers (`Registration.objects.holding_seats`). A ticket type with a quota has that many
of the summit's seats at most. Nobody else writes seats:

- registering: `decide` (a seat, a payment hold, or the waitlist);
- cancelling, deleting one's data, a payment hold released, an offer expiring, the capacity or a
  quota raised: `offer_free_seats` (the waitlist in order, each offer emailed);
- claiming an offer, a late payment: `has_seat`;
- changing the capacity or a quota: `check_capacity` / `check_quota` refuse to go below the seats
  held, then `offer_free_seats`.

The lock is the summit's row: two requests for the last seat queue on it, and the second counts
after the first has committed. On SQLite, which has no row locks, the IMMEDIATE transaction mode
(settings) gives the same queueing.
"""

import datetime

from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from registrations.models import Registration
from registrations.seats.tasks import queue_email
from summit.errors import DomainError
from summit.models import Summit, TicketType

Status = Registration.Status


class SeatError(DomainError):
    pass


def lock_summit(summit):
    """Lock the summit's row until the transaction ends and return it as it is now.

    NO KEY UPDATE: it excludes other seat decisions, but not the key-share lock that PostgreSQL
    takes to check a new row's foreign key to the summit (a check-in, a vote)."""
    return Summit.objects.select_for_update(no_key=True).get(pk=summit.pk)


def lock_summit_of(ticket_type):
    """As lock_summit, for a registration of `ticket_type`: locks its summit's row and returns the
    ticket type as it is now (its quota), with its summit as it is now, in one statement; None,
    and nothing locked, when the ticket type is off sale."""
    fresh = TicketType.objects.select_related("summit").select_for_update(no_key=True, of=("summit",))
    return fresh.filter(pk=ticket_type.pk, active=True).first()


def seats_held(summit, *, now=None, excluding=None):
    """{ticket type id: seats held} of the summit, and their total."""
    held = Registration.objects.filter(summit=summit).holding_seats(now)
    if excluding is not None:
        held = held.exclude(pk=excluding.pk)
    by_type = dict(held.values_list("ticket_type").annotate(n=Count("pk")).order_by())
    return by_type, sum(by_type.values())


def seats_left(summit, *, now=None):
    """Seats nobody holds (for showing; decisions count again under the lock)."""
    _by_type, taken = seats_held(summit, now=now)
    return max(summit.capacity - taken, 0)


def has_seat(summit, ticket_type, *, now, excluding=None):
    """Is a seat of `ticket_type` free? `excluding`: a registration whose own hold does not count.
    Call with the summit locked."""
    by_type, taken = seats_held(summit, now=now, excluding=excluding)
    if taken >= summit.capacity:
        return False
    return ticket_type.quota is None or by_type.get(ticket_type.pk, 0) < ticket_type.quota


def decide(registration, *, summit, paid, now):
    """Set the status of a new registration (not saved yet): a seat when one is free (see
    `take_seat`), else the waitlist. Call with the summit locked, and save the registration in
    the same transaction."""
    if has_seat(summit, registration.ticket_type, now=now):
        take_seat(registration, summit=summit, paid=paid, now=now)
    else:
        registration.status = Status.WAITLISTED
        registration.waitlisted_at = now


def take_seat(registration, *, summit, paid, now):
    """Give `registration` a seat known to be free (or offered to it): confirmed when nothing is
    due, else a payment hold of the summit's hold time."""
    if paid:
        registration.status = Status.PENDING_PAYMENT
        registration.hold_expires_at = now + datetime.timedelta(minutes=summit.hold_minutes)
    else:
        registration.status = Status.CONFIRMED
        registration.confirmed_at = now


def make_offer(registration, *, summit, now):
    """Hold a seat for a waitlisted registration for the summit's offer time, and email it."""
    registration.offer_expires_at = now + datetime.timedelta(hours=summit.offer_hours)
    registration.save(update_fields=["offer_expires_at", "updated_at"])
    queue_email(registration, "seat_offered")


def offer_free_seats(summit, *, now):
    """Offer every free seat to the waitlist, first come first served (a quota that is full
    skips that person, not the line), and email each offer. Call with the summit locked.
    Returns the registrations offered a seat."""
    by_type, taken = seats_held(summit, now=now)
    free = summit.capacity - taken
    if free <= 0:
        return []
    waiting = (
        Registration.objects.select_for_update()
        .filter(summit=summit, status=Status.WAITLISTED, offer_expires_at__isnull=True)
        .select_related("ticket_type")
        .order_by("waitlisted_at", "id")
    )
    offers = []
    for registration in waiting:
        if free <= 0:
            break
        quota = registration.ticket_type.quota
        if quota is not None and by_type.get(registration.ticket_type_id, 0) >= quota:
            continue
        make_offer(registration, summit=summit, now=now)
        by_type[registration.ticket_type_id] = by_type.get(registration.ticket_type_id, 0) + 1
        free -= 1
        offers.append(registration)
    return offers


def check_capacity(summit, capacity, *, now):
    """Refuse a capacity below the seats held now. Call with the summit locked."""
    _by_type, taken = seats_held(summit, now=now)
    if capacity < taken:
        raise SeatError(
            "capacity_below_held",
            _("%(taken)s seats are held already: the capacity cannot be lower.") % {"taken": taken},
            field="capacity",
            status_code=400,
        )


def check_quota(ticket_type, quota, *, now):
    """Refuse a ticket type's quota below its seats held now. Call with the summit locked."""
    if quota is None:
        return
    taken = Registration.objects.filter(ticket_type=ticket_type).holding_seats(now).count()
    if quota < taken:
        raise SeatError(
            "quota_below_held",
            _("%(taken)s seats of this ticket type are held already: the quota cannot be lower.")
            % {"taken": taken},
            field="quota",
            status_code=400,
        )


def waitlist_position(registration):
    """1 for the first person waiting, and so on; None when not waitlisted."""
    if registration.status != Status.WAITLISTED:
        return None
    earlier = Registration.objects.filter(
        summit_id=registration.summit_id,
        status=Status.WAITLISTED,
        waitlisted_at__lt=registration.waitlisted_at,
    )
    return earlier.count() + 1
