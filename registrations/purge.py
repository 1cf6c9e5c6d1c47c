"""Purging personal data after the summit: registrations keep only what aggregate figures need
(sector, language, status, ticket type, planning group, timestamps); everything that names,
reaches or describes a person is emptied, and their badge codes and private links stop working."""

from collections import Counter

from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F

from registrations.door.links import revoke_door_link
from registrations.models import (
    BadgeSheetJob,
    CheckIn,
    DoorLink,
    IdempotencyRecord,
    Registration,
    ScanLog,
)
from registrations.seats import services


def personal_blanks():
    """Every personal field of a registration (Registration.PERSONAL_FIELDS, the names folded for
    search included) with its empty value: None where the column may be null, else the empty text."""
    fields = (Registration._meta.get_field(name) for name in Registration.PERSONAL_FIELDS)
    return {field.name: None if field.null else "" for field in fields}


def attendance_figures(summit):
    """The aggregate figures the report needs once names are gone: registered and attended,
    by sector, planning group and language. Counts only."""
    rows = list(
        Registration.objects.filter(summit=summit)
        .exclude(status=Registration.Status.CANCELLED)
        .values_list("status", "sector", "language", "group__slug", "check_in__id")
    )
    confirmed = [row for row in rows if row[0] == Registration.Status.CONFIRMED]
    attended = [row for row in confirmed if row[4] is not None]

    def by(index, subset):
        return dict(sorted(Counter(row[index] or "" for row in subset).items()))

    return {
        "registered": len(confirmed),
        "attended": len(attended),
        "waitlisted": sum(1 for row in rows if row[0] == Registration.Status.WAITLISTED),
        "registered_by_sector": by(1, confirmed),
        "attended_by_sector": by(1, attended),
        "registered_by_language": by(2, confirmed),
        "attended_by_group": by(3, attended),
        "organizations": Registration.objects.filter(summit=summit, status=Registration.Status.CONFIRMED)
        .exclude(organization="")
        .values("organization")
        .distinct()
        .count(),
    }


def purge_door_data(summit):
    """Delete check-in rows and unlink the door log from people; revoke every door link."""
    checkins = CheckIn.objects.filter(summit=summit).delete()[0]
    ScanLog.objects.filter(summit=summit).update(registration=None)
    for link in DoorLink.objects.filter(summit=summit).select_related("user"):
        revoke_door_link(link)
    return checkins


def purge_generated_files(summit):
    """Delete stored badge sheets (they carry names)."""
    removed = 0
    for job in BadgeSheetJob.objects.filter(summit=summit).exclude(file_name=""):
        default_storage.delete(job.file_name)
        removed += 1
    BadgeSheetJob.objects.filter(summit=summit).update(file_name="", registration=None)
    return removed


@transaction.atomic
def purge_registrations(summit):
    """Anonymize every registration of the summit. Returns the number anonymized."""
    registrations = Registration.objects.filter(summit=summit)
    count = registrations.update(
        **personal_blanks(),
        share_with_group=False,
        photo_consent=False,
        registered_by=None,
        badge_code_hash=None,
        badge_version=F("badge_version") + 1,
        link_version=F("link_version") + 1,
    )
    IdempotencyRecord.objects.filter(scope=f"registration:{summit.pk}").delete()
    return count


def delete_own_registration(registration):
    """An attendee deletes their registration now, from the manage page: the seat is freed
    (and offered on) first, then the row is anonymized like a purge."""
    with transaction.atomic():
        registration = services.cancel_registration(registration)
        Registration.objects.filter(pk=registration.pk).update(
            **personal_blanks(),
            share_with_group=False,
            photo_consent=False,
            badge_code_hash=None,
            badge_version=F("badge_version") + 1,
            link_version=F("link_version") + 1,
        )
        registration.preferences.all().delete()
    return registration
