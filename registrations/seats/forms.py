"""HTML forms for attendees. They only describe fields for rendering (labels, hints, widgets);
validation is RegistrationInputSerializer's, shared with the API, and its errors are put back
on these forms field by field."""

from django import forms
from django.utils.translation import gettext_lazy as _

from registrations.payments import stripe_client as payments
from summit.models import Language, Sector
from summit.money import format_money

OPTIONAL = _("Optional. You may leave this blank.")
# A person who left a required question empty reads these, not the API's "may not be null".
MISSING_ANSWER = _("Please fill this in.")
MISSING_CHOICE = _("Please choose one.")
EMPTY_CODES = {"blank", "null", "required"}


# No maxlength in the page: a browser cuts a paste to it silently. The serializer refuses what
# is too long, naming the field, and the text stays in the field to be shortened.
def _text(label, hint, *, max_length, required=False, autocomplete=None, input_type="text"):
    attrs = {}
    if autocomplete:
        attrs["autocomplete"] = autocomplete
    widget = {"text": forms.TextInput, "email": forms.EmailInput, "tel": forms.TextInput}[input_type](
        attrs=attrs
    )
    if input_type == "tel":
        widget.input_type = "tel"
    return forms.CharField(
        label=label, help_text=hint, required=required, max_length=max_length, widget=widget
    )


class TicketSelect(forms.RadioSelect):
    """Radio buttons for ticket types; those that cannot be had now are shown disabled."""

    unavailable = frozenset()  # the slugs to disable, set by the form

    def create_option(self, name, value, *args, **kwargs):
        option = super().create_option(name, value, *args, **kwargs)
        if value in self.unavailable:
            option["attrs"]["disabled"] = True
        return option


def _area(label, hint):
    return forms.CharField(
        label=label,
        help_text=hint,
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class RegistrationForm(forms.Form):
    first_name = _text(
        _("First name"), _("A nickname is fine."), max_length=100, required=True, autocomplete="given-name"
    )
    last_name = _text(
        _("Last name"), _("Optional. Printed on your badge."), max_length=100, autocomplete="family-name"
    )
    email = _text(
        _("Email"),
        _("We send your confirmation and your private link here. We do not share it."),
        max_length=254,
        required=True,
        autocomplete="email",
        input_type="email",
    )
    sector = forms.ChoiceField(
        label=_("Which best describes you?"),
        help_text=_("We use this only to make sure every planning group is mixed, and for totals."),
        choices=Sector.choices,
        widget=forms.RadioSelect,
    )
    ticket_type = forms.ChoiceField(label=_("Ticket"), widget=TicketSelect)
    promo_code = _text(
        _("Promo code"), _("Optional. If you were given one for a paid ticket."), max_length=40
    )
    cannot_afford = forms.BooleanField(
        label=_("I cannot afford a paid ticket"),
        required=False,
        help_text=_("Tick this and you are registered with the free ticket instead. We ask no questions."),
    )
    language = forms.ChoiceField(
        label=_("Language for emails and your planning group"),
        choices=Language.choices,
        widget=forms.RadioSelect,
        help_text=_("Choose Spanish if you prefer to take part in Spanish."),
    )
    pref_1 = forms.ChoiceField(label=_("First choice"), required=False)
    pref_2 = forms.ChoiceField(label=_("Second choice"), required=False)
    pref_3 = forms.ChoiceField(label=_("Third choice"), required=False)
    badge_name = _text(
        _("Name for your badge"), _("Optional. If empty, we print your first name."), max_length=60
    )
    pronouns = _text(_("Pronouns"), _("Optional. Printed on your badge, for example she/her."), max_length=40)
    organization = _text(
        _("Organization"),
        _("Optional. Only if you come on behalf of one."),
        max_length=200,
        autocomplete="organization",
    )
    role_title = _text(_("Role or title"), OPTIONAL, max_length=120, autocomplete="organization-title")
    phone = _text(
        _("Phone"),
        _("Optional. Only to reach you about the summit, for example if it moves."),
        max_length=40,
        autocomplete="tel",
        input_type="tel",
    )
    accessibility_needs = _area(
        _("Accessibility needs"),
        _("Optional. Tell us what would help you take part, and we will plan for it."),
    )
    interpretation_needs = _area(
        _("Interpretation needs"),
        _("Optional. For example ASL or a language other than English and Spanish."),
    )
    dietary_needs = _area(_("Dietary needs"), _("Optional. So the meal works for you."))
    childcare_needs = _area(
        _("Childcare needs"), _("Optional. Ages of the children, so we can plan childcare.")
    )
    share_with_group = forms.BooleanField(
        label=_("Share my name and organization with my planning group"),
        required=False,
        help_text=_("If you say no, your group sees only that one more person is coming."),
    )
    photo_consent = forms.BooleanField(
        label=_("Photos of me may be used in summit materials"), required=False
    )

    def __init__(self, *args, summit, email_required=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.summit = summit
        paid_ok = payments.payments_enabled()
        active = list(summit.ticket_types.filter(active=True))
        tickets, unavailable = [], []
        for ticket in active:
            price = _("free") if ticket.is_free else format_money(ticket.price, ticket.currency)
            label = f"{ticket.display_name} ({price})"
            if not ticket.is_free and not paid_ok:
                # Shown, so people know it exists, but disabled: it cannot be bought now.
                # Not inside an f-string: makemessages cannot see a _() there.
                label = _("%(ticket)s: not available online right now") % {"ticket": label}
                unavailable.append(ticket.slug)
            tickets.append((ticket.slug, label))
        self.fields["ticket_type"].choices = tickets
        self.fields["ticket_type"].widget.unavailable = frozenset(unavailable)
        # A promo code and "I cannot afford it" only apply to a paid ticket one can choose.
        paid_choosable = paid_ok and any(not t.is_free for t in active)
        if not paid_choosable:
            del self.fields["promo_code"]
        if not (paid_choosable and any(t.is_free for t in active)):
            del self.fields["cannot_afford"]
        if len(tickets) == 1:
            self.fields["ticket_type"].initial = tickets[0][0]
        groups = [("", _("No preference"))] + [
            (group.slug, group.display_name) for group in summit.groups.all()
        ]
        for name in ("pref_1", "pref_2", "pref_3"):
            self.fields[name].choices = groups
        if not email_required:
            self.fields["email"].required = False
            self.fields["email"].help_text = _(
                "Optional here: the attendee can get the private link on paper instead."
            )

    def as_input(self):
        """The submitted data in the API's shape, for the shared serializer."""
        data = {key: value.strip() if isinstance(value, str) else value for key, value in self.data.items()}
        payload = {name: data.get(name, "") for name in self.fields if not name.startswith("pref_")}
        for name in ("share_with_group", "photo_consent", "cannot_afford"):
            payload[name] = name in self.data and self.data.get(name) not in ("", "false", "0", "off")
        if "cannot_afford" not in self.fields:
            payload.pop("cannot_afford", None)
        payload["group_preferences"] = [data[p] for p in ("pref_1", "pref_2", "pref_3") if data.get(p)]
        for optional in ("language",):
            if not payload.get(optional):
                payload.pop(optional, None)
        return payload

    def add_serializer_errors(self, errors):
        # Validation is the serializer's: start from its errors only, never the form's own.
        from django.forms.utils import ErrorDict

        self.cleaned_data = {}
        self._errors = ErrorDict()
        for field, messages in errors.items():
            target = field if field in self.fields else None
            if field == "group_preferences":
                target = "pref_1"
            for message in messages if isinstance(messages, list) else [messages]:
                if isinstance(message, (list, dict)):
                    message = " ".join(
                        str(m) for m in (message.values() if isinstance(message, dict) else message)
                    )
                elif target is not None and self._left_empty(target, getattr(message, "code", None)):
                    message = (
                        MISSING_CHOICE
                        if isinstance(self.fields[target], forms.ChoiceField)
                        else MISSING_ANSWER
                    )
                self.add_error(target, str(message))

    def _left_empty(self, name, code):
        return code in EMPTY_CODES or (code == "invalid_choice" and not self.data.get(name))


class EmailLinkForm(forms.Form):
    email = forms.EmailField(
        label=_("Email"), max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
