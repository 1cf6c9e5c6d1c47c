from django import forms
from django.utils.translation import gettext_lazy as _

from registrations.announcements.services import NEEDS, STATUSES
from registrations.models import Registration
from summit.models import Language

NEED_LABELS = {
    "dietary": _("dietary needs"),
    "childcare": _("childcare"),
    "interpretation": _("interpretation"),
    "access": _("access needs"),
}


class AnnouncementForm(forms.Form):
    """The messages page's form: the four texts and the audience filters of the API."""

    subject_en = forms.CharField(label=_("Subject in English"), max_length=200)
    body_en = forms.CharField(
        label=_("Message in English"), max_length=10000, widget=forms.Textarea(attrs={"rows": 8})
    )
    subject_es = forms.CharField(label=_("Subject in Spanish"), max_length=200)
    body_es = forms.CharField(
        label=_("Message in Spanish"), max_length=10000, widget=forms.Textarea(attrs={"rows": 8})
    )
    status = forms.MultipleChoiceField(
        label=_("Registrations"),
        choices=[(s, Registration.Status(s).label) for s in STATUSES],
        initial=[Registration.Status.CONFIRMED],
        widget=forms.CheckboxSelectMultiple,
    )
    ticket_type = forms.ChoiceField(label=_("Ticket type"), required=False)
    group = forms.ChoiceField(label=_("Planning group"), required=False)
    language = forms.ChoiceField(
        label=_("Language"), required=False, choices=[("", _("Both languages")), *Language.choices]
    )
    need = forms.ChoiceField(
        label=_("Only people who asked for"),
        required=False,
        choices=[("", _("Anyone")), *((key, NEED_LABELS[key]) for key in NEEDS)],
    )

    def __init__(self, *args, summit, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ticket_type"].choices = [("", _("Any ticket type"))] + [
            (t.slug, t.display_name) for t in summit.ticket_types.all()
        ]
        self.fields["group"].choices = [("", _("Any planning group"))] + [
            (g.slug, g.display_name) for g in summit.groups.all()
        ]

    def texts(self):
        return {key: self.cleaned_data[key] for key in ("subject_en", "body_en", "subject_es", "body_es")}

    def audience(self):
        audience = {"status": self.cleaned_data["status"]}
        for key in ("ticket_type", "group", "language", "need"):
            if self.cleaned_data[key]:
                audience[key] = self.cleaned_data[key]
        return audience
