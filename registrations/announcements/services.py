"""Announcements to attendees and the summit's reminders.

A planner writes an announcement once in English and Spanish and picks its audience
(`audience_queryset`); `preview` counts it, `send_announcement` stores it with one delivery per
attendee and queues its sending (tasks.send_announcement_task), which sends each attendee the
text of their language. Attendees who stopped announcements (the one-click unsubscribe in every
announcement) are left out; emails about one's own registration never stop.

Reminders (`Reminder`) go to the confirmed attendees a set number of days before the summit, with
the time, the place, the badge and the private link: `send_due_reminders`, run by housekeeping.
"""

import datetime

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from registrations.announcements.tasks import send_announcement_task
from registrations.models import Announcement, AnnouncementDelivery, Registration, Reminder
from registrations.seats.tasks import queue_email
from summit import audit
from summit.background import enqueued_in_transaction
from summit.errors import DomainError

Status = Registration.Status

AUDIENCE_KEYS = ("status", "ticket_type", "group", "language", "need")
STATUSES = (Status.CONFIRMED, Status.WAITLISTED, Status.PENDING_PAYMENT, Status.CANCELLED)
NEEDS = {
    "dietary": "dietary_needs",
    "childcare": "childcare_needs",
    "interpretation": "interpretation_needs",
    "access": "accessibility_needs",
}


class AudienceError(DomainError):
    def __init__(self, code, message, field):
        super().__init__(code, message, field=field, status_code=400)


def clean_audience(summit, audience):
    """The audience filters, checked: {"status": [...], "ticket_type": slug, "group": slug,
    "language": "en"|"es", "need": one of NEEDS}. All given filters must hold; status defaults to
    confirmed. Raises AudienceError naming the filter (as `audience.<name>`)."""
    if audience is None:
        audience = {}
    if not isinstance(audience, dict):
        raise AudienceError("invalid_audience", _("Give the audience as an object of filters."), "audience")
    unknown = sorted(set(audience) - set(AUDIENCE_KEYS))
    if unknown:
        raise AudienceError(
            "unknown_filter",
            _("Unknown audience filter: %(name)s.") % {"name": str(unknown[0])[:40]},
            f"audience.{str(unknown[0])[:40]}",
        )
    cleaned = {}
    statuses = audience.get("status", [Status.CONFIRMED])
    if isinstance(statuses, str):
        statuses = [statuses]
    if (
        not isinstance(statuses, list)
        or not statuses
        or not all(isinstance(s, str) and s in STATUSES for s in statuses)
    ):
        raise AudienceError(
            "invalid_status",
            _("Choose registration statuses among: %(choices)s.") % {"choices": ", ".join(STATUSES)},
            "audience.status",
        )
    cleaned["status"] = sorted(set(statuses))
    for key, related in (("ticket_type", summit.ticket_types), ("group", summit.groups)):
        value = audience.get(key)
        if value in (None, ""):
            continue
        if not isinstance(value, str) or not related.filter(slug=value).exists():
            raise AudienceError(
                f"unknown_{key}",
                _("There is no such %(what)s at this summit.")
                % {"what": _("ticket type") if key == "ticket_type" else _("planning group")},
                f"audience.{key}",
            )
        cleaned[key] = value
    language = audience.get("language")
    if language not in (None, ""):
        if not isinstance(language, str) or language not in ("en", "es"):
            raise AudienceError(
                "invalid_language", _("Choose English (en) or Spanish (es)."), "audience.language"
            )
        cleaned["language"] = language
    need = audience.get("need")
    if need not in (None, ""):
        if not isinstance(need, str) or need not in NEEDS:
            raise AudienceError(
                "invalid_need",
                _("Choose a need among: %(choices)s.") % {"choices": ", ".join(NEEDS)},
                "audience.need",
            )
        cleaned["need"] = need
    return cleaned


def audience_queryset(summit, audience):
    """The registrations an announcement with these (cleaned) filters goes to: with an email,
    announcements not stopped."""
    people = Registration.objects.filter(summit=summit, status__in=audience["status"], unsubscribed_at=None)
    people = people.exclude(email="")
    if "ticket_type" in audience:
        people = people.filter(ticket_type__slug=audience["ticket_type"])
    if "group" in audience:
        people = people.filter(group__slug=audience["group"])
    if "language" in audience:
        people = people.filter(language=audience["language"])
    if "need" in audience:
        people = people.exclude(**{NEEDS[audience["need"]]: ""})
    return people


def preview(summit, audience):
    """(cleaned audience, how many it would go to)."""
    audience = clean_audience(summit, audience)
    return audience, audience_queryset(summit, audience).count()


@transaction.atomic
def send_announcement(summit, *, texts, audience, by=None):
    """Store the announcement and one delivery per attendee of its audience, and queue the
    sending (it commits with them). `texts`: subject_en, body_en, subject_es, body_es.
    Returns the announcement, with `count` (its deliveries)."""
    audience = clean_audience(summit, audience)
    announcement = Announcement.objects.create(summit=summit, audience=audience, created_by=by, **texts)
    deliveries = [
        AnnouncementDelivery(announcement=announcement, registration_id=pk)
        for pk in audience_queryset(summit, audience).values_list("pk", flat=True)
    ]
    AnnouncementDelivery.objects.bulk_create(deliveries, batch_size=1000)
    announcement.count = len(deliveries)
    audit.record(
        action="announcement.send",
        summit=summit,
        user=by,
        count=announcement.count,
        detail=f"#{announcement.pk}",
    )
    queue_announcement(announcement)
    return announcement


def queue_announcement(announcement):
    """Queue the sending: with the database task backend the task row commits with the
    announcement; with another one, it is queued after commit."""
    if enqueued_in_transaction(send_announcement_task):
        send_announcement_task.enqueue(announcement.pk)
    else:
        transaction.on_commit(lambda: send_announcement_task.enqueue(announcement.pk))


def with_counts(announcements):
    """Annotate each announcement with count, sent and failed (its deliveries)."""
    return announcements.annotate(
        count=Count("deliveries"),
        sent=Count("deliveries", filter=Q(deliveries__status=AnnouncementDelivery.Status.SENT)),
        failed=Count("deliveries", filter=Q(deliveries__status=AnnouncementDelivery.Status.FAILED)),
    )


def unsubscribe(registration):
    """Stop announcements to this attendee (idempotent)."""
    Registration.objects.filter(pk=registration.pk, unsubscribed_at=None).update(
        unsubscribed_at=timezone.now()
    )


def resubscribe(registration):
    Registration.objects.filter(pk=registration.pk).update(unsubscribed_at=None)


def send_due_reminders(*, now=None):
    """Queue the reminder email to every confirmed attendee of each reminder now due (the summit
    starts within its `days_before` and has not started). Each reminder is sent once. Returns
    the number of emails queued."""
    now = now or timezone.now()
    queued = 0
    due = Reminder.objects.filter(sent_at=None, summit__starts_at__gt=now).select_related("summit")
    for reminder in due:
        if reminder.summit.starts_at - datetime.timedelta(days=reminder.days_before) > now:
            continue
        with transaction.atomic():
            claimed = (
                Reminder.objects.select_for_update(skip_locked=True)
                .filter(pk=reminder.pk, sent_at=None)
                .first()
            )
            if claimed is None:
                continue
            claimed.sent_at = now
            claimed.save(update_fields=["sent_at"])
            people = Registration.objects.filter(summit=reminder.summit, status=Status.CONFIRMED).exclude(
                email=""
            )
            for registration in people:
                queue_email(registration, "reminder")
                queued += 1
    return queued
