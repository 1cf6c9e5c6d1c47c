from django.contrib import admin

from registrations.models import GroupPreference, Registration
from summit.admin import SummitScopedAdmin


class GroupPreferenceInline(admin.TabularInline):
    model = GroupPreference
    extra = 0


@admin.register(Registration)
class RegistrationAdmin(SummitScopedAdmin):
    list_display = [
        "__str__",
        "summit",
        "status",
        "sector",
        "organization",
        "ticket_type",
        "group",
        "created_at",
    ]
    list_filter = ["summit", "status", "sector", "ticket_type", "language", "group"]
    search_fields = ["first_name", "last_name", "email", "organization"]
    list_select_related = ["summit", "ticket_type", "group"]
    readonly_fields = [
        "public_id",
        "created_at",
        "updated_at",
        "confirmed_at",
        "waitlisted_at",
        "cancelled_at",
    ]
    inlines = [GroupPreferenceInline]
    date_hierarchy = "created_at"
