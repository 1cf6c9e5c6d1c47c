from django.core.validators import EmailValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from registrations.models import Registration
from registrations.seats.services import MAX_GROUPS
from summit.models import Language, Sector
from summit.validators import validate_multi_line, validate_single_line


def _line(max_length, *, required=False, **kwargs):
    return serializers.CharField(
        max_length=max_length,
        required=required,
        allow_blank=not required,
        trim_whitespace=True,
        validators=[validate_single_line],
        **kwargs,
    )


def _text(max_length=1000):
    return serializers.CharField(
        max_length=max_length, required=False, allow_blank=True, validators=[validate_multi_line]
    )


@extend_schema_field(OpenApiTypes.STR)
class SlugOfSummit(serializers.SlugRelatedField):
    """A slug that must name an object of the summit in the serializer's context."""

    default_error_messages = {
        "does_not_exist": _("There is no %(what)s %(value)s at this summit."),
        "invalid": _("Give the slug as text."),
    }

    def __init__(self, *, what, related, **kwargs):
        self.what = what
        self.related = related
        super().__init__(slug_field="slug", **kwargs)

    def get_queryset(self):
        return getattr(self.context["summit"], self.related).all()

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        found = self._lookup(data)
        if found is None:
            raise serializers.ValidationError(
                self.error_messages["does_not_exist"] % {"what": self.what, "value": repr(data)[:80]},
                code="does_not_exist",
            )
        return found

    def _lookup(self, slug):
        # The summit's few ticket types or groups, read once per request (the views prefetch them).
        return next((found for found in self.get_queryset() if found.slug == slug), None)


class RegistrationInputSerializer(serializers.Serializer):
    """What an attendee may give. Only what the summit needs: never immigration status,
    ID numbers, date of birth, address or justice history."""

    first_name = _line(100, required=True, help_text="A nickname is fine.")
    last_name = _line(100)
    badge_name = _line(60)
    pronouns = _line(40)
    email = serializers.CharField(
        max_length=254, validators=[EmailValidator(message=_("Enter a valid email address."))]
    )
    phone = _line(40)
    organization = _line(200)
    role_title = _line(120)
    sector = serializers.ChoiceField(choices=Sector.choices)
    ticket_type = SlugOfSummit(what=_("ticket type"), related="ticket_types", queryset=None)
    language = serializers.ChoiceField(choices=Language.choices, required=False, default="en")
    group_preferences = serializers.ListField(
        child=SlugOfSummit(what=_("planning group"), related="groups", queryset=None),
        required=False,
        max_length=MAX_GROUPS,
        help_text="Planning group slugs, best first (at most 3, distinct).",
    )
    accessibility_needs = _text()
    interpretation_needs = _text()
    dietary_needs = _text()
    childcare_needs = _text()
    share_with_group = serializers.BooleanField(required=False, default=False)
    photo_consent = serializers.BooleanField(required=False, default=False)
    promo_code = _line(40, help_text="A promo code for a paid ticket type (capitals do not matter).")
    cannot_afford = serializers.BooleanField(
        required=False,
        default=False,
        help_text="On a paid ticket type: register with the summit's free ticket type instead. "
        "No proof or reason is asked.",
    )

    def __init__(self, *args, email_required=True, **kwargs):
        super().__init__(*args, **kwargs)
        if not email_required:
            self.fields["email"].required = False
            self.fields["email"].allow_blank = True

    def validate_email(self, value):
        return value.strip()

    def validate_group_preferences(self, groups):
        if len({group.pk for group in groups}) != len(groups):
            raise serializers.ValidationError(_("Choose each planning group only once."), code="duplicate")
        return groups


class RegistrationCreatedSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    status = serializers.ChoiceField(choices=["confirmed", "waitlisted", "pending_payment"])
    waitlist_position = serializers.IntegerField(required=False, allow_null=True)
    checkout_url = serializers.URLField(required=False)


class RegistrationListSerializer(serializers.ModelSerializer):
    """A planner's view of one registration."""

    id = serializers.UUIDField(source="public_id", read_only=True)
    ticket_type = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    group_preferences = serializers.SerializerMethodField()
    group = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    checked_in_at = serializers.SerializerMethodField()
    offer_expires_at = serializers.SerializerMethodField(
        help_text="When the seat on offer to this waitlisted person stops being held; null unless "
        "a seat is on offer now."
    )

    class Meta:
        model = Registration
        fields = [
            "id",
            "first_name",
            "last_name",
            "email",
            "sector",
            "organization",
            "language",
            "status",
            "ticket_type",
            "group_preferences",
            "group",
            "checked_in_at",
            "offer_expires_at",
            "created_at",
        ]

    def get_group_preferences(self, obj) -> list[str]:
        return [pref.group.slug for pref in obj.preferences.all()]

    def get_checked_in_at(self, obj) -> str | None:
        check_in = getattr(obj, "check_in", None)
        value = getattr(check_in, "checked_in_at", None)
        return serializers.DateTimeField().to_representation(value) if value else None

    def get_offer_expires_at(self, obj) -> str | None:
        value = obj.offer_expires_at
        on_offer = obj.status == Registration.Status.WAITLISTED and value and value > timezone.now()
        return serializers.DateTimeField().to_representation(value) if on_offer else None
