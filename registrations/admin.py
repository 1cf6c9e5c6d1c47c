from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from registrations.badges.codes import reissue_badge
from registrations.door.links import revoke_door_link
from registrations.models import (
    BadgeSheetJob,
    CheckIn,
    DoorLink,
    GroupPreference,
    Payment,
    Registration,
    ScanLog,
    StripeEvent,
)
from registrations.payments import services as checkout
from summit import audit
from summit.admin import SummitChoicesMixin, SummitScopedAdmin
from summit.errors import DomainError


class GroupPreferenceInline(SummitChoicesMixin, admin.TabularInline):
    model = GroupPreference
    extra = 0


class PaymentInline(SummitChoicesMixin, admin.TabularInline):
    """Payments and refund state, read-only: money changes only through Stripe."""

    model = Payment
    extra = 0
    can_delete = False
    fields = ["status", "amount", "currency", "refund_status", "refund_reason", "refunded_amount", "paid_at",
              "refunded_at", "stripe_session_id"]  # fmt: skip
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


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
    inlines = [GroupPreferenceInline, PaymentInline]
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

    # Audit (issue 23): a planner opening a registration whose accessibility, interpretation,
    # dietary or childcare needs are filled in is logged, as exports and door searches are.
    # Self-contained on purpose: only this method, and the `audit` import, were added for it.
    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        if response.status_code == 200:
            # The change form shows the registration it was given (no second query).
            registration = (getattr(response, "context_data", None) or {}).get("original")
            if registration is not None and registration.has_needs:
                audit.record(
                    action="registrations.admin_view_needs",
                    summit=registration.summit,
                    user=request.user,
                    count=1,
                    detail=f"registration {registration.public_id}",
                )
        return response


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
        for link in queryset:
            revoke_door_link(link, by=request.user)


@admin.register(Payment)
class PaymentAdmin(SummitScopedAdmin):
    summit_lookup = "registration__summit"
    list_display = ["registration", "status", "amount", "currency", "refund_status", "refund_reason", "paid_at",
                    "created_at"]  # fmt: skip
    list_filter = ["registration__summit", "status", "refund_reason"]
    search_fields = ["stripe_session_id", "payment_intent", "refund_id", "registration__email"]
    list_select_related = ["registration"]
    actions = ["refund_in_full"]
    readonly_fields = [field.name for field in Payment._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Refund in full through Stripe"))
    def refund_in_full(self, request, queryset):
        refunded = skipped = 0
        for payment in queryset:
            if payment.status != Payment.Status.PAID:
                skipped += 1
                continue
            payment = checkout.refund_payment(payment)
            refunded += 1
        self.message_user(
            request,
            ngettext("%(count)d refund requested.", "%(count)d refunds requested.", refunded)
            % {"count": refunded},
            messages.SUCCESS,
        )
        if skipped:
            self.message_user(
                request,
                ngettext("%(count)d payment was not paid, so not refunded.",
                         "%(count)d payments were not paid, so not refunded.", skipped) % {"count": skipped},
                messages.WARNING,
            )  # fmt: skip


@admin.register(StripeEvent)
class StripeEventAdmin(admin.ModelAdmin):
    list_display = ["event_id", "type", "object_id", "received_at"]
    list_filter = ["type"]
    search_fields = ["event_id", "object_id"]
    readonly_fields = ["event_id", "type", "object_id", "received_at"]

    def has_add_permission(self, request):
        return False

    # Stripe's events belong to no summit: only superusers see them. (A planner deleting one
    # would let a replayed webhook act twice.)
    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


@admin.register(BadgeSheetJob)
class BadgeSheetJobAdmin(SummitScopedAdmin):
    list_display = ["created_at", "summit", "layout", "total", "status", "requested_by"]
    list_filter = ["summit", "status", "layout"]
    readonly_fields = [field.name for field in BadgeSheetJob._meta.fields]

    def has_add_permission(self, request):
        return False
