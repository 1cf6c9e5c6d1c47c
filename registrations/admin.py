from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from registrations.models import CheckIn, DoorLink, GroupPreference, Registration, ScanLog
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


@admin.register(CheckIn)
class CheckInAdmin(SummitScopedAdmin):
    list_display = ["registration", "summit", "checked_in_at", "by", "device", "offline"]
    list_filter = ["summit", "offline"]
    list_select_related = ["registration", "summit", "by"]
    readonly_fields = [
        "registration",
        "summit",
        "checked_in_at",
        "recorded_at",
        "by",
        "device",
        "offline",
        "nonce",
    ]

    def has_add_permission(self, request):
        return False  # check-ins are made at the door (registrations.checkin), never by hand here


@admin.register(ScanLog)
class ScanLogAdmin(SummitScopedAdmin):
    list_display = [
        "created_at",
        "summit",
        "action",
        "result",
        "reason",
        "device",
        "by",
        "offline",
        "flagged",
    ]
    list_filter = ["summit", "action", "result", "offline", "flagged"]
    list_select_related = ["summit", "by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # the audit log is read-only


@admin.register(DoorLink)
class DoorLinkAdmin(SummitScopedAdmin):
    list_display = ["label", "summit", "created_at", "opened_at", "revoked_at"]
    list_filter = ["summit"]
    readonly_fields = ["opened_at", "revoked_at"]
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False  # made on the door links page or with `door_link`, which show the token once

    @admin.action(description=_("Revoke the selected door links (signs their devices out)"))
    def revoke(self, request, queryset):
        from registrations.doorlinks import revoke_door_link

        for link in queryset:
            revoke_door_link(link, by=request.user)
