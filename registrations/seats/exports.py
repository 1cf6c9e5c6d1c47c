"""Planner exports (each is audit-logged by its caller)."""

from registrations.models import Registration
from summit.csvsafe import to_csv

# The whole profile, from the model's one list, between what the summit decided about the person.
HEADER = [
    "id",
    "status",
    *Registration.PROFILE_FIELDS,
    "ticket_type",
    "preference_1",
    "preference_2",
    "preference_3",
    "group",
    "created_at",
]


def registrations_csv(queryset):
    def rows():
        for r in queryset:
            prefs = [p.group.slug for p in r.preferences.all()] + ["", "", ""]
            yield [
                r.public_id,
                r.status,
                *(getattr(r, name) for name in Registration.PROFILE_FIELDS),
                r.ticket_type.slug,
                *prefs[:3],
                r.group.slug if r.group else "",
                r.created_at.isoformat(),
            ]

    return to_csv(HEADER, rows())
