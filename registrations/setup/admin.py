"""The admin of a summit's setup: the summit and its ticket types, saved through the setup
services (registrations.setup.services) as the API's are, so that a change of capacity or quota
runs the seat rules. Raised, the freed seats are offered to the waitlist at once and emailed;
lowered below the seats held, the save is refused and the refusal shown on the field it names.

These admins call registrations, so they live here rather than in summit/admin.py (summit
imports neither registrations nor workshops); the generic helpers stay there. Registered when
registrations/admin.py imports this module.
"""

import zoneinfo

from django.contrib import admin, messages
from django.db.models import Count
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from registrations.models import Registration, Reminder
from registrations.setup import services as setup
from summit.admin import PlanningGroupInline, SummitChoicesMixin, SummitScopedAdmin
from summit.errors import DomainError
from summit.models import Sector, Summit, TicketType


class Refused(Exception):
    """A setup service refused a save (its DomainError is `error`), met while the admin saved:
    on the main form (prefix None) or on form `index` of the inline formset `prefix`."""

    def __init__(self, error, *, prefix=None, index=None):
        super().__init__(error.code)
        self.error, self.prefix, self.index = error, prefix, index


def show_refusal(form, error):
    field = error.field if error.field in form.fields else None
    form.add_error(field, str(error.message))


class SetupServiceAdmin(SummitScopedAdmin):
    """Saves through the setup services. Their refusals are met only while saving, under the
    summit's lock (checking in the form first would check without it): the save is then undone
    and the same POST validated again with the refusal added to its field, so that the form
    comes back with the error, as any invalid form does."""

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        request.setup_offers = []
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except Refused as refused:
            # Django runs the change form in a transaction, rolled back by the refusal: nothing
            # of this save is kept, nor any email it queued.
            request.setup_offers = []
            request.setup_refusal = refused
            return super().changeform_view(request, object_id, form_url, extra_context)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        refused = getattr(request, "setup_refusal", None)
        if refused is None or refused.prefix is not None:
            return form

        class RefusedForm(form):
            def clean(self):
                cleaned_data = super().clean()
                show_refusal(self, refused.error)
                return cleaned_data

        return RefusedForm

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        offered = len(request.setup_offers)
        if offered:  # said only now that every part of the save went through
            self.message_user(
                request,
                ngettext(
                    "%(count)d seat freed by this change was offered to the waitlist; the person is emailed.",
                    "%(count)d seats freed by this change were offered to the waitlist; each person is emailed.",
                    offered,
                )
                % {"count": offered},
                messages.SUCCESS,
            )

    def save_ticket_type(self, request, summit, *, data, ticket_type=None, prefix=None, index=None):
        try:
            ticket_type, offers = setup.save_ticket_type(summit, data=data, ticket_type=ticket_type)
        except DomainError as error:
            raise Refused(error, prefix=prefix, index=index) from error
        request.setup_offers.extend(offers)
        return ticket_type


class TicketTypeInline(SummitChoicesMixin, admin.TabularInline):
    model = TicketType
    extra = 0
    fields = ["slug", "name", "name_es", "price", "currency", "quota", "active", "position"]

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        refused = getattr(request, "setup_refusal", None)
        if refused is None or refused.prefix is None:
            return formset

        class RefusedFormSet(formset):
            def clean(self):
                super().clean()
                if self.prefix == refused.prefix:
                    show_refusal(self.forms[refused.index], refused.error)

        return RefusedFormSet


class ReminderInline(admin.TabularInline):
    """Reminder emails to confirmed attendees, a number of days before the summit (sent by
    housekeeping; see registrations.announcements)."""

    model = Reminder
    extra = 0
    fields = ["days_before", "sent_at"]
    readonly_fields = ["sent_at"]


@admin.register(Summit)
class SummitAdmin(SetupServiceAdmin):
    summit_lookup = "id"

    list_display = ["name", "slug", "starts_at", "venue", "capacity"]
    search_fields = ["name", "slug", "venue"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [TicketTypeInline, PlanningGroupInline, ReminderInline]
    change_form_template = "admin/summit/summit/change_form.html"
    fieldsets = [
        (None, {"fields": ["name", "name_es", "slug", "description", "description_es", "contact_email"]}),
        (
            _("When and where"),
            {"fields": ["starts_at", "ends_at", "timezone", "venue", "capacity", "languages"]},
        ),
        (
            _("Registration"),
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
        (_("Personal data"), {"fields": ["retention_until", "purged_at"]}),
    ]

    def form_time_zone(self, request, object_id):
        # A summit's form is read in the zone the same form gives it (a planner correcting the
        # zone keeps the times as typed); shown in its saved zone, a new one in the default zone.
        posted = request.POST.get("timezone", "") if request.method == "POST" else ""
        if posted in zoneinfo.available_timezones():
            return posted
        if object_id is None:
            return Summit._meta.get_field("timezone").default
        return super().form_time_zone(request, object_id)

    def get_readonly_fields(self, request, obj=None):
        # The slug is in every link and flyer already out; the API does not change it either.
        return ["purged_at", "slug"] if obj is not None else ["purged_at"]

    def get_prepopulated_fields(self, request, obj=None):
        return self.prepopulated_fields if obj is None else {}

    def change_view(self, request, object_id, form_url="", extra_context=None):
        summit = self.get_object(request, object_id)
        if summit is not None:
            # Aggregates only: counts by status and by sector, never a list of people.
            rows = (
                Registration.objects.filter(summit=summit).values("status", "sector").annotate(n=Count("id"))
            )
            by_status, by_sector = {}, {}
            for row in rows:
                by_status[row["status"]] = by_status.get(row["status"], 0) + row["n"]
                if row["status"] == Registration.Status.CONFIRMED:
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

    def save_model(self, request, obj, form, change):
        if not change:
            super().save_model(request, obj, form, change)  # a new summit: no seat is held yet
            return
        data = {name: form.cleaned_data[name] for name in form.changed_data if name in setup.SUMMIT_FIELDS}
        try:
            _summit, offers = setup.update_summit(obj, data=data)
        except DomainError as error:
            raise Refused(error) from error
        request.setup_offers.extend(offers)

    def save_formset(self, request, form, formset, change):
        if formset.model is not TicketType:
            return super().save_formset(request, form, formset, change)
        summit = form.instance
        formset.save(commit=False)  # fills new_objects, changed_objects, deleted_objects
        for ticket_type in formset.deleted_objects:
            ticket_type.delete()  # one with registrations is protected: the formset refused it
        index = {id(inline_form.instance): i for i, inline_form in enumerate(formset.forms)}
        for ticket_type, changed in formset.changed_objects:
            self.save_ticket_type(
                request,
                summit,
                data={
                    name: getattr(ticket_type, name) for name in changed if name in setup.TICKET_TYPE_FIELDS
                },
                ticket_type=ticket_type,
                prefix=formset.prefix,
                index=index[id(ticket_type)],
            )
        for ticket_type in formset.new_objects:
            saved = self.save_ticket_type(
                request,
                summit,
                data={name: getattr(ticket_type, name) for name in setup.TICKET_TYPE_FIELDS},
                prefix=formset.prefix,
                index=index[id(ticket_type)],
            )
            ticket_type.pk = saved.pk
        return None


@admin.register(TicketType)
class TicketTypeAdmin(SetupServiceAdmin):
    list_display = ["name", "summit", "price", "currency", "quota", "active"]
    list_filter = ["summit", "active"]
    search_fields = ["name", "slug"]

    def get_readonly_fields(self, request, obj=None):
        # Its registrations, seats and quota belong to its summit.
        return ["summit"] if obj is not None else []

    def save_model(self, request, obj, form, change):
        names = form.changed_data if change else list(form.fields)
        data = {name: form.cleaned_data[name] for name in names if name in setup.TICKET_TYPE_FIELDS}
        saved = self.save_ticket_type(request, obj.summit, data=data, ticket_type=obj if change else None)
        obj.pk = saved.pk  # the add view goes on to the saved one's page
