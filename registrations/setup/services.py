"""A planner's setup of a summit: its dates, capacity and windows, its ticket types, planning
groups and promo codes. The API, the admin and commands call these; each runs in one transaction.

A change of capacity or of a ticket type's quota is a change of seats: it runs the seat rules
under the summit's lock. Lowering below the seats held is refused (400, the field named);
raising offers the freed seats to the waitlist at once, in order, and emails those people.
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

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
    codes), as a 400 naming the field (code `duplicate` for a slug or code taken, else `invalid`);
    `key_field` is named for what concerns the whole row."""
    try:
        instance.full_clean()
    except ValidationError as error:
        field, errors = next(iter(error.error_dict.items()))
        code = "duplicate" if errors[0].code in ("unique", "unique_together") else "invalid"
        message = next(iter(errors[0]))
        raise SetupError(code, message, field=key_field if field == "__all__" else field) from None


def update_summit(summit, *, data, now=None):
    """Change a summit's setup (any of SUMMIT_FIELDS in `data`). Returns (summit, offers): the
    waitlisted registrations offered a seat because the capacity went up."""
    now = now or timezone.now()
    with transaction.atomic():
        summit = rules.lock_summit(summit)
        _apply(summit, data, SUMMIT_FIELDS)
        _validated(summit, key_field="starts_at")
        opens, closes = summit.registration_opens_at, summit.registration_closes_at
        if opens and closes and closes <= opens:
            raise SetupError(
                "invalid",
                _("Registration must close after it opens."),
                field="registration_closes_at",
            )
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
    # Under the summit's lock: two requests for the same slug queue, and the second is told so
    # (a 400, not the database's unique constraint); a registration choosing groups sees them whole.
    summit = rules.lock_summit(summit)
    if group is None:
        group = PlanningGroup(summit=summit)
    else:
        group = PlanningGroup.objects.select_for_update().get(pk=group.pk, summit=summit)
    _apply(group, data, GROUP_FIELDS)
    if group.max_size < group.min_size:
        raise SetupError("invalid", _("The maximum size cannot be below the minimum size."), field="max_size")
    _validated(group, key_field="slug")
    group.save()
    return group


def delete_planning_group(group):
    """Delete a planning group that nothing refers to yet: no registration, preference,
    facilitator, assignment, recommendation or voting round. Otherwise raises SetupError
    `group_in_use` (409) naming what refers to it (model labels, in `references`), and the group
    stays."""
    try:
        with transaction.atomic():
            # Under the summit's lock: a registration choosing this group is decided before the
            # delete (and so refuses it) or after (and is told the group is gone).
            summit = rules.lock_summit(group.summit)
            group = PlanningGroup.objects.select_for_update().get(pk=group.pk, summit=summit)
            references = _referring_to(group)
            if references:
                raise _group_in_use(references)
            group.delete()
    except IntegrityError:
        # Something that takes no summit lock (a recommendation) came to refer to it meanwhile.
        raise _group_in_use([]) from None


def _referring_to(group):
    """The labels of the models whose rows refer to `group` (whatever app they live in)."""
    return [
        relation.related_model._meta.label_lower
        for relation in PlanningGroup._meta.related_objects
        if relation.related_model._base_manager.filter(**{relation.field.name: group}).exists()
    ]


def _group_in_use(references):
    return SetupError(
        "group_in_use",
        _(
            "This planning group is in use (registrations, preferences, facilitators or "
            "recommendations refer to it): it cannot be deleted."
        ),
        status_code=409,
        extra={"references": references},
    )


PROMO_FIELDS = ("code", "description", "percent_off", "amount_off", "max_uses", "active")


@transaction.atomic
def save_promo_code(summit, *, data, promo=None):
    """Create a promo code (promo=None) or change one; `ticket_types` in `data` (ticket types of
    this summit) limits it to those. Returns the promo code. Deactivating takes it out of use;
    registrations keep it."""
    # The summit's lock queues two requests for the same code; the promo's row lock waits for a
    # registration redeeming it, so that its count of uses is the one saved.
    summit = rules.lock_summit(summit)
    if promo is None:
        promo = PromoCode(summit=summit)
    else:
        promo = PromoCode.objects.select_for_update().get(pk=promo.pk, summit=summit)
    _apply(promo, data, PROMO_FIELDS)
    if (promo.percent_off is None) == (promo.amount_off is None):
        raise SetupError("invalid", _("Give either a percent off or an amount off."), field="percent_off")
    if promo.max_uses is not None and promo.max_uses < promo.uses:
        raise SetupError(
            "invalid",
            _("This code has been used %(uses)s times already: the use limit cannot be lower.")
            % {"uses": promo.uses},
            field="max_uses",
        )
    taken = PromoCode.objects.filter(summit=summit, code__iexact=promo.code).exclude(pk=promo.pk)
    if promo.code and taken.exists():
        raise SetupError("duplicate", _("This summit already has this promo code."), field="code")
    _validated(promo, key_field="code")
    promo.save()
    if "ticket_types" in data:
        promo.ticket_types.set(data["ticket_types"])
    return promo
