"""A planner's setup of a summit: its dates, capacity and windows, its ticket types, planning
groups and promo codes. The API, the admin and commands call these; each runs in one transaction.

A change of capacity or of a ticket type's quota is a change of seats: it runs the seat rules
under the summit's lock. Lowering below the seats held is refused (400, the field named);
raising offers the freed seats to the waitlist at once, in order, and emails those people.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from registrations.seats import rules
from summit.errors import DomainError
from summit.models import PlanningGroup, PromoCode, TicketType

SUMMIT_FIELDS = (
    "name",
    "name_es",
    "description",
    "description_es",
    "venue",
    "timezone",
    "starts_at",
    "ends_at",
    "capacity",
    "registration_opens_at",
    "registration_closes_at",
    "languages",
    "retention_until",
    "hold_minutes",
    "offer_hours",
    "refund_deadline",
    "contact_email",
)


class SetupError(DomainError):
    status_code = 400


def _apply(instance, data, fields):
    for field in fields:
        if field in data:
            setattr(instance, field, data[field])


def _validated(instance, *, key_field):
    """The model's own validation (its fields, Summit.clean's dates in order, unique slugs and
    codes), as a 400 naming the field; `key_field` is named for what concerns the whole row."""
    try:
        instance.full_clean()
    except ValidationError as error:
        field, messages = next(iter(error.message_dict.items()))
        raise SetupError("invalid", messages[0], field=key_field if field == "__all__" else field) from None


def update_summit(summit, *, data, now=None):
    """Change a summit's setup (any of SUMMIT_FIELDS in `data`). Returns (summit, offers): the
    waitlisted registrations offered a seat because the capacity went up."""
    now = now or timezone.now()
    with transaction.atomic():
        summit = rules.lock_summit(summit)
        _apply(summit, data, SUMMIT_FIELDS)
        _validated(summit, key_field="starts_at")
        if "capacity" in data:
            rules.check_capacity(summit, summit.capacity, now=now)
        summit.save()
        offers = rules.offer_free_seats(summit, now=now)
    return summit, offers


TICKET_TYPE_FIELDS = (
    "slug",
    "name",
    "name_es",
    "description",
    "description_es",
    "price",
    "currency",
    "quota",
    "active",
    "position",
)


def save_ticket_type(summit, *, data, ticket_type=None, now=None):
    """Create a ticket type (ticket_type=None) or change one. Its quota is a change of seats:
    refused below the seats of that type held now; raised, the freed seats are offered.
    Returns (ticket_type, offers). Deactivating takes it off sale; registrations keep it."""
    now = now or timezone.now()
    with transaction.atomic():
        summit = rules.lock_summit(summit)
        if ticket_type is None:
            ticket_type = TicketType(summit=summit)
        else:
            ticket_type = TicketType.objects.select_for_update().get(pk=ticket_type.pk, summit=summit)
        _apply(ticket_type, data, TICKET_TYPE_FIELDS)
        _validated(ticket_type, key_field="slug")
        if ticket_type.pk and "quota" in data:
            rules.check_quota(ticket_type, ticket_type.quota, now=now)
        ticket_type.save()
        offers = rules.offer_free_seats(summit, now=now)
    return ticket_type, offers


GROUP_FIELDS = (
    "slug",
    "name",
    "name_es",
    "description",
    "description_es",
    "language",
    "pillar",
    "min_size",
    "max_size",
    "room",
    "position",
)


@transaction.atomic
def save_planning_group(summit, *, data, group=None):
    """Create a planning group (group=None) or change one. Returns the group."""
    group = PlanningGroup(summit=summit) if group is None else group
    _apply(group, data, GROUP_FIELDS)
    _validated(group, key_field="slug")
    group.save()
    return group


PROMO_FIELDS = ("code", "description", "percent_off", "amount_off", "max_uses", "active")


@transaction.atomic
def save_promo_code(summit, *, data, promo=None):
    """Create a promo code (promo=None) or change one; `ticket_types` in `data` (ticket types of
    this summit) limits it to those. Returns the promo code."""
    promo = PromoCode(summit=summit) if promo is None else promo
    _apply(promo, data, PROMO_FIELDS)
    _validated(promo, key_field="code")
    promo.save()
    if "ticket_types" in data:
        promo.ticket_types.set(data["ticket_types"])
    return promo
