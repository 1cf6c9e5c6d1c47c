"""The setup API's serializers: what a planner may send (inputs, checked here for form and bounds;
the setup services check the rest) and what they get back (outputs), kept apart."""

from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from registrations.seats.serializers import SlugOfSummit
from registrations.setup import services
from summit.models import PlanningGroup, PromoCode, Summit, TicketType
from summit.serializers import SummitSerializer
from summit.validators import validate_multi_line, validate_single_line

MAX_INT = 2_147_483_647  # PositiveIntegerField's bound on every database
MAX_SMALL_INT = 32_767
FIRST_YEAR, LAST_YEAR = 2000, 2100
MAX_HOLD_MINUTES = 7 * 24 * 60
MAX_OFFER_HOURS = 30 * 24


def _within_years(value):
    # Far-off dates overflow the date arithmetic done with them (retention, holds, calendars).
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise serializers.ValidationError(
            _("Give a date between the years %(first)s and %(last)s.")
            % {"first": FIRST_YEAR, "last": LAST_YEAR},
            code="out_of_range",
        )


def _line(max_length, *, required=False, allow_blank=None):
    return serializers.CharField(
        max_length=max_length,
        required=required,
        allow_blank=not required if allow_blank is None else allow_blank,
        validators=[validate_single_line],
    )


def _text(max_length=5000):
    return serializers.CharField(
        max_length=max_length, required=False, allow_blank=True, validators=[validate_multi_line]
    )


def _moment(**kwargs):
    return serializers.DateTimeField(required=False, validators=[_within_years], **kwargs)


def _count(*, min_value=0, max_value=MAX_INT, **kwargs):
    return serializers.IntegerField(required=False, min_value=min_value, max_value=max_value, **kwargs)


# -- inputs ---------------------------------------------------------------------------------


class SummitSetupInputSerializer(serializers.Serializer):
    """A summit's setup fields; send only those that change (unknown fields, and read-only ones
    such as `slug`, are ignored)."""

    name = _line(200, allow_blank=False)
    name_es = _line(200)
    description = _text()
    description_es = _text()
    venue = _line(300)
    timezone = _line(64, allow_blank=False)
    starts_at = _moment()
    ends_at = _moment()
    capacity = _count(min_value=1, help_text="Raising it offers the new seats to the waitlist at once.")
    registration_opens_at = _moment(allow_null=True)
    registration_closes_at = _moment(
        allow_null=True, help_text="Empty: registration closes when the summit ends."
    )
    languages = serializers.ChoiceField(choices=Summit._meta.get_field("languages").choices, required=False)
    retention_until = serializers.DateField(
        required=False,
        allow_null=True,
        validators=[_within_years],
        help_text="Personal data is purged after this date. Empty: 30 days after the summit ends.",
    )
    hold_minutes = _count(
        min_value=30, max_value=MAX_HOLD_MINUTES, help_text="How long a payment hold keeps a seat."
    )
    offer_hours = _count(
        min_value=1, max_value=MAX_OFFER_HOURS, help_text="How long a waitlist offer keeps a seat."
    )
    refund_deadline = _moment(
        allow_null=True, help_text="Empty: cancellations are refunded until the summit starts."
    )
    contact_email = serializers.EmailField(max_length=254, required=False, allow_blank=True)


class TicketTypeInputSerializer(serializers.Serializer):
    """A ticket type. Creating one needs `slug` and `name`; a change sends only what changes."""

    slug = serializers.SlugField(max_length=60)
    name = _line(120, required=True)
    name_es = _line(120)
    description = _line(300)
    description_es = _line(300)
    price = serializers.DecimalField(max_digits=8, decimal_places=2, min_value=0, required=False)
    currency = serializers.CharField(
        max_length=3,
        required=False,
        validators=[RegexValidator(r"^[A-Za-z]{3}\Z", _("Give a three-letter currency code, such as usd."))],
    )
    quota = _count(allow_null=True, help_text="Seats of this type at most; null: no quota of its own.")
    active = serializers.BooleanField(required=False, help_text="False takes it off sale.")
    position = _count(max_value=MAX_SMALL_INT)

    def validate_currency(self, value):
        return value.lower()


class PlanningGroupInputSerializer(serializers.Serializer):
    """A planning group. Creating one needs `slug` and `name`; a change sends only what changes."""

    slug = serializers.SlugField(max_length=60)
    name = _line(160, required=True)
    name_es = _line(160)
    description = _text()
    description_es = _text()
    language = serializers.ChoiceField(choices=PlanningGroup.GroupLanguage.choices, required=False)
    pillar = serializers.SlugField(max_length=60, required=False, allow_blank=True)
    min_size = _count()
    max_size = _count(min_value=1)
    room = _line(120)
    position = _count(max_value=MAX_SMALL_INT)


class PromoCodeInputSerializer(serializers.Serializer):
    """A promo code: exactly one of `percent_off` and `amount_off`. Creating one needs `code`."""

    code = _line(40, required=True)
    description = _line(200)
    percent_off = _count(min_value=1, max_value=100, allow_null=True, help_text="100 makes the ticket free.")
    amount_off = serializers.DecimalField(
        max_digits=8, decimal_places=2, min_value=0, required=False, allow_null=True
    )
    ticket_types = serializers.ListField(
        child=SlugOfSummit(what=_("ticket type"), related="ticket_types", queryset=None),
        required=False,
        max_length=100,
        help_text="Ticket type slugs it applies to; empty: every paid ticket type of the summit.",
    )
    max_uses = _count(allow_null=True, help_text="Null: no limit.")
    active = serializers.BooleanField(required=False, help_text="False takes it out of use.")


# -- outputs --------------------------------------------------------------------------------


class SummitSetupSerializer(SummitSerializer):
    """The planner's view of a summit: the public details (with `name` and `description` as
    entered, in English) and the setup fields."""

    name = serializers.CharField()
    description = serializers.CharField()
    retention_date = serializers.DateField(help_text="When personal data is purged.")

    class Meta(SummitSerializer.Meta):
        fields = [
            *SummitSerializer.Meta.fields,
            "name_es",
            "description_es",
            "registration_opens_at",
            "registration_closes_at",
            "languages",
            "retention_until",
            "retention_date",
            "hold_minutes",
            "offer_hours",
            "refund_deadline",
            "contact_email",
        ]


class SummitSetupAnswerSerializer(SummitSetupSerializer):
    seats_offered = serializers.SerializerMethodField(
        help_text="Waitlisted people offered a seat by this change (and emailed)."
    )

    class Meta(SummitSetupSerializer.Meta):
        fields = [*SummitSetupSerializer.Meta.fields, "seats_offered"]

    def get_seats_offered(self, obj) -> int:
        return len(self.context["offers"])


class TicketTypeSetupSerializer(serializers.ModelSerializer):
    price = serializers.DecimalField(max_digits=8, decimal_places=2, coerce_to_string=True)

    class Meta:
        model = TicketType
        fields = list(services.TICKET_TYPE_FIELDS)


class TicketTypeAnswerSerializer(TicketTypeSetupSerializer):
    seats_offered = serializers.SerializerMethodField(
        help_text="Waitlisted people offered a seat by this change (and emailed)."
    )

    class Meta(TicketTypeSetupSerializer.Meta):
        fields = [*TicketTypeSetupSerializer.Meta.fields, "seats_offered"]

    def get_seats_offered(self, obj) -> int:
        return len(self.context["offers"])


class PlanningGroupSetupSerializer(serializers.ModelSerializer):
    class Meta:
        model = PlanningGroup
        fields = list(services.GROUP_FIELDS)


class PromoCodeSetupSerializer(serializers.ModelSerializer):
    amount_off = serializers.DecimalField(
        max_digits=8, decimal_places=2, coerce_to_string=True, allow_null=True
    )
    ticket_types = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)

    class Meta:
        model = PromoCode
        fields = [
            "id",
            "code",
            "description",
            "percent_off",
            "amount_off",
            "ticket_types",
            "max_uses",
            "uses",
            "active",
            "created_at",
        ]
