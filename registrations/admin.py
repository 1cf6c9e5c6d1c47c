from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from registrations.badges import reissue_badge
from registrations.models import BadgeSheetJob, GroupPreference, Registration
from summit.admin import SummitScopedAdmin
from summit.errors import DomainError


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
        "badge_version",
        "badge_printed_at",
        "created_at",
        "updated_at",
        "confirmed_at",
        "waitlisted_at",
        "cancelled_at",
    ]
    inlines = [GroupPreferenceInline]
    date_hierarchy = "created_at"
    actions = ["reissue_badges"]

    @admin.action(description=_("Reissue the badge (the old QR code stops working)"))
    def reissue_badges(self, request, queryset):
        reissued, refused = 0, 0
        for registration in queryset:
            try:
                reissue_badge(registration, by=request.user)
                reissued += 1
            except DomainError:
                refused += 1
        if reissued:
            self.message_user(
                request,
                ngettext(
                    "%(count)d badge reissued; print it again.",
                    "%(count)d badges reissued; print them again.",
                    reissued,
                )
                % {"count": reissued},
                messages.SUCCESS,
            )
        if refused:
            self.message_user(
                request,
                ngettext(
                    "%(count)d registration is not confirmed and has no badge.",
                    "%(count)d registrations are not confirmed and have no badge.",
                    refused,
                )
                % {"count": refused},
                messages.WARNING,
            )


@admin.register(BadgeSheetJob)
class BadgeSheetJobAdmin(SummitScopedAdmin):
    list_display = ["created_at", "summit", "layout", "total", "status", "requested_by"]
    list_filter = ["summit", "status", "layout"]
    readonly_fields = [field.name for field in BadgeSheetJob._meta.fields]

    def has_add_permission(self, request):
        return False
