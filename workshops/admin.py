"""The workshops side of the registration admin: moving people to a planning group.

registrations must not import workshops (summit <- registrations <- workshops), so the action is
added from here: the registered RegistrationAdmin is swapped for a subclass with one more action.
registrations/admin.py stays whole and knows nothing of workshops; the import below also makes
sure it is registered first, whatever the order of autodiscovery.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.template.response import TemplateResponse
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from registrations.admin import RegistrationAdmin
from registrations.models import Registration
from summit.errors import DomainError
from summit.models import PlanningGroup
from workshops.assignment import services


class MoveToGroupForm(forms.Form):
    group = forms.ModelChoiceField(queryset=PlanningGroup.objects.none(), label=capfirst(_("planning group")))

    def __init__(self, *args, summit_id, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = PlanningGroup.objects.filter(summit_id=summit_id).order_by(
            "position", "name"
        )


admin.site.unregister(Registration)


@admin.register(Registration)
class RegistrationAdminWithGroups(RegistrationAdmin):
    actions = [*RegistrationAdmin.actions, "move_to_group"]

    @admin.action(
        permissions=["change"],
        description=_("Move to a planning group (locked there, so a rerun keeps them)"),
    )
    def move_to_group(self, request, queryset):
        """First the page to choose the group (a group belongs to one summit, so the selection
        must too), then move_attendee for each person."""
        summit_ids = set(queryset.values_list("summit_id", flat=True))
        if len(summit_ids) != 1:
            self.message_user(
                request,
                _("Choose people of one summit: a planning group belongs to one summit."),
                messages.WARNING,
            )
            return None
        form = MoveToGroupForm(request.POST if "apply" in request.POST else None, summit_id=summit_ids.pop())
        if not form.is_valid():
            return TemplateResponse(
                request,
                "admin/workshops/move_to_group.html",
                {
                    **self.admin_site.each_context(request),
                    "title": _("Move to a planning group"),
                    "opts": self.opts,
                    "form": form,
                    "queryset": queryset,
                    "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
                    "media": self.media,
                },
            )
        group = form.cleaned_data["group"]
        moved = not_confirmed = 0
        for registration in queryset:
            try:
                services.move_attendee(registration, group, by=request.user)
                moved += 1
            except DomainError:
                not_confirmed += 1  # the group is of their summit: the other refusal cannot happen
        if moved:
            self.message_user(
                request,
                ngettext(
                    "%(count)d person moved to %(group)s and locked there; publish the assignment for "
                    "them and the door to see it.",
                    "%(count)d people moved to %(group)s and locked there; publish the assignment for "
                    "them and the door to see it.",
                    moved,
                )
                % {"count": moved, "group": group},
                messages.SUCCESS,
            )
        if not_confirmed:
            self.message_user(
                request,
                ngettext(
                    "%(count)d registration is not confirmed, so was not placed in a group.",
                    "%(count)d registrations are not confirmed, so were not placed in a group.",
                    not_confirmed,
                )
                % {"count": not_confirmed},
                messages.WARNING,
            )
        return None
