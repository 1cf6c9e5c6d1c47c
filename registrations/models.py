import uuid

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from summit.models import Language, PlanningGroup, Sector, Summit, TicketType


class RegistrationQuerySet(models.QuerySet):
    def holding_seats(self, now=None):
        """Registrations that occupy a seat now: confirmed ones, unexpired payment holds and
        unexpired waitlist offers (the offered seat is kept for that person)."""
        now = now or timezone.now()
        return self.filter(
            Q(status=Registration.Status.CONFIRMED)
            | Q(status=Registration.Status.PENDING_PAYMENT, hold_expires_at__gt=now)
            | Q(status=Registration.Status.WAITLISTED, offer_expires_at__gt=now)
        )


class Registration(models.Model):
    """One attendee at one summit. Only what the summit needs: never immigration status,
    ID numbers, date of birth, address or justice history."""

    class Status(models.TextChoices):
        PENDING_PAYMENT = "pending_payment", _("Waiting for payment")
        CONFIRMED = "confirmed", _("Confirmed")
        WAITLISTED = "waitlisted", _("On the waitlist")
        CANCELLED = "cancelled", _("Cancelled")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    summit = models.ForeignKey(Summit, on_delete=models.CASCADE, related_name="registrations")
    ticket_type = models.ForeignKey(TicketType, on_delete=models.PROTECT, related_name="registrations")
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, db_index=True)

    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100, blank=True)
    badge_name = models.CharField(_("name for the badge"), max_length=60, blank=True)
    pronouns = models.CharField(_("pronouns"), max_length=40, blank=True)
    email = models.EmailField(_("email"), max_length=254, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    organization = models.CharField(_("organization"), max_length=200, blank=True)
    role_title = models.CharField(_("role or title"), max_length=120, blank=True)
    sector = models.CharField(_("sector"), max_length=20, choices=Sector.choices)
    language = models.CharField(_("language"), max_length=2, choices=Language.choices, default="en")

    accessibility_needs = models.TextField(_("accessibility needs"), max_length=1000, blank=True)
    interpretation_needs = models.TextField(_("interpretation needs"), max_length=1000, blank=True)
    dietary_needs = models.TextField(_("dietary needs"), max_length=1000, blank=True)
    childcare_needs = models.TextField(_("childcare needs"), max_length=1000, blank=True)
    share_with_group = models.BooleanField(
        _("share name and organization with my planning group"), default=False
    )
    photo_consent = models.BooleanField(_("photos of me may be used"), default=False)

    # The published planning group (the workshops app's assignment writes it on publish).
    group = models.ForeignKey(
        PlanningGroup, on_delete=models.SET_NULL, null=True, blank=True, related_name="registrations"
    )

    hold_expires_at = models.DateTimeField(_("payment hold expires at"), null=True, blank=True)
    offer_expires_at = models.DateTimeField(_("waitlist offer expires at"), null=True, blank=True)
    link_version = models.PositiveIntegerField(default=1, editable=False)
    # The badge code itself is never stored: only its hash, for lookup at the door.
    badge_version = models.PositiveIntegerField(default=1, editable=False)
    badge_code_hash = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)
    # When the current badge (this badge_version) was last put on a sheet; a reissue clears it.
    badge_printed_at = models.DateTimeField(_("badge printed at"), null=True, blank=True, editable=False)
    registered_by = models.ForeignKey(
        "auth.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    waitlisted_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        constraints = [
            # One live registration per email per summit: a second attempt never takes a second seat.
            models.UniqueConstraint(
                Lower("email"),
                "summit",
                condition=~Q(email="") & ~Q(status="cancelled"),
                name="registration_email_unique_per_summit",
            ),
        ]
        indexes = [models.Index(fields=["summit", "status", "created_at"])]

    def __str__(self):
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def display_name(self):
        return self.badge_name or self.first_name

    @property
    def short_name(self):
        """First name and last initial: what a door volunteer sees."""
        initial = f" {self.last_name[:1]}." if self.last_name else ""
        return f"{self.first_name}{initial}"

    @property
    def has_needs(self):
        return any(
            (self.accessibility_needs, self.interpretation_needs, self.dietary_needs, self.childcare_needs)
        )


class GroupPreference(models.Model):
    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="preferences")
    group = models.ForeignKey(PlanningGroup, on_delete=models.CASCADE, related_name="preferences")
    rank = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(3)])

    class Meta:
        ordering = ["registration", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["registration", "rank"], name="preference_rank_unique"),
            models.UniqueConstraint(fields=["registration", "group"], name="preference_group_unique"),
        ]

    def __str__(self):
        return f"{self.registration} #{self.rank}: {self.group}"


class IdempotencyRecord(models.Model):
    """The first answer to a POST carrying an Idempotency-Key, replayed for retries."""

    key = models.CharField(max_length=255)
    scope = models.CharField(max_length=120)
    request_hash = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField()
    response_body = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["scope", "key"], name="idempotency_key_unique")]

    def __str__(self):
        return f"{self.scope}:{self.key}"


class BadgeSheetJob(models.Model):
    """A badge sheet a planner asked for, built by a background task. The page and the API
    poll it for progress; the PDF is in the default storage, served only to the summit's
    planners (never through a public media URL)."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to start")
        RUNNING = "running", _("Building")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    class Sort(models.TextChoices):
        LAST_NAME = "last_name", _("Last name")
        GROUP = "group", _("Planning group, then last name")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    summit = models.ForeignKey(Summit, on_delete=models.CASCADE, related_name="badge_sheet_jobs")
    requested_by = models.ForeignKey(
        "auth.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    layout = models.CharField(_("layout"), max_length=30)
    only_unprinted = models.BooleanField(_("only badges not yet printed"), default=False)
    group = models.ForeignKey(
        PlanningGroup, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    sort = models.CharField(_("order"), max_length=20, choices=Sort.choices, default=Sort.LAST_NAME)
    mark_printed = models.BooleanField(_("record these badges as printed"), default=True)

    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    file_name = models.CharField(max_length=300, blank=True)
    error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("badge sheet")
        verbose_name_plural = _("badge sheets")

    def __str__(self):
        return f"{self.summit.slug} {self.layout} {self.created_at:%Y-%m-%d %H:%M} ({self.status})"

    @property
    def progress(self):
        """0-100; 100 only once the file is ready."""
        if self.status == self.Status.DONE:
            return 100
        if not self.total:
            return 0
        return min(99, self.done * 100 // self.total)
