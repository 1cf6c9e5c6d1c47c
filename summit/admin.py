"""Admin helpers for summit-scoped models (planners see and pick only their own summits), and
the admin of the core models that need nothing of the other apps. The Summit and TicketType
admins save through registrations.setup.services (a capacity or quota change runs the seat
rules), so they live in registrations/setup/admin.py: summit imports neither registrations nor
workshops."""

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.db import models
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from summit import audit
from summit.models import AuditEvent, PlanningGroup, PromoCode, StaffRole, Summit, TicketType
from summit.timezones import activate_summit_time_zone, zone_label


def planner_summit_ids(user):
    return StaffRole.objects.filter(user=user, role=StaffRole.Role.PLANNER).values("summit_id")


def _has_summit(model):
    return any(field.name == "summit" for field in model._meta.get_fields())


class SummitChoicesMixin:
    """Choices in a planner's forms come from their own summits only: a summit, and any ticket
    type, group or promo code (a planner of one summit never sees or picks another's)."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if not request.user.is_superuser:
            related = db_field.related_model
            if related is Summit:
                kwargs["queryset"] = Summit.objects.filter(id__in=planner_summit_ids(request.user))
            elif _has_summit(related):
                kwargs["queryset"] = related._default_manager.filter(
                    summit__in=planner_summit_ids(request.user)
                )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        # A time typed here is read in the summit's zone (SummitScopedAdmin activated it): say which.
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        name = getattr(request, "summit_time_zone", None)
        if name and formfield is not None and isinstance(db_field, models.DateTimeField):
            in_zone = format_lazy(_("In {zone}."), zone=zone_label(name))
            formfield.help_text = (
                format_lazy("{} {}", formfield.help_text, in_zone) if formfield.help_text else in_zone
            )
        return formfield


class SummitScopedAdmin(SummitChoicesMixin, admin.ModelAdmin):
    """Planners see and pick only the summits they plan; superusers see everything. Its pages
    show times, and read them, in the time zone of the summit they are about."""

    summit_lookup = "summit"

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        activate_summit_time_zone(request, self.form_time_zone(request, object_id))
        return super().changeform_view(request, object_id, form_url, extra_context)

    def changelist_view(self, request, extra_context=None):
        activate_summit_time_zone(request, self.list_time_zone(request))
        return super().changelist_view(request, extra_context)

    def form_time_zone(self, request, object_id):
        """The zone of the object's summit; on an add form, of the summit chosen in it (posted,
        or `?summit=` in the link), else as on the list."""
        if object_id is not None:
            obj = self.get_object(request, unquote(object_id))
            return self.summit_of(obj).timezone if obj is not None else None
        chosen = request.POST.get("summit") or request.GET.get("summit") or ""
        if chosen.isdigit():
            return self.visible_summits(request).filter(pk=chosen).values_list("timezone", flat=True).first()
        return self.list_time_zone(request)

    def list_time_zone(self, request):
        """The zone of the summit the list is filtered to, else the one zone that all the summits
        this planner sees share (None when they are in several)."""
        summits = self.visible_summits(request)
        chosen = request.GET.get(f"{self.summit_lookup}__id__exact") or ""
        if chosen.isdigit():
            summits = summits.filter(pk=chosen)
        zones = list(summits.order_by("timezone").values_list("timezone", flat=True).distinct()[:2])
        return zones[0] if len(zones) == 1 else None

    def summit_of(self, obj):
        if isinstance(obj, Summit):
            return obj
        for name in self.summit_lookup.split("__"):
            obj = getattr(obj, name)
        return obj

    def visible_summits(self, request):
        if request.user.is_superuser:
            return Summit.objects.all()
        return Summit.objects.filter(id__in=planner_summit_ids(request.user))

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(**{f"{self.summit_lookup}__in": planner_summit_ids(request.user)})

    def get_list_filter(self, request):
        # A plain related filter lists every summit's (or group's, ticket type's) name; a planner's
        # filters offer only those in their own rows.
        filters = super().get_list_filter(request)
        if request.user.is_superuser:
            return filters
        return [
            (f, admin.RelatedOnlyFieldListFilter)
            if f in ("summit", "registration__summit", "group", "ticket_type")
            else f
            for f in filters
        ]


class PlanningGroupInline(SummitChoicesMixin, admin.TabularInline):
    model = PlanningGroup
    extra = 0
    fields = ["slug", "name", "name_es", "language", "pillar", "min_size", "max_size", "room", "position"]


@admin.register(PlanningGroup)
class PlanningGroupAdmin(SummitScopedAdmin):
    list_display = ["name", "summit", "language", "pillar", "min_size", "max_size", "room"]
    list_filter = ["summit", "language", "pillar"]
    search_fields = ["name", "name_es", "slug", "room"]


@admin.register(StaffRole)
class StaffRoleAdmin(SummitScopedAdmin):
    list_display = ["user", "summit", "role", "group", "created_at"]
    list_filter = ["summit", "role"]
    search_fields = ["user__email", "user__username"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # A planner gives roles to the accounts of their own summits' staff only: never a list of
        # every account, nor someone else's account (new accounts come from create_staff).
        if db_field.name == "user" and not request.user.is_superuser:
            summits = planner_summit_ids(request.user)
            kwargs["queryset"] = (
                get_user_model()
                .objects.filter(pk__in=StaffRole.objects.filter(summit__in=summits).values("user"))
                .order_by("email")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # A role grant (or a change to one) is in the audit log: who gave which account what.
        group = f" of group {obj.group.slug}" if obj.group_id else ""
        audit.record(
            action="summit.staff_role_grant",
            summit=obj.summit,
            user=request.user,
            count=1,
            detail=f"{obj.role}{group} to account {obj.user_id} ({'admin, changed' if change else 'admin'})",
        )


@admin.register(PromoCode)
class PromoCodeAdmin(SummitScopedAdmin):
    list_display = ["code", "summit", "percent_off", "amount_off", "uses", "max_uses", "active"]
    list_filter = ["summit", "active"]
    search_fields = ["code", "description"]
    readonly_fields = ["uses", "created_at"]
    filter_horizontal = ["ticket_types"]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "ticket_types" and not request.user.is_superuser:
            kwargs["queryset"] = TicketType.objects.filter(summit__in=planner_summit_ids(request.user))
        return super().formfield_for_manytomany(db_field, request, **kwargs)


@admin.register(AuditEvent)
class AuditEventAdmin(SummitScopedAdmin):
    list_display = ["created_at", "action", "summit", "user", "count", "device"]
    list_filter = ["summit", "action"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
