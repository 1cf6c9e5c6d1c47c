"""Registration use cases. Each runs in one transaction and is what the pages, the API,
commands and tasks call. Emails go through the tasks API (queue_email): with the database task
queue, queued in the same transaction as the change they tell of; otherwise after commit.

Seats: a summit's seats are held by confirmed registrations, unexpired payment holds and
unexpired waitlist offers (see RegistrationQuerySet.holding_seats). Every use case that takes
or gives a seat first locks the summit row, so concurrent requests queue for the seat count
instead of overselling (on SQLite the IMMEDIATE transaction mode gives the same queueing).
"""

import contextlib
import datetime
import decimal
import functools
import logging

import orjson
from django.db import (
    DEFAULT_DB_ALIAS,
    DatabaseError,
    IntegrityError,
    connection,
    connections,
    models,
    transaction,
)
from django.db.models import Count, Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _
from psycopg.types.json import Jsonb

from registrations.badges.codes import set_badge_code
from registrations.models import GroupPreference, Registration
from registrations.seats import catalog, links
from registrations.seats.emails import REGISTERED
from summit.errors import DomainError
from summit.models import Summit, registration_state
from summit.promo import find_promo_code, redeem_promo_code

logger = logging.getLogger(__name__)

Status = Registration.Status


class RegistrationError(DomainError):
    pass


def seats_left(summit, *, now=None):
    """Seats not held by a confirmed registration, an unexpired payment hold or an open offer."""
    taken = Registration.objects.filter(summit=summit).holding_seats(now).count()
    return max(summit.capacity - taken, 0)


def ticket_seats_left(ticket_type, *, now=None):
    if ticket_type.quota is None:
        return None
    taken = Registration.objects.filter(ticket_type=ticket_type).holding_seats(now).count()
    return max(ticket_type.quota - taken, 0)


def _lock_summit(summit):
    # The summit row lock serializes seat decisions for this summit (the last seat, quotas, offers).
    # NO KEY UPDATE, as every lock on a summit row here: it excludes the others, but not the key
    # share that PostgreSQL takes to check a new row's foreign key to the summit (a check-in,
    # another registration's commit), which FOR UPDATE would make wait behind the seat decisions.
    return Summit.objects.select_for_update(no_key=True).get(pk=summit.pk)


def check_registration_window(summit, now=None):
    _check_window_state(summit.registration_state(now))


def _check_window_state(state):
    if state != "open":
        raise _refusal("registration_not_open" if state == "not_open" else "registration_closed")


PROFILE_FIELDS = Registration.PROFILE_FIELDS  # the model keeps the one list


def register_attendee(summit, *, data, registered_by=None, now=None):
    """Register one attendee. `data` is validated input (RegistrationInputSerializer):
    profile fields, `ticket_type` (a TicketType of this summit) and `group_preferences`
    (PlanningGroups, best first).

    Returns (registration, created). When a live registration with the same email exists,
    nothing is written, the existing registration is returned with created=False, and its owner
    is emailed their private link: the caller answers exactly as for a new registration.
    Raises RegistrationError when the window is closed or the ticket type cannot be had.
    Side effects: the confirmation or waitlist email, queued with the registration (queue_email);
    for a payment hold, the Stripe Checkout session (registration.checkout_url).
    """
    check_registration_window(summit, now)
    ticket_type = data["ticket_type"]
    if not ticket_type.active or ticket_type.summit_id != summit.pk:
        raise _refusal("ticket_type_unavailable")
    ticket_type, fee_waived = _fee_waiver(summit, ticket_type, data)
    promo = None
    if (data.get("promo_code") or "").strip() and not ticket_type.is_free:
        promo = find_promo_code(summit, code=data["promo_code"], ticket_type=ticket_type)
    price = promo.price_for(ticket_type) if promo else ticket_type.price
    if price > 0:
        from registrations.payments import stripe_client as payments

        if not payments.payments_enabled():
            raise RegistrationError(
                "payments_unavailable",
                _("Paid tickets cannot be bought online right now. Please choose another ticket type."),
                field="ticket_type",
            )

    email = (data.get("email") or "").strip()
    registration = Registration(summit=summit, ticket_type=ticket_type, registered_by=registered_by)
    for field in PROFILE_FIELDS:
        if field in data:
            setattr(registration, field, data[field])
    registration.email = email
    registration.fee_waived = fee_waived
    registration.promo_code = promo
    set_badge_code(registration)
    groups = data.get("group_preferences") or []
    try:
        if connection.vendor == "postgresql":
            _register_postgresql(
                registration, summit, ticket_type, groups=groups, price=price, promo=promo, now=now
            )
        else:
            _register_portable(
                registration, summit, ticket_type, groups=groups, price=price, promo=promo, now=now
            )
    except IntegrityError:
        # This email already has a live registration (or two requests with it raced): the
        # database kept one, and its owner is sent their link.
        existing = _live_registration_for_email(summit, email) if email else None
        if existing is None:
            # Not the email: a planning group deleted between the seat decision's check and the
            # commit. Nothing was written; the next attempt sees the change.
            raise _choices_changed() from None
        queue_email(existing, "already_registered")
        return existing, False
    if registration.status == Status.PENDING_PAYMENT:
        from registrations.payments import services as checkout

        registration.checkout_url = checkout.begin_checkout(registration)
    return registration, True


def _choices_changed():
    catalog.clear()
    return RegistrationError(
        "choices_changed",
        _("The ticket types or planning groups just changed. Please check your choices and send again."),
        status_code=409,
    )


def _register_postgresql(registration, summit, ticket_type, *, groups, price, promo, now=None):
    """Decide the seat of `registration` (not yet saved) and write it, its group preferences and
    the task row of its email, by one call of the registrations_register() function (migration
    0009): the lock, the count, the decision and the inserts in one round trip. Outside a
    transaction, that call is its own transaction, and the summit stays locked only while the
    function runs, not for the round trips of a transaction's statements and its commit. A promo
    code is redeemed in the same transaction (and undone with it); inside a caller's transaction,
    a savepoint keeps a refused duplicate from spoiling it. The moment of the decision (which
    orders the waitlist) is the database's clock once the lock is granted, unless `now` is given."""
    task_row = _registered_email_row(None)  # the function sets the registration's id in it
    database = connections[DEFAULT_DB_ALIAS]  # not the proxy, which looks it up on every use
    in_transaction = promo is not None or database.in_atomic_block
    with transaction.atomic() if in_transaction else contextlib.nullcontext():
        if promo is not None:
            redeem_promo_code(promo)  # counted atomically; rolled back with the registration
        with database.cursor() as cursor:
            cursor.execute(
                _REGISTER_SQL,
                [
                    summit.pk,
                    ticket_type.pk,
                    [group.pk for group in groups],
                    price > 0,
                    now,
                    _json_row(registration),
                    _json_row(task_row) if task_row is not None else None,
                ],
            )
            refused, registration.pk, status, hold_expires_at, decided_at, position = cursor.fetchone()
        if refused:
            raise _refusal(refused)
        registration.status = status
        registration.confirmed_at = decided_at if status == Status.CONFIRMED else None
        registration.waitlisted_at = decided_at if status == Status.WAITLISTED else None
        registration.hold_expires_at = hold_expires_at
        registration.position_when_decided = position
        _saved(registration)
        if task_row is None:
            queue_email(registration, REGISTERED)
    if task_row is not None:
        from django_tasks.signals import task_enqueued

        from registrations.seats.tasks import send_registration_email

        task_row.args_kwargs["args"][0] = registration.pk
        _saved(task_row)
        # As DatabaseBackend.enqueue() sends it (the sender is the backend's class).
        task_enqueued.send(type(send_registration_email.get_backend()), task_result=task_row.task_result)


_REGISTER_SQL = (
    "SELECT refused, new_id, new_status, new_hold_expires_at, decided_at, waitlist_position"
    " FROM registrations_register("
    "%s::bigint, %s::bigint, %s::bigint[], %s::boolean, %s::timestamptz, %s::jsonb, %s::jsonb)"
)


def _register_portable(registration, summit, ticket_type, *, groups, price, promo, now=None):
    """As _register_postgresql, on a database without that function (SQLite), through the ORM:
    in one transaction, whose IMMEDIATE mode holds SQLite's one write lock from its start, the
    seat is decided in Python (_decide_seat), then the registration is saved once, with its
    final status, and its email queued in the same transaction."""
    with transaction.atomic():
        if promo is not None:
            redeem_promo_code(promo)
        _decide_seat(registration, summit, ticket_type, groups=groups, price=price, now=now)
        registration.save()
        GroupPreference.objects.bulk_create(
            [
                GroupPreference(registration=registration, group=group, rank=rank)
                for rank, group in enumerate(groups, 1)
            ]
        )
        queue_email(registration, REGISTERED)


def _refusal(code):
    """The RegistrationError for a seat decision's refusal `code` (either way of deciding)."""
    if code == "choices_changed":
        return _choices_changed()
    if code == "registration_not_open":
        return RegistrationError("registration_not_open", _("Registration has not opened yet."))
    if code == "registration_closed":
        return RegistrationError("registration_closed", _("Registration is closed."))
    if code == "ticket_type_unavailable":
        return RegistrationError(
            "ticket_type_unavailable",
            _("This ticket type is not available."),
            field="ticket_type",
            status_code=400,
        )
    raise ValueError(f"unknown refusal {code!r}")


def _decide_seat(registration, summit, ticket_type, *, groups, price, now=None):
    """Decide whether `registration` (not yet saved) gets a seat, a payment hold or a place on
    the waitlist, and set its status fields: SQLite's way (_register_portable), in the
    transaction that then saves the registration; PostgreSQL's registrations_register() function
    makes the same decision, and the test suite runs against both.

    Two short statements in plain SQL (this is the hot path when registration opens): the
    summit's capacity, window and hold time, the ticket type's quota and "on sale" flag and
    whether the chosen groups still exist, as they are now; then one count of the seats held
    (in all and of this ticket type). The waitlist position is counted by the caller, after the
    transaction (waitlist_position)."""
    with connection.cursor() as cursor:
        group_ids = [group.pk for group in groups]
        if len(group_ids) > MAX_GROUPS:
            raise ValueError(f"at most {MAX_GROUPS} group preferences (the serializer's limit)")
        padding = [0] * (MAX_GROUPS - len(group_ids))  # no row has id 0
        cursor.execute(_STATE_SQL, [*group_ids, *padding, ticket_type.pk, summit.pk])
        row = cursor.fetchone()
        if row is None or row[-1] != len(set(group_ids)):
            # The ticket type or a chosen group was deleted since this process's catalog was read.
            raise _choices_changed()
        capacity, hold_minutes, opens_at, closes_at, ends_at, quota, active, _groups = row
        # Taken under the lock, so waitlist order is the order in which seats were decided.
        now = now or timezone.now()
        # The window as it is now (the caller may have checked a copy a few seconds old).
        _check_window_state(
            registration_state(_datetime(opens_at), _datetime(closes_at), _datetime(ends_at), now)
        )
        if not active:
            raise _refusal("ticket_type_unavailable")
        taken, taken_of_type = seat_counts(summit, ticket_type, now=now)
        has_seat = taken < capacity and (quota is None or taken_of_type < quota)
        if has_seat and price == 0:
            registration.status = Status.CONFIRMED
            registration.confirmed_at = now
        elif has_seat:
            registration.status = Status.PENDING_PAYMENT
            registration.hold_expires_at = now + datetime.timedelta(minutes=hold_minutes)
        else:
            registration.status = Status.WAITLISTED
            registration.waitlisted_at = now


MAX_GROUPS = 3  # group preferences per registration (RegistrationInputSerializer uses it)

# The summit, the ticket type and how many of the (up to three) chosen groups still exist.
_STATE_SQL = (
    "SELECT s.capacity, s.hold_minutes, s.registration_opens_at, s.registration_closes_at, s.ends_at,"
    " t.quota, t.active,"
    " (SELECT COUNT(*) FROM summit_planninggroup g WHERE g.summit_id = s.id AND g.id IN (%s, %s, %s))"
    " FROM summit_summit s JOIN summit_tickettype t ON t.summit_id = s.id AND t.id = %s"
    " WHERE s.id = %s"
)


def _datetime(value):
    """A datetime column read with plain SQL, as an aware datetime (SQLite keeps naive UTC)."""
    if isinstance(value, str):
        value = parse_datetime(value)
    if value is not None and timezone.is_naive(value):
        value = value.replace(tzinfo=datetime.UTC)
    return value


def seat_counts(summit, ticket_type, *, now=None):
    """(seats held, seats held of `ticket_type`), as _decide_seat counts them (SQLite's way;
    PostgreSQL's function reads its status counts): RegistrationQuerySet.holding_seats."""
    held = Registration.objects.filter(summit=summit).holding_seats(now or timezone.now())
    counts = held.aggregate(taken=Count("pk"), of_type=Count("pk", filter=Q(ticket_type=ticket_type)))
    return counts["taken"], counts["of_type"]


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
    """Replace an existing registration's group preferences (a new one's are inserted with it)."""
    registration.preferences.all().delete()
    GroupPreference.objects.bulk_create(
        [
            GroupPreference(registration=registration, group=group, rank=rank)
            for rank, group in enumerate(groups, 1)
        ]
    )


def _registered_email_row(registration_id):
    """The task row that queues the REGISTERED email of the registration with this id, as
    django-tasks-db's DatabaseBackend builds it in enqueue() (with its pre_save signal, which
    sets run_after); None when the task queue is not this database's."""
    from django.db.models.signals import pre_save
    from django_tasks.utils import normalize_json
    from django_tasks_db import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    from registrations.seats.tasks import send_registration_email as task

    backend = task.get_backend()
    if not isinstance(backend, DatabaseBackend):
        return None
    backend.validate_task(task)
    row = DBTaskResult(
        id=backend._get_id(),
        args_kwargs=normalize_json({"args": [registration_id, REGISTERED], "kwargs": {}}),
        priority=task.priority,
        task_path=task.module_path,
        queue_name=task.queue_name,
        run_after=task.run_after,
        backend_name=backend.alias,
    )
    pre_save.send(sender=DBTaskResult, instance=row, raw=False, using=DEFAULT_DB_ALIAS, update_fields=None)
    return row


def _saved(instance):
    instance._state.adding = False
    instance._state.db = DEFAULT_DB_ALIAS


@functools.cache
def _insert_fields(model):
    """The fields an INSERT of `model` writes (all but an automatic id): each with its column, its
    attribute and, for Django's own text, boolean, integer and foreign key fields, the type of
    value that their get_db_prep_save gives back unchanged (and their pre_save only reads)."""
    meta = model._meta
    return [
        (field, field.column, field.attname, _AS_IS.get(type(field)))
        for field in meta.local_concrete_fields
        if field is not meta.auto_field
    ]


_AS_IS = {
    models.CharField: str,
    models.EmailField: str,
    models.SlugField: str,
    models.TextField: str,
    models.BooleanField: bool,
    models.IntegerField: int,
    models.PositiveIntegerField: int,
    models.PositiveSmallIntegerField: int,
    models.SmallIntegerField: int,
    models.BigIntegerField: int,
    models.ForeignKey: int,  # to an integer key; another value goes through get_db_prep_save
}


def _json_row(instance):
    """What save() would INSERT for `instance`, as one JSON object keyed by column (for
    PostgreSQL's jsonb_populate_record): each value through its field's own pre_save and
    get_db_prep_save (timestamps, defaults, JSON), as save() sends it, except a plain field's
    value that is already what get_db_prep_save would give back."""
    row = {}
    database = connections[DEFAULT_DB_ALIAS]  # not the proxy, which looks it up on every use
    for field, column, attname, as_is in _insert_fields(type(instance)):
        if as_is is not None:
            value = getattr(instance, attname)
            if value is not None and type(value) is not as_is:
                value = field.get_db_prep_save(value, database)
        else:
            value = field.get_db_prep_save(field.pre_save(instance, True), database)
        row[column] = value
    return Jsonb(row, dumps=_dumps)


def _json_value(value):
    """What orjson cannot encode by itself (it encodes datetimes with their offset, dates and
    UUIDs)."""
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, Jsonb):  # a JSONField's value, already made JSON-safe
        return value.obj
    raise TypeError(f"no JSON form for {type(value).__name__}")


def _dumps(row):
    return orjson.dumps(row, default=_json_value)


def waitlist_position(registration):
    """1 for the first person waiting, and so on: the waitlisted registrations of the summit put
    on the waitlist before this one, plus one. Counted through the (status, summit,
    waitlisted_at) index, unless registrations_register() has just told it (the number waiting
    when it was put on the waitlist, itself included)."""
    if registration.status != Status.WAITLISTED:
        return None
    decided = getattr(registration, "position_when_decided", None)
    if decided is not None:
        return decided
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*) FROM registrations_registration"
            " WHERE summit_id = %s AND status = %s AND waitlisted_at < %s",
            [
                registration.summit_id,
                Status.WAITLISTED,
                connection.ops.adapt_datetimefield_value(registration.waitlisted_at),
            ],
        )
        return cursor.fetchone()[0] + 1


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
    for field in PROFILE_FIELDS:
        if field in data:
            setattr(registration, field, data[field])
    registration.save()
    if "group_preferences" in data:
        _save_preferences(registration, data["group_preferences"])
    return registration


def cancel_registration(registration, *, by=None, now=None):
    """Cancel a registration: its seat (if it held one) is offered to the waitlist.
    Its private link stays valid to show the cancellation; its badge stops admitting."""
    now = now or timezone.now()
    with transaction.atomic():
        summit = _lock_summit(registration.summit)
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
            on_cancelled = _payments_hook("on_registration_cancelled")
            if on_cancelled:
                on_cancelled(registration, previous_status=previous, now=now)
        queue_email(registration, "cancelled")
        _offer_free_seats(summit, now=now)
    return registration


def _payments_hook(name):
    from registrations.payments import stripe_client as payments

    return getattr(payments, name, None)


def release_seat(summit, *, now=None):
    """Offer any free seats to the waitlist, first come first served. Returns the offers made."""
    with transaction.atomic():
        summit = _lock_summit(summit)
        return _offer_free_seats(summit, now=now or timezone.now())


def _offer_free_seats(summit, *, now):
    offers = []
    free = seats_left(summit, now=now)
    if free <= 0:
        return offers
    waiting = (
        Registration.objects.select_for_update()
        .filter(summit=summit, status=Status.WAITLISTED)
        .filter(offer_expires_at__isnull=True)
        .order_by("waitlisted_at", "id")
    )
    for registration in waiting:
        if free <= 0:
            break
        quota_left = ticket_seats_left(registration.ticket_type, now=now)
        if quota_left is not None and quota_left <= 0:
            continue
        registration.offer_expires_at = now + datetime.timedelta(hours=summit.offer_hours)
        registration.save(update_fields=["offer_expires_at", "updated_at"])
        offers.append(registration)
        free -= 1
        queue_email(registration, "seat_offered")
    return offers


def claim_offer(registration, *, now=None):
    """Take the seat offered to a waitlisted attendee. Free tickets confirm at once; paid ones
    become a payment hold. Raises RegistrationError when there is no open offer."""
    now = now or timezone.now()
    with transaction.atomic():
        _lock_summit(registration.summit)
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        if registration.status != Status.WAITLISTED or not registration.offer_expires_at:
            raise RegistrationError("no_offer", _("There is no seat offer for this registration."))
        if registration.offer_expires_at <= now:
            raise RegistrationError("offer_expired", _("This seat offer has expired."))
        registration.offer_expires_at = None
        from registrations.payments import services as checkout

        if checkout.amount_due(registration) == 0:
            registration.status = Status.CONFIRMED
            registration.confirmed_at = now
            queue_email(registration, "confirmed")
        else:
            registration.status = Status.PENDING_PAYMENT
            registration.hold_expires_at = now + datetime.timedelta(minutes=registration.summit.hold_minutes)
        registration.save()
    if registration.status == Status.PENDING_PAYMENT:
        registration.checkout_url = checkout.begin_checkout(registration)
    return registration


def expire_offers(*, now=None):
    """Expired waitlist offers go to the back of the waitlist; their seats go to the next person.
    Returns the number of offers expired. Run periodically (manage.py expire_offers)."""
    now = now or timezone.now()
    expired = 0
    summit_ids = set(
        Registration.objects.filter(status=Status.WAITLISTED, offer_expires_at__lte=now).values_list(
            "summit_id", flat=True
        )
    )
    summit_ids |= set(
        Registration.objects.filter(status=Status.PENDING_PAYMENT, hold_expires_at__lte=now)
        .values_list("summit_id", flat=True)
        .distinct()
    )
    for summit in Summit.objects.filter(pk__in=summit_ids):
        with transaction.atomic():
            summit = _lock_summit(summit)
            stale = list(
                Registration.objects.select_for_update().filter(
                    summit=summit, status=Status.WAITLISTED, offer_expires_at__lte=now
                )
            )
            for registration in stale:
                registration.offer_expires_at = None
                registration.waitlisted_at = now
                registration.save(update_fields=["offer_expires_at", "waitlisted_at", "updated_at"])
                queue_email(registration, "offer_expired")
            expired += len(stale)
            _offer_free_seats(summit, now=now)
    return expired


def send_manage_link(summit, *, email):
    """Email the private link of the live registration for this email, if there is one.
    Answers nothing either way, so the form cannot tell who is registered."""
    registration = _live_registration_for_email(summit, email.strip()) if email else None
    if registration is not None:
        queue_email(registration, "manage_link")


def queue_email(registration, kind):
    """Queue one of the registration emails (registrations.emails) for the task worker.

    With the database task backend (production), the task row is written in the caller's
    transaction: it commits exactly when the change it tells of commits, and a crash between the
    two cannot lose the email. With another backend (the immediate one runs the task at once),
    it is queued after commit, so that nothing is sent for a change that is rolled back."""
    if _tasks_in_this_database():
        _send(registration, kind)
    else:
        transaction.on_commit(lambda: _send(registration, kind))


def _tasks_in_this_database():
    from django_tasks_db import DatabaseBackend

    from registrations.seats.tasks import send_registration_email

    return isinstance(send_registration_email.get_backend(), DatabaseBackend) and connection.in_atomic_block


def _send(registration, kind):
    from registrations.seats.tasks import send_registration_email

    try:
        send_registration_email.enqueue(registration.pk, kind)
    except Exception as error:
        if isinstance(error, DatabaseError) and connection.in_atomic_block:
            # The task row could not be written in the caller's transaction, which has failed
            # with it: nothing of the change is kept, and the caller answers the error.
            raise
        # A mail outage must never undo or fail a registration; the link can be re-sent.
        logger.exception("could not queue the %s email for registration %s", kind, registration.pk)


def manage_url(registration):
    return links.manage_url(registration)
