from django.contrib import admin

from summit import audit
from summit.models import AuditEvent, PlanningGroup, PromoCode, Sector, StaffRole, Summit, TicketType


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


class SummitScopedAdmin(SummitChoicesMixin, admin.ModelAdmin):
    """Planners see and pick only the summits they plan; superusers see everything."""

    summit_lookup = "summit"

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


class TicketTypeInline(SummitChoicesMixin, admin.TabularInline):
    model = TicketType
    extra = 0
    fields = ["slug", "name", "name_es", "price", "currency", "quota", "active", "position"]


class PlanningGroupInline(SummitChoicesMixin, admin.TabularInline):
    model = PlanningGroup
    extra = 0
    fields = ["slug", "name", "name_es", "language", "pillar", "min_size", "max_size", "room", "position"]


@admin.register(Summit)
class SummitAdmin(SummitScopedAdmin):
    summit_lookup = "id"

    list_display = ["name", "slug", "starts_at", "venue", "capacity"]
    search_fields = ["name", "slug", "venue"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [TicketTypeInline, PlanningGroupInline]
    readonly_fields = ["purged_at"]
    change_form_template = "admin/summit/summit/change_form.html"

    def change_view(self, request, object_id, form_url="", extra_context=None):
        from django.apps import apps
        from django.db.models import Count

        summit = self.get_object(request, object_id)
        if summit is not None:
            # Aggregates only: counts by status and by sector, never a list of people.
            registration = apps.get_model("registrations", "Registration")
            rows = (
                registration.objects.filter(summit=summit).values("status", "sector").annotate(n=Count("id"))
            )
            by_status, by_sector = {}, {}
            for row in rows:
                by_status[row["status"]] = by_status.get(row["status"], 0) + row["n"]
                if row["status"] == "confirmed":
                    by_sector[row["sector"]] = by_sector.get(row["sector"], 0) + row["n"]
            labels = dict(Sector.choices)
            extra_context = {
                **(extra_context or {}),
                "registration_counts": sorted(by_status.items()),
                "sector_counts": sorted(
                    ((labels.get(k, k), v) for k, v in by_sector.items()), key=lambda x: -x[1]
                ),
            }
        return super().change_view(request, object_id, form_url, extra_context)

    fieldsets = [
        (None, {"fields": ["name", "name_es", "slug", "description", "description_es", "contact_email"]}),
        (
            "When and where",
            {"fields": ["starts_at", "ends_at", "timezone", "venue", "capacity", "languages"]},
        ),
        (
            "Registration",
            {
                "fields": [
                    "registration_opens_at",
                    "registration_closes_at",
                    "hold_minutes",
                    "offer_hours",
                    "refund_deadline",
                ]
            },
        ),
        ("Personal data", {"fields": ["retention_until", "purged_at"]}),
    ]


@admin.register(TicketType)
class TicketTypeAdmin(SummitScopedAdmin):
    list_display = ["name", "summit", "price", "currency", "quota", "active"]
    list_filter = ["summit", "active"]
    search_fields = ["name", "slug"]


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
    raw_id_fields = ["user"]

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
