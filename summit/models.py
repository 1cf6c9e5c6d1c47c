import datetime
import zoneinfo
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _


def localized(obj, field):
    """The Spanish variant of a planner-entered text when the active language is Spanish,
    falling back to the other language when one is missing."""
    english = getattr(obj, field) or ""
    spanish = getattr(obj, f"{field}_es", "") or ""
    if translation.get_language() == "es":
        return spanish or english
    return english or spanish


class Sector(models.TextChoices):
    RESIDENT = "resident", _("Resident with lived experience")
    COMMUNITY_ORG = "community_org", _("Community organization or nonprofit")
    GOVERNMENT = "government", _("Government agency")
    EDUCATION = "education", _("Education")
    BUSINESS = "business", _("Business")
    PHILANTHROPY = "philanthropy", _("Philanthropy or funder")
    ELECTED_OFFICIAL = "elected_official", _("Elected official")
    FAITH = "faith", _("Faith community")
    HEALTH = "health", _("Health")
    OTHER = "other", _("Other")
    UNDISCLOSED = "undisclosed", _("Prefer not to say")


class Language(models.TextChoices):
    ENGLISH = "en", _("English")
    SPANISH = "es", _("Spanish")


def validate_timezone(value):
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("%(value)s is not a known time zone."), params={"value": value})


class Summit(models.Model):
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_es = models.CharField(_("name (Spanish)"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    description_es = models.TextField(_("description (Spanish)"), blank=True)
    venue = models.CharField(_("venue"), max_length=300, blank=True)
    timezone = models.CharField(
        _("time zone"), max_length=64, default="America/Los_Angeles", validators=[validate_timezone]
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    capacity = models.PositiveIntegerField(_("capacity"), validators=[MinValueValidator(1)])
    registration_opens_at = models.DateTimeField(_("registration opens at"), null=True, blank=True)
    registration_closes_at = models.DateTimeField(_("registration closes at"), null=True, blank=True)
    languages = models.CharField(
        _("languages offered"),
        max_length=10,
        default="en,es",
        choices=[("en", _("English")), ("es", _("Spanish")), ("en,es", _("English and Spanish"))],
    )
    retention_until = models.DateField(
        _("keep personal data until"),
        null=True,
        blank=True,
        help_text=_("Personal data is purged after this date. Empty: 30 days after the summit ends."),
    )
    hold_minutes = models.PositiveIntegerField(
        _("payment hold (minutes)"), default=30, validators=[MinValueValidator(30)]
    )
    offer_hours = models.PositiveIntegerField(
        _("waitlist offer valid for (hours)"), default=48, validators=[MinValueValidator(1)]
    )
    refund_deadline = models.DateTimeField(_("refund deadline"), null=True, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    purged_at = models.DateTimeField(_("personal data purged at"), null=True, blank=True, editable=False)
    # Counts kept when personal data is purged (registered and attended by sector, group,
    # language), so the report can still describe who took part.
    aggregate_figures = models.JSONField(default=dict, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_at"]
        verbose_name = _("summit")
        verbose_name_plural = _("summits")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="summit_ends_after_start"
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("The summit must end after it starts.")})

    @property
    def display_name(self):
        return localized(self, "name")

    @property
    def display_description(self):
        return localized(self, "description")

    @property
    def tz(self):
        return zoneinfo.ZoneInfo(self.timezone)

    @property
    def language_codes(self):
        return self.languages.split(",")

    @property
    def retention_date(self):
        return self.retention_until or (self.ends_at.date() + datetime.timedelta(days=30))

    def registration_state(self, now=None):
        """'not_open', 'open' or 'closed' at the given moment."""
        return registration_state(self.registration_opens_at, self.registration_closes_at, self.ends_at, now)

    @property
    def registration_open(self):
        return self.registration_state() == "open"


def registration_state(opens_at, closes_at, ends_at, now=None):
    """'not_open', 'open' or 'closed' at the given moment, for a summit with these times
    (registration closes when the summit ends unless it closes earlier)."""
    now = now or timezone.now()
    if opens_at and now < opens_at:
        return "not_open"
    if now >= (closes_at or ends_at):
        return "closed"
    return "open"


class TicketType(models.Model):
    summit = models.ForeignKey(Summit, on_delete=models.CASCADE, related_name="ticket_types")
    slug = models.SlugField(_("slug"), max_length=60)
    name = models.CharField(_("name"), max_length=120)
    name_es = models.CharField(_("name (Spanish)"), max_length=120, blank=True)
    description = models.CharField(_("description"), max_length=300, blank=True)
    description_es = models.CharField(_("description (Spanish)"), max_length=300, blank=True)
    price = models.DecimalField(
        _("price"), max_digits=8, decimal_places=2, default=0, validators=[MinValueValidator(0)]
    )
    currency = models.CharField(_("currency"), max_length=3, default="usd")
    quota = models.PositiveIntegerField(
        _("quota"),
        null=True,
        blank=True,
        help_text=_("Seats of this type at most; empty: no quota of its own."),
    )
    active = models.BooleanField(_("on sale"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["summit", "position", "price", "name"]
        verbose_name = _("ticket type")
        verbose_name_plural = _("ticket types")
        constraints = [
            models.UniqueConstraint(fields=["summit", "slug"], name="ticket_type_slug_unique_per_summit"),
            models.CheckConstraint(condition=Q(price__gte=0), name="ticket_type_price_not_negative"),
        ]

    def __str__(self):
        return f"{self.name} ({self.summit.slug})"

    @property
    def display_name(self):
        return localized(self, "name")

    @property
    def display_description(self):
        return localized(self, "description")

    @property
    def is_free(self):
        return self.price == 0


class PlanningGroup(models.Model):
    """A breakout group. Configured with the summit (like ticket types); the assignment of
    people to groups and their recommendations live in the workshops app."""

    class GroupLanguage(models.TextChoices):
        ENGLISH = "en", _("English")
        SPANISH = "es", _("Spanish")
        BILINGUAL = "bilingual", _("Bilingual, with interpretation")

    summit = models.ForeignKey(Summit, on_delete=models.CASCADE, related_name="groups")
    slug = models.SlugField(_("slug"), max_length=60)
    name = models.CharField(_("name"), max_length=160)
    name_es = models.CharField(_("name (Spanish)"), max_length=160, blank=True)
    description = models.TextField(_("description"), blank=True)
    description_es = models.TextField(_("description (Spanish)"), blank=True)
    language = models.CharField(_("language"), max_length=10, choices=GroupLanguage.choices, default="en")
    pillar = models.SlugField(_("framework pillar"), max_length=60, blank=True)
    min_size = models.PositiveIntegerField(_("minimum size"), default=0)
    max_size = models.PositiveIntegerField(_("maximum size"), default=50, validators=[MinValueValidator(1)])
    room = models.CharField(_("room"), max_length=120, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["summit", "position", "name"]
        verbose_name = _("planning group")
        verbose_name_plural = _("planning groups")
        constraints = [
            models.UniqueConstraint(fields=["summit", "slug"], name="group_slug_unique_per_summit"),
            models.CheckConstraint(
                condition=Q(max_size__gte=models.F("min_size")), name="group_max_at_least_min"
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def display_name(self):
        return localized(self, "name")

    @property
    def display_description(self):
        return localized(self, "description")


class StaffRole(models.Model):
    """What one staff account may do at one summit."""

    class Role(models.TextChoices):
        PLANNER = "planner", _("Planner")
        VOLUNTEER = "volunteer", _("Door volunteer")
        FACILITATOR = "facilitator", _("Facilitator")
        NAVIGATOR = "navigator", _("Community navigator")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="summit_roles")
    summit = models.ForeignKey(Summit, on_delete=models.CASCADE, related_name="staff_roles")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    group = models.ForeignKey(
        PlanningGroup, on_delete=models.CASCADE, null=True, blank=True, related_name="facilitator_roles"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("staff role")
        verbose_name_plural = _("staff roles")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "summit", "role"], condition=Q(group__isnull=True), name="staff_role_unique"
            ),
            models.UniqueConstraint(
                fields=["user", "summit", "role", "group"],
                condition=Q(group__isnull=False),
                name="staff_role_group_unique",
            ),
            models.CheckConstraint(
                condition=Q(role="facilitator", group__isnull=False)
                | (~Q(role="facilitator") & Q(group__isnull=True)),
                name="staff_role_group_only_for_facilitators",
            ),
        ]

    def __str__(self):
        suffix = f" ({self.group.slug})" if self.group_id else ""
        return f"{self.user} — {self.get_role_display()}{suffix} @ {self.summit.slug}"


class PromoCode(models.Model):
    """Waives or reduces the fee of some ticket types, with an optional use limit.

    `uses` only ever changes through a guarded UPDATE (summit.promo), so concurrent
    registrations can never take a code past `max_uses`."""

    summit = models.ForeignKey(Summit, on_delete=models.CASCADE, related_name="promo_codes")
    code = models.CharField(
        _("code"), max_length=40, help_text=_("What people type; capitals do not matter.")
    )
    description = models.CharField(_("note for planners"), max_length=200, blank=True)
    percent_off = models.PositiveSmallIntegerField(
        _("percent off"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("100 makes the ticket free."),
    )
    amount_off = models.DecimalField(
        _("amount off"),
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    ticket_types = models.ManyToManyField(
        TicketType,
        blank=True,
        related_name="promo_codes",
        verbose_name=_("ticket types"),
        help_text=_("Empty: every paid ticket type of the summit."),
    )
    max_uses = models.PositiveIntegerField(
        _("use limit"), null=True, blank=True, help_text=_("Empty: no limit.")
    )
    uses = models.PositiveIntegerField(_("times used"), default=0, editable=False)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["summit", "code"]
        verbose_name = _("promo code")
        verbose_name_plural = _("promo codes")
        constraints = [
            models.UniqueConstraint(Lower("code"), "summit", name="promo_code_unique_per_summit"),
            models.CheckConstraint(
                condition=(Q(percent_off__isnull=False) & Q(amount_off__isnull=True))
                | (Q(percent_off__isnull=True) & Q(amount_off__isnull=False)),
                name="promo_code_one_kind_of_discount",
            ),
            models.CheckConstraint(
                condition=Q(max_uses__isnull=True) | Q(uses__lte=models.F("max_uses")),
                name="promo_code_uses_within_limit",
            ),
        ]

    def __str__(self):
        return self.code

    def clean(self):
        if (self.percent_off is None) == (self.amount_off is None):
            raise ValidationError(_("Give either a percent off or an amount off."))

    @property
    def is_free(self):
        return self.percent_off == 100

    def price_for(self, ticket_type):
        """The ticket type's price after this code, never below zero."""
        price = ticket_type.price
        if self.percent_off is not None:
            discounted = price * (100 - self.percent_off) / 100
        else:
            discounted = price - self.amount_off
        return max(Decimal(discounted), Decimal(0)).quantize(Decimal("0.01"))


class AuditEvent(models.Model):
    """Append-only: exports, downloads, door searches, role and device changes, purges.
    Holds who, when, what and how many; never the personal data itself."""

    summit = models.ForeignKey(
        Summit, on_delete=models.SET_NULL, null=True, blank=True, related_name="audit_events"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    action = models.CharField(max_length=60, db_index=True)
    count = models.PositiveIntegerField(null=True, blank=True)
    detail = models.CharField(max_length=500, blank=True)
    device = models.CharField(max_length=120, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Audit events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Audit events are append-only.")
