from django.contrib import admin, messages
from django.contrib.admin import actions as admin_actions
from django.contrib.admin.models import DELETION, LogEntry
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.contrib.contenttypes.models import ContentType
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
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
from registrations.purge import delete_own_registration
from registrations.search import names_matching
from registrations.seats import services
from registrations.seats.tasks import queue_email
from registrations.setup import admin as setup_admin  # noqa: F401  (registers the summit and ticket type admins)
from summit import audit
from summit.admin import SummitChoicesMixin, SummitScopedAdmin, planner_summit_ids
from summit.errors import DomainError
from summit.models import Summit


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
    """Registrations as planners see them. Who holds a seat changes only through the registration
    services (cancel, offer a seat, delete: the actions below), never by editing the status or
    seat fields here; new registrations come from the public form, the assisted registration
    page or an import, not from an add form."""

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
    # And the names, case and accents ignored (registrations.search): see get_search_results.
    search_fields = ["email", "organization"]
    search_help_text = _("Search by name (accents optional), email or organization.")
    list_select_related = ["summit", "ticket_type", "group"]
    readonly_fields = [
        "public_id",
        "summit",
        "status",
        "ticket_type",
        "hold_expires_at",
        "offer_expires_at",
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
    actions = [
        "cancel_registrations",
        "offer_seats",
        "send_manage_links",
        "reissue_badges",
        "delete_selected",
    ]

    def has_add_permission(self, request):
        return False  # the list page links to the assisted registration page instead

    def changelist_view(self, request, extra_context=None):
        summits = Summit.objects.order_by("-starts_at")
        if not request.user.is_superuser:
            summits = summits.filter(id__in=planner_summit_ids(request.user))
        assisted = [
            (summit.name, reverse("registrations:assisted", args=[summit.slug]))
            for summit in summits.filter(ends_at__gte=timezone.now())
        ]
        return super().changelist_view(request, {**(extra_context or {}), "assisted_pages": assisted})

    def get_search_results(self, request, queryset, search_term):
        found, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if search_term.strip():
            found |= queryset.filter(names_matching(search_term))
        return found, may_have_duplicates

    def save_model(self, request, obj, form, change):
        # Only what the planner changed is written: the status, seat and offer fields loaded
        # with this form may have moved since (a cancellation, an offer, a payment), and they
        # are the seat rules' to write.
        obj.save(update_fields=[*form.changed_data, "updated_at"] if change else None)

    @admin.action(
        permissions=["change"],
        description=_(
            "Cancel (what was paid before the refund deadline is refunded; the seat goes to the waitlist)"
        ),
    )
    def cancel_registrations(self, request, queryset):
        cancelled, already = [], 0
        for registration in queryset:
            if registration.status == Registration.Status.CANCELLED:
                already += 1
                continue
            services.cancel_registration(registration, by=request.user)
            cancelled.append(registration.pk)
        refunds = Payment.objects.filter(
            registration__in=cancelled, refund_reason=Payment.RefundReason.CANCELLED
        ).count()
        if cancelled:
            self.message_user(
                request,
                ngettext(
                    "%(count)d registration cancelled; its seat, if it held one, is offered to the waitlist.",
                    "%(count)d registrations cancelled; the seats they held are offered to the waitlist.",
                    len(cancelled),
                )
                % {"count": len(cancelled)},
                messages.SUCCESS,
            )
        if refunds:
            self.message_user(
                request,
                ngettext("%(count)d refund requested.", "%(count)d refunds requested.", refunds)
                % {"count": refunds},
                messages.SUCCESS,
            )
        if already:
            self.message_user(
                request,
                ngettext(
                    "%(count)d registration was cancelled already.",
                    "%(count)d registrations were cancelled already.",
                    already,
                )
                % {"count": already},
                messages.WARNING,
            )

    @admin.action(
        permissions=["change"],
        description=_("Offer a seat now (waitlisted people, ahead of the line, if a seat is free)"),
    )
    def offer_seats(self, request, queryset):
        offered, on_offer, not_waiting, no_seat = 0, 0, 0, []
        now = timezone.now()
        for registration in queryset.order_by("waitlisted_at", "pk"):  # the selection in line order
            if registration.offer_expires_at and registration.offer_expires_at > now:
                on_offer += 1
                continue
            try:
                services.offer_seat(registration)
                offered += 1
            except services.RegistrationError as error:
                if error.code == "summit_full":
                    no_seat.append(str(registration))
                else:
                    not_waiting += 1
        if offered:
            self.message_user(
                request,
                ngettext(
                    "A seat was offered to %(count)d person, who is emailed.",
                    "Seats were offered to %(count)d people; each is emailed.",
                    offered,
                )
                % {"count": offered},
                messages.SUCCESS,
            )
        if no_seat:
            self.message_user(
                request,
                ngettext(
                    "No seat was free for %(count)d person: %(names)s.",
                    "No seat was free for %(count)d people: %(names)s.",
                    len(no_seat),
                )
                % {"count": len(no_seat), "names": ", ".join(no_seat)},
                messages.WARNING,
            )
        if on_offer:
            self.message_user(
                request,
                ngettext(
                    "%(count)d person has a seat on offer already.",
                    "%(count)d people have a seat on offer already.",
                    on_offer,
                )
                % {"count": on_offer},
                messages.WARNING,
            )
        if not_waiting:
            self.message_user(
                request,
                ngettext(
                    "%(count)d registration is not on the waitlist, so was not offered a seat.",
                    "%(count)d registrations are not on the waitlist, so were not offered a seat.",
                    not_waiting,
                )
                % {"count": not_waiting},
                messages.WARNING,
            )

    @admin.action(permissions=["view"], description=_("Email their private link again"))
    def send_manage_links(self, request, queryset):
        sent = no_email = 0
        for registration in queryset:
            if not registration.email:
                no_email += 1
                continue
            queue_email(registration, "manage_link")
            sent += 1
        if sent:
            self.message_user(
                request,
                ngettext(
                    "Private link emailed to %(count)d person.",
                    "Private links emailed to %(count)d people.",
                    sent,
                )
                % {"count": sent},
                messages.SUCCESS,
            )
        if no_email:
            self.message_user(
                request,
                ngettext(
                    "%(count)d registration has no email, so no link was sent.",
                    "%(count)d registrations have no email, so no link was sent.",
                    no_email,
                )
                % {"count": no_email},
                messages.WARNING,
            )

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

    # Deleting a registration here is the attendee's own data deletion (registrations.purge):
    # it is cancelled (a seat it held is offered on), then its personal details are erased. The
    # row stays, anonymized, for the summit's figures; nothing else is deleted.

    def get_deleted_objects(self, objs, request):
        # So the confirmation lists the registrations only, and asks no permission on rows that
        # would go with a real deletion (payments, check-ins): none do.
        return [str(obj) or _("(details erased)") for obj in objs], {}, set(), []

    def delete_model(self, request, obj):
        delete_own_registration(obj)

    def delete_queryset(self, request, queryset):
        for registration in queryset:
            delete_own_registration(registration)

    def log_deletions(self, request, queryset):
        # Django's log would keep the name of the person whose details are being erased: the
        # entry names the row by its id only.
        content_type = ContentType.objects.get_for_model(Registration)
        return LogEntry.objects.bulk_create(
            LogEntry(
                user_id=request.user.pk,
                content_type_id=content_type.pk,
                object_id=str(registration.pk),
                object_repr=f"#{registration.pk}",
                action_flag=DELETION,
            )
            for registration in queryset
        )

    def response_delete(self, request, obj_display, obj_id):
        self.message_user(
            request,
            _("The registration of %(name)s is deleted: cancelled, its seat offered on, the details erased.")
            % {"name": obj_display or _("(details erased)")},
            messages.SUCCESS,
        )
        url = reverse("admin:registrations_registration_changelist", current_app=self.admin_site.name)
        preserved = {"preserved_filters": self.get_preserved_filters(request), "opts": self.opts}
        return HttpResponseRedirect(add_preserved_filters(preserved, url))

    @admin.action(
        permissions=["delete"],
        description=_("Delete the selected registrations (cancel, offer the seat on, erase the details)"),
    )
    def delete_selected(self, request, queryset):
        """Django's "delete selected", worded for what it does here: its confirmation page, then
        the data deletion of each registration."""
        if not request.POST.get("post"):
            return admin_actions.delete_selected(self, request, queryset)
        registrations = list(queryset)
        self.log_deletions(request, registrations)
        self.delete_queryset(request, queryset)
        self.message_user(
            request,
            ngettext(
                "%(count)d registration deleted: cancelled, its seat offered on, the details erased.",
                "%(count)d registrations deleted: cancelled, their seats offered on, the details erased.",
                len(registrations),
            )
            % {"count": len(registrations)},
            messages.SUCCESS,
        )
        return None

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
