"""A summit, its ticket types and its planning groups, as a registration is checked against
them, kept per process for a few seconds.

When registration opens, hundreds of requests a second ask the same questions: which summit is
this slug, is this a ticket type of it, are these its planning groups. Reading them once per
process instead of four times per request is a large part of what a registration costs.

Nothing that decides a seat is taken from here: the seat decision reads the summit's capacity,
registration window and hold time and the ticket type's quota and "on sale" flag again from the
database, under the summit lock (services.register_attendee). What may be stale is only which
ticket types and groups exist and a ticket type's price: an edit clears this process's copy at
once (the signals below) and every other process's copy within CATALOG_SECONDS. A ticket type or
group deleted meanwhile is caught by its foreign key and answered 409 `choices_changed`.
"""

import threading
import time
from dataclasses import dataclass

from django.db.models.signals import post_delete, post_save

from summit.models import PlanningGroup, Summit, TicketType

CATALOG_SECONDS = 5.0


@dataclass(frozen=True)
class Catalog:
    summit: Summit
    ticket_types: dict  # slug -> TicketType
    groups: dict  # slug -> PlanningGroup
    loaded_at: float


_catalogs = {}  # summit slug -> Catalog
_lock = threading.Lock()


def for_slug(slug):
    """The catalog of the summit with this slug (None when there is none), loaded when missing
    or older than CATALOG_SECONDS. Its objects are shared by the threads of this process: read
    them, never change them."""
    now = time.monotonic()
    catalog = _catalogs.get(slug)
    if catalog is not None and now - catalog.loaded_at < CATALOG_SECONDS:
        return catalog
    summit = Summit.objects.filter(slug=slug).first()
    if summit is None:
        return None
    catalog = Catalog(
        summit=summit,
        ticket_types={
            ticket_type.slug: ticket_type for ticket_type in TicketType.objects.filter(summit=summit)
        },
        groups={group.slug: group for group in PlanningGroup.objects.filter(summit=summit)},
        loaded_at=now,
    )
    with _lock:
        _catalogs[slug] = catalog
    return catalog


def clear(**kwargs):
    with _lock:
        _catalogs.clear()


for _model in (Summit, TicketType, PlanningGroup):
    post_save.connect(
        clear, sender=_model, dispatch_uid=f"registrations.seats.catalog.save.{_model.__name__}"
    )
    post_delete.connect(
        clear, sender=_model, dispatch_uid=f"registrations.seats.catalog.delete.{_model.__name__}"
    )
