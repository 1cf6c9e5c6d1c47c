"""Planner exports (each is audit-logged by its caller)."""

from summit.csvsafe import to_csv

HEADER = [
    "id",
    "status",
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
    "ticket_type",
    "preference_1",
    "preference_2",
    "preference_3",
    "group",
    "accessibility_needs",
    "interpretation_needs",
    "dietary_needs",
    "childcare_needs",
    "share_with_group",
    "photo_consent",
    "created_at",
]


def registrations_csv(queryset):
    def rows():
        for r in queryset:
            prefs = [p.group.slug for p in r.preferences.all()] + ["", "", ""]
            yield [
                r.public_id,
                r.status,
                r.first_name,
                r.last_name,
                r.badge_name,
                r.pronouns,
                r.email,
                r.phone,
                r.organization,
                r.role_title,
                r.sector,
                r.language,
                r.ticket_type.slug,
                *prefs[:3],
                r.group.slug if r.group else "",
                r.accessibility_needs,
                r.interpretation_needs,
                r.dietary_needs,
                r.childcare_needs,
                r.share_with_group,
                r.photo_consent,
                r.created_at.isoformat(),
            ]

    return to_csv(HEADER, rows())
