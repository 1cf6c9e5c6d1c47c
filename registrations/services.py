"""Registration use cases. Each runs in one transaction and is what the pages, the API,
commands and tasks call. Emails go through the tasks API (queue_email): with the database task
queue, queued in the same transaction as the change they tell of; otherwise after commit.

Seats: a summit's seats are held by confirmed registrations, unexpired payment holds and
unexpired waitlist offers (see RegistrationQuerySet.holding_seats). Every use case that takes
or gives a seat first locks the summit row, so concurrent requests queue for the seat count
instead of overselling (on SQLite the IMMEDIATE transaction mode gives the same queueing).
"""

import datetime
import functools
import logging

from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

from registrations import catalog, links
from registrations.badges import set_badge_code
from registrations.emails import REGISTERED
from registrations.models import GroupPreference, Registration
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
    if state == "not_open":
        raise RegistrationError("registration_not_open", _("Registration has not opened yet."))
    if state == "closed":
        raise RegistrationError("registration_closed", _("Registration is closed."))


PROFILE_FIELDS = [
    "first_name",
    "last_name",
    "badge_name",
    "pronouns",
    "email",
    "phone",
    "organization",
    "role_title",
    "sector",
    "language",
    "accessibility_needs",
    "interpretation_needs",
    "dietary_needs",
    "childcare_needs",
    "share_with_group",
    "photo_consent",
]


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
        raise RegistrationError(
            "ticket_type_unavailable",
            _("This ticket type is not available."),
            field="ticket_type",
            status_code=400,
        )
    ticket_type, fee_waived = _fee_waiver(summit, ticket_type, data)
    promo = None
    if (data.get("promo_code") or "").strip() and not ticket_type.is_free:
        promo = find_promo_code(summit, code=data["promo_code"], ticket_type=ticket_type)
    price = promo.price_for(ticket_type) if promo else ticket_type.price
    if price > 0:
        from registrations import payments

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
        with transaction.atomic():
            if promo is not None:
                redeem_promo_code(promo)  # counted atomically; rolled back with the registration
            # The seat is decided first, under the summit lock, and the registration is then
            # written once, with its final status: the lock is held for the count, these
            # prepared inserts and the commit. The unique index on the email refuses a second
            # live registration here (IntegrityError below).
            _decide_seat(registration, summit, ticket_type, groups=groups, price=price, now=now)
            # The email is queued in this transaction: the confirmation or the waitlist notice
            # (none for a payment hold). With the database task queue, by the same INSERTs.
            if not _insert_registration(registration, groups, queue_registered_email=True):
                queue_email(registration, REGISTERED)
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
        from registrations import checkout

        registration.checkout_url = checkout.begin_checkout(registration)
    return registration, True


def _choices_changed():
    catalog.clear()
    return RegistrationError(
        "choices_changed",
        _("The ticket types or planning groups just changed. Please check your choices and send again."),
        status_code=409,
    )


def _decide_seat(registration, summit, ticket_type, *, groups, price, now=None):
    """Decide whether `registration` (not yet saved) gets a seat, a payment hold or a place on
    the waitlist, and set its status fields. The summit row stays locked until the caller,
    who saves the registration in the same transaction, commits.

    Two short statements in plain SQL (this is the hot path when registration opens): the
    lock, which also reads the capacity, window and hold time, the ticket type's quota and
    "on sale" flag and whether the chosen groups still exist, as they are now; then one count of
    the seats held (in all and of this ticket type). The count is taken after the lock is
    granted, so it sees every decision committed before ours. The waitlist position is counted
    by the caller, after the lock is gone (waitlist_position)."""
    with connection.cursor() as cursor:
        group_ids = [group.pk for group in groups]
        if len(group_ids) > MAX_GROUPS:
            raise ValueError(f"at most {MAX_GROUPS} group preferences (the serializer's limit)")
        padding = [0] * (MAX_GROUPS - len(group_ids))  # no row has id 0
        cursor.execute(
            _LOCK_SQL[connection.features.has_select_for_update_of],
            [*group_ids, *padding, ticket_type.pk, summit.pk],
        )
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
            raise RegistrationError(
                "ticket_type_unavailable",
                _("This ticket type is not available."),
                field="ticket_type",
                status_code=400,
            )
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

# The summit row (locked), the ticket type and how many of the (up to three) chosen groups still
# exist. Keyed by whether the database can lock rows (PostgreSQL); SQLite's IMMEDIATE
# transactions already hold its one write lock from the start of the transaction.
_LOCK_SQL = {
    True: "SELECT s.capacity, s.hold_minutes, s.registration_opens_at, s.registration_closes_at, s.ends_at,"
    " t.quota, t.active,"
    " (SELECT COUNT(*) FROM summit_planninggroup g WHERE g.summit_id = s.id AND g.id IN (%s, %s, %s))"
    " FROM summit_summit s JOIN summit_tickettype t ON t.summit_id = s.id AND t.id = %s"
    " WHERE s.id = %s FOR NO KEY UPDATE OF s",
    False: "SELECT s.capacity, s.hold_minutes, s.registration_opens_at, s.registration_closes_at, s.ends_at,"
    " t.quota, t.active,"
    " (SELECT COUNT(*) FROM summit_planninggroup g WHERE g.summit_id = s.id AND g.id IN (%s, %s, %s))"
    " FROM summit_summit s JOIN summit_tickettype t ON t.summit_id = s.id AND t.id = %s"
    " WHERE s.id = %s",
}


def _datetime(value):
    """A datetime column read with plain SQL, as an aware datetime (SQLite keeps naive UTC)."""
    if isinstance(value, str):
        value = parse_datetime(value)
    if value is not None and timezone.is_naive(value):
        value = value.replace(tzinfo=datetime.UTC)
    return value


# Seats held are what RegistrationQuerySet.holding_seats selects, written out in SQL (a test in
# tests/registrations checks that the two always agree): confirmed, waiting for payment, or
# waitlisted with an offer still open. Each is counted apart, so that PostgreSQL reads only those
# rows, however long the waitlist, whatever its statistics say (when registration opens, the
# table grows by hundreds of rows before it is analyzed, and its prepared plan is reused):
# confirmed and pending by equality on the status, through (status, summit, waitlisted_at); open
# offers through the open-offers partial index. That is why the offers' status is compared as
# `status || ''`, which no index can serve: otherwise a plan may take the status index and read
# every waitlisted row to find the few with an offer, while the summit is locked.
_COUNT_SQL = """
SELECT COUNT(*), COALESCE(SUM(CASE WHEN ticket_type_id = %(ticket_type)s THEN 1 ELSE 0 END), 0)
FROM (
  SELECT ticket_type_id FROM registrations_registration
  WHERE summit_id = %(summit)s AND status = %(confirmed)s
  UNION ALL
  SELECT ticket_type_id FROM registrations_registration
  WHERE summit_id = %(summit)s AND status = %(pending)s
  UNION ALL
  SELECT ticket_type_id FROM registrations_registration
  WHERE summit_id = %(summit)s AND offer_expires_at > %(now)s AND status || '' = %(waitlisted)s
) AS held
"""
_STATUSES = {
    "confirmed": Status.CONFIRMED,
    "pending": Status.PENDING_PAYMENT,
    "waitlisted": Status.WAITLISTED,
}


def seat_counts(summit, ticket_type, *, now=None):
    """(seats held, seats held of `ticket_type`), as the seat decision counts them."""
    when = connection.ops.adapt_datetimefield_value(now or timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(
            _COUNT_SQL, {**_STATUSES, "summit": summit.pk, "ticket_type": ticket_type.pk, "now": when}
        )
        return tuple(cursor.fetchone())


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


def _insert_registration(registration, groups, *, queue_registered_email=False):
    """INSERT a new registration and its group preferences (best first): one statement on
    PostgreSQL, two on SQLite. With queue_registered_email, and the database task queue, one
    more INSERT queues the REGISTERED email; returns whether it did.

    This is registration.save(), bulk_create() and the task's enqueue() without the ORM's work
    of building the same SQL on every request, on the path every registration takes when
    registration opens. The SQL is built once per process from the models' fields (and short
    enough for psycopg to keep it parsed), and each value goes through the field's own pre_save
    and get_db_prep_save as in save() (timestamps, defaults, JSON, dates). Nothing listens to a
    registration's or a preference's save signals (a test holds the rows written here to those
    that save() writes); the task row gets the signals that django-tasks-db's enqueue sends."""
    fields, _columns = _insert_columns(Registration)
    params = _insert_values(registration, fields)
    preferences = [(group.pk, rank) for rank, group in enumerate(groups, 1)]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The preferences take the id that the registration's INSERT returns.
            cursor.execute(
                _registration_insert_sql(len(preferences)),
                [*params, *(value for preference in preferences for value in preference)],
            )
            registration.pk = cursor.fetchone()[0]
        else:
            cursor.execute(_registration_insert_sql(0), params)
            registration.pk = cursor.fetchone()[0]
            if preferences:
                cursor.execute(
                    _preferences_insert_sql(len(preferences)),
                    [value for group_id, rank in preferences for value in (registration.pk, group_id, rank)],
                )
        _saved(registration)
        task_row = _registered_email_row(registration) if queue_registered_email else None
        if task_row is None:
            return False
        task_fields, task_columns = _insert_columns(type(task_row))
        cursor.execute(
            f"INSERT INTO {task_row._meta.db_table} ({task_columns})"  # noqa: S608 (names from the model)
            f" VALUES ({', '.join(['%s'] * len(task_fields))})",
            _insert_values(task_row, task_fields),
        )
    from django_tasks.signals import task_enqueued

    _saved(task_row)
    task_enqueued.send(type(task_row.task.get_backend()), task_result=task_row.task_result)
    return True


_PREFERENCES = "registrations_grouppreference (registration_id, group_id, rank)"


@functools.cache
def _registration_insert_sql(preferences):
    """The registration's INSERT, returning its id; on PostgreSQL with this many preferences."""
    fields, columns = _insert_columns(Registration)
    insert = (
        f"INSERT INTO {Registration._meta.db_table} ({columns})"  # noqa: S608 (names from the model)
        f" VALUES ({', '.join(['%s'] * len(fields))}) RETURNING id"
    )
    if not preferences:
        return insert
    rows = ", ".join(["(%s::bigint, %s::smallint)"] * preferences)
    return (
        f"WITH r AS ({insert}), p AS (INSERT INTO {_PREFERENCES} SELECT r.id, v.group_id, v.rank"  # noqa: S608
        f" FROM r, (VALUES {rows}) AS v (group_id, rank)) SELECT id FROM r"
    )


@functools.cache
def _preferences_insert_sql(preferences):
    return f"INSERT INTO {_PREFERENCES} VALUES {', '.join(['(%s, %s, %s)'] * preferences)}"  # noqa: S608


def _registered_email_row(registration):
    """The task row that queues the REGISTERED email of `registration`, as django-tasks-db's
    DatabaseBackend builds it in enqueue() (with its pre_save signal, which sets run_after);
    None when the task queue is not this database's."""
    from django.db.models.signals import pre_save
    from django_tasks.utils import normalize_json
    from django_tasks_db import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    from registrations.tasks import send_registration_email as task

    backend = task.get_backend()
    if not isinstance(backend, DatabaseBackend):
        return None
    backend.validate_task(task)
    row = DBTaskResult(
        id=backend._get_id(),
        args_kwargs=normalize_json({"args": [registration.pk, REGISTERED], "kwargs": {}}),
        priority=task.priority,
        task_path=task.module_path,
        queue_name=task.queue_name,
        run_after=task.run_after,
        backend_name=backend.alias,
    )
    pre_save.send(sender=DBTaskResult, instance=row, raw=False, using=connection.alias, update_fields=None)
    return row


def _saved(instance):
    instance._state.adding = False
    instance._state.db = connection.alias


@functools.cache
def _insert_columns(model):
    """The fields an INSERT of `model` writes (all but an automatic id), and their columns."""
    meta = model._meta
    fields = [field for field in meta.local_concrete_fields if field is not meta.auto_field]
    return fields, ", ".join(connection.ops.quote_name(field.column) for field in fields)


def _insert_values(instance, fields):
    return [field.get_db_prep_save(field.pre_save(instance, True), connection) for field in fields]


def waitlist_position(registration):
    """1 for the first person waiting, and so on: the waitlisted registrations of the summit put
    on the waitlist before this one, plus one. Counted through the (status, summit,
    waitlisted_at) index."""
    if registration.status != Status.WAITLISTED:
        return None
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
    from registrations import payments

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
        from registrations import checkout

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

    from registrations.tasks import send_registration_email

    return isinstance(send_registration_email.get_backend(), DatabaseBackend) and connection.in_atomic_block


def _send(registration, kind):
    from registrations.tasks import send_registration_email

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
