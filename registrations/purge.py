"""Purging personal data after the summit: registrations keep only what aggregate figures need
(sector, language, status, ticket type, planning group, timestamps); everything that names,
reaches or describes a person is emptied, and their badge codes and private links stop working."""

from django.db import transaction
from django.db.models import F

from registrations.models import IdempotencyRecord, Registration

PERSONAL_TEXT_FIELDS = [
    "first_name",
    "last_name",
    "badge_name",
    "pronouns",
    "email",
    "phone",
    "organization",
    "role_title",
    "accessibility_needs",
    "interpretation_needs",
    "dietary_needs",
    "childcare_needs",
]


@transaction.atomic
def purge_registrations(summit):
    """Anonymize every registration of the summit. Returns the number anonymized."""
    registrations = Registration.objects.filter(summit=summit)
    count = registrations.update(
        **dict.fromkeys(PERSONAL_TEXT_FIELDS, ""),
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
    from registrations import services

    registration = services.cancel_registration(registration)
    with transaction.atomic():
        Registration.objects.filter(pk=registration.pk).update(
            **dict.fromkeys(PERSONAL_TEXT_FIELDS, ""),
            share_with_group=False,
            photo_consent=False,
            badge_code_hash=None,
            badge_version=F("badge_version") + 1,
            link_version=F("link_version") + 1,
        )
        registration.preferences.all().delete()
    return registration
