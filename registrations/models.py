import uuid

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from registrations.search import folded_names
from summit.models import Language, PlanningGroup, PromoCode, Sector, Summit, TicketType


class RegistrationQuerySet(models.QuerySet):
    def holding_seats(self, now=None):
        """Registrations that occupy a seat now: confirmed ones, payment holds and unexpired
        waitlist offers (the offered seat is kept for that person).

        A payment hold keeps its seat until `checkout.expire_holds` has had Stripe expire the
        Checkout Session and released it, not merely until the hold's time is up: someone may
        be paying at that very moment, and they must not find their seat taken."""
        return self.filter(holds_seat(now))


class FoldedNamesField(models.TextField):
    """Registration.search_name: the names folded for search (registrations.search), filled from
    them whenever the row is written. save() and bulk_create() both call pre_save, as they do to
    stamp an auto_now date, so no way of saving a registration can leave it behind its names."""

    def pre_save(self, model_instance, add):
        value = folded_names(*(getattr(model_instance, name) for name in Registration.NAME_FIELDS))
        setattr(model_instance, self.attname, value)
        return value


def holds_seat(now=None):
    """RegistrationQuerySet.holding_seats as a Q, for counting inside other queries."""
    now = now or timezone.now()
    return (
        Q(status=Registration.Status.CONFIRMED)
        | Q(status=Registration.Status.PENDING_PAYMENT)
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
    # Indexes are few on purpose: every registration writes each of them while the seat rush is on.
    # (status, summit, waitlisted_at) serves every count by status, the waitlist's order and a
    # waitlisted person's position (a range of it). Status first, so that a query that does not
    # name a status (the open offers of the seat count) can only take the open-offers index.
    summit = models.ForeignKey(Summit, on_delete=models.CASCADE, related_name="registrations", db_index=False)
    ticket_type = models.ForeignKey(TicketType, on_delete=models.PROTECT, related_name="registrations")
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)

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
    # The names as the name search reads them ("Núñez" as "nunez"): never typed, never shown.
    search_name = FoldedNamesField(blank=True, default="", editable=False)

    # The names a person is searched by, and from which search_name is made.
    NAME_FIELDS = ("first_name", "last_name", "badge_name")
    # What the person gives: every field the profile is edited through and the tests plant
    # canaries in.
    GIVEN_FIELDS = (
        "first_name",
        "last_name",
        "badge_name",
        "pronouns",
        "email",
        "phone",
        "organization",
        "role_title",
        "accessibility_needs",
        "interpretation_needs",
        "dietary_needs",
        "childcare_needs",
    )
    # Every field that names, reaches or describes the person: the one list that the purge
    # empties. What they give, and search_name, made from their names. Deliberately not
    # personal: sector and language (the aggregate figures keep them), the two consents (choices,
    # not facts about anyone; the purge resets them anyway), status, ticket type, group and the
    # timestamps (figures), and the badge code's hash and link versions (credentials, which the
    # purge invalidates). tests/registrations/test_personal_fields.py fails on a new text field
    # that is in neither class.
    PERSONAL_FIELDS = (*GIVEN_FIELDS, "search_name")
    # What an attendee gives and may edit: the personal fields they give and their non-personal
    # choices.
    PROFILE_FIELDS = (*GIVEN_FIELDS, "sector", "language", "share_with_group", "photo_consent")

    # The published planning group (the workshops app's assignment writes it on publish).
    # This and the other optional links are indexed only where set (Meta.indexes): a new
    # registration has none of them, and writes no entry for them.
    group = models.ForeignKey(
        PlanningGroup,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="registrations",
        db_index=False,
    )

    hold_expires_at = models.DateTimeField(_("payment hold expires at"), null=True, blank=True)
    # Payments (issue 4): the promo code used, and whether the attendee took the free type
    # through "I cannot afford it" (no proof or reason is ever asked).
    promo_code = models.ForeignKey(
        PromoCode,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="registrations",
        db_index=False,
    )
    fee_waived = models.BooleanField(_("fee waived (cannot afford it)"), default=False)
    offer_expires_at = models.DateTimeField(_("waitlist offer expires at"), null=True, blank=True)
    link_version = models.PositiveIntegerField(default=1, editable=False)
    # The badge code itself is never stored: only its hash, for lookup at the door.
    badge_version = models.PositiveIntegerField(default=1, editable=False)
    badge_code_hash = models.CharField(max_length=64, null=True, blank=True, editable=False)  # unique: Meta
    # When the current badge (this badge_version) was last put on a sheet; a reissue clears it.
    badge_printed_at = models.DateTimeField(_("badge printed at"), null=True, blank=True, editable=False)
    registered_by = models.ForeignKey(
        "auth.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        db_index=False,
    )

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    waitlisted_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    # Announcements stopped by the attendee (one-click unsubscribe); emails about their own
    # registration still go out.
    unsubscribed_at = models.DateTimeField(_("announcements stopped at"), null=True, blank=True)

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
            # A constraint rather than unique=True, which would add a LIKE index no lookup uses.
            models.UniqueConstraint(fields=["badge_code_hash"], name="registration_badge_code_unique"),
        ]
        indexes = [
            models.Index(fields=["status", "summit", "waitlisted_at"], name="registration_status_waitlist"),
            # Waitlist offers still open hold seats: the seat count finds them here, not by
            # reading the whole waitlist. Only rows with an offer are in it.
            models.Index(
                fields=["summit", "offer_expires_at"],
                condition=Q(offer_expires_at__isnull=False),
                name="registration_open_offers",
            ),
            models.Index(fields=["group"], condition=Q(group__isnull=False), name="registration_group"),
            models.Index(
                fields=["promo_code"], condition=Q(promo_code__isnull=False), name="registration_promo_code"
            ),
            models.Index(
                fields=["registered_by"],
                condition=Q(registered_by__isnull=False),
                name="registration_registered_by",
            ),
        ]

    def __str__(self):
        return f"{self.first_name} {self.last_name}".strip()

    def save(self, *args, update_fields=None, **kwargs):
        # search_name follows the names also when only some fields are written (the admin's
        # edit writes what the planner changed).
        if update_fields is not None and not set(update_fields).isdisjoint(self.NAME_FIELDS):
            update_fields = {*update_fields, "search_name"}
        super().save(*args, update_fields=update_fields, **kwargs)

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
    # Looked up by registration through the (registration, rank) unique index: no index of its own.
    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="preferences", db_index=False
    )
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


class CheckIn(models.Model):
    """The record that a registration was admitted. One per registration, guaranteed by the
    database (a OneToOne), whatever the devices or the network did."""

    registration = models.OneToOneField(Registration, on_delete=models.CASCADE, related_name="check_in")
    summit = models.ForeignKey(Summit, on_delete=models.CASCADE, related_name="check_ins")
    # When the badge was scanned: the device's clock for offline scans, else the server's.
    checked_in_at = models.DateTimeField(_("checked in at"), db_index=True)
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    by = models.ForeignKey(
        "auth.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("by")
    )
    device = models.CharField(_("device"), max_length=80, blank=True)
    offline = models.BooleanField(_("scanned offline"), default=False)
    nonce = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["checked_in_at", "id"]
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")
        indexes = [
            models.Index(fields=["summit", "checked_in_at"]),
            models.Index(fields=["by", "recorded_at"]),
        ]

    def __str__(self):
        return f"{self.registration_id} @ {self.checked_in_at:%Y-%m-%d %H:%M}"


class ScanLog(models.Model):
    """Every attempt at the door (scan, one-tap from a name search, undo, search), for the audit.
    Never the badge code itself, never a search text, nothing personal beyond the registration."""

    class Action(models.TextChoices):
        SCAN = "scan", _("Badge scan")
        TAP = "tap", _("Check-in from a name search")
        UNDO = "undo", _("Undo")
        SEARCH = "search", _("Name search")

    class Result(models.TextChoices):
        OK = "ok", _("Admitted")
        ALREADY = "already_checked_in", _("Already checked in")
        UNKNOWN = "unknown", _("Unknown badge")
        NOT_ADMITTED = "not_admitted", _("Not admitted")
        UNDONE = "undone", _("Check-in undone")
        SEARCHED = "searched", _("Searched")

    summit = models.ForeignKey(Summit, on_delete=models.CASCADE, related_name="scan_logs")
    registration = models.ForeignKey(
        Registration, on_delete=models.SET_NULL, null=True, blank=True, related_name="scan_logs"
    )
    by = models.ForeignKey("auth.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    device = models.CharField(_("device"), max_length=80, blank=True)
    action = models.CharField(_("action"), max_length=10, choices=Action.choices, default=Action.SCAN)
    result = models.CharField(_("result"), max_length=20, choices=Result.choices)
    reason = models.CharField(_("reason"), max_length=20, blank=True)
    offline = models.BooleanField(_("scanned offline"), default=False)
    # An offline device admitted someone the server refuses (a double admission, or a badge
    # cancelled meanwhile): planners see these on the dashboard.
    flagged = models.BooleanField(_("flagged for planners"), default=False, db_index=True)
    hits = models.PositiveSmallIntegerField(null=True, blank=True)
    nonce = models.CharField(max_length=64, blank=True)
    scanned_at = models.DateTimeField(_("scanned at"))
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("door log entry")
        verbose_name_plural = _("door log")
        constraints = [
            # A retried request (same nonce from the same account) is the same attempt, never a second one.
            models.UniqueConstraint(
                fields=["summit", "by", "nonce"], condition=~Q(nonce=""), name="scan_log_nonce_unique"
            ),
        ]

    def __str__(self):
        return f"{self.action} {self.result} @ {self.created_at:%H:%M:%S}"


class DoorLink(models.Model):
    """A link that signs one device in as a volunteer at one summit, until the summit ends or a
    planner revokes it. Only the token's hash is stored. The device is signed in as `user`, an
    account made for this link alone, so revoking it deactivates exactly that device."""

    summit = models.ForeignKey(Summit, on_delete=models.CASCADE, related_name="door_links")
    label = models.CharField(_("label"), max_length=80)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    user = models.OneToOneField(
        "auth.User", on_delete=models.CASCADE, related_name="door_link", editable=False
    )
    created_by = models.ForeignKey(
        "auth.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True, editable=False)
    session_key = models.CharField(max_length=40, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("door link")
        verbose_name_plural = _("door links")

    def __str__(self):
        return f"{self.label} ({self.summit.slug})"

    def is_active(self, now=None):
        now = now or timezone.now()
        return self.revoked_at is None and now < self.summit.ends_at


class DoorLinkEvent(models.Model):
    """Audit of door devices: a link created, opened on a device, refused, revoked."""

    class Action(models.TextChoices):
        CREATED = "created", _("Created")
        OPENED = "opened", _("Opened on a device")
        REFUSED = "refused", _("Refused")
        REVOKED = "revoked", _("Revoked")
        SIGNED_OUT = "signed_out", _("Signed out")

    link = models.ForeignKey(DoorLink, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=12, choices=Action.choices)
    by = models.ForeignKey("auth.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    detail = models.CharField(max_length=200, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.link_id} {self.action}"


class Payment(models.Model):
    """One Stripe Checkout Session for one registration, and what became of its money."""

    class Status(models.TextChoices):
        OPEN = "open", _("Waiting for payment")
        PROCESSING = "processing", _("Payment processing")
        PAID = "paid", _("Paid")
        FAILED = "failed", _("Payment failed")
        EXPIRED = "expired", _("Expired unpaid")
        REFUND_PENDING = "refund_pending", _("Refund pending")
        REFUNDED = "refunded", _("Refunded")

    class RefundReason(models.TextChoices):
        CANCELLED = "cancelled", _("Attendee cancelled before the refund deadline")
        PLANNER = "planner", _("Refunded by a planner")
        NO_SEAT = "no_seat", _("Paid after the hold ended and no seat was left")
        DUPLICATE = "duplicate", _("Paid twice for one registration")
        EXTERNAL = "external", _("Refunded in Stripe")
        MISMATCH = "mismatch", _("Paid in a session that does not match what the registration owes")

    registration = models.ForeignKey(Registration, on_delete=models.PROTECT, related_name="payments")
    stripe_session_id = models.CharField(_("Stripe Checkout Session"), max_length=255, unique=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.OPEN)
    amount = models.DecimalField(_("amount"), max_digits=8, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3)
    checkout_url = models.URLField(_("checkout page"), max_length=2000, blank=True)
    expires_at = models.DateTimeField(_("session expires at"), null=True, blank=True)
    payment_intent = models.CharField(_("Stripe payment"), max_length=255, blank=True, db_index=True)
    refund_id = models.CharField(_("Stripe refund"), max_length=255, blank=True)
    refund_status = models.CharField(_("refund status"), max_length=20, blank=True)
    refund_reason = models.CharField(
        _("refund reason"), max_length=20, choices=RefundReason.choices, blank=True
    )
    refunded_amount = models.DecimalField(_("refunded"), max_digits=8, decimal_places=2, default=0)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    refund_requested_at = models.DateTimeField(_("refund requested at"), null=True, blank=True)
    refunded_at = models.DateTimeField(_("refunded at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
            models.CheckConstraint(
                condition=Q(refunded_amount__lte=models.F("amount")), name="payment_refund_within_amount"
            ),
        ]

    def __str__(self):
        return f"{self.amount} {self.currency.upper()} ({self.get_status_display()})"

    @property
    def money_received(self):
        return self.status in (self.Status.PAID, self.Status.REFUND_PENDING, self.Status.REFUNDED)


class StripeEvent(models.Model):
    """A webhook event already acted on. The row is written in the same transaction as the
    event's effect, so a duplicate delivery finds it and changes nothing."""

    event_id = models.CharField(max_length=255, unique=True)
    type = models.CharField(max_length=100)
    object_id = models.CharField(max_length=255, blank=True)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_at"]
        verbose_name = _("Stripe event")
        verbose_name_plural = _("Stripe events")

    def __str__(self):
        return f"{self.type} {self.event_id}"


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


class Announcement(models.Model):
    """A planner's message to an audience of attendees, written once in English and Spanish;
    each attendee is sent the text of their language (registrations.announcements)."""

    summit = models.ForeignKey(Summit, on_delete=models.CASCADE, related_name="announcements")
    subject_en = models.CharField(_("subject (English)"), max_length=200)
    body_en = models.TextField(_("message (English)"), max_length=10000)
    subject_es = models.CharField(_("subject (Spanish)"), max_length=200)
    body_es = models.TextField(_("message (Spanish)"), max_length=10000)
    # The filters as given to the API (announcements.services.AUDIENCE_KEYS): who it was for.
    audience = models.JSONField(default=dict)
    created_by = models.ForeignKey(
        "auth.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("announcement")
        verbose_name_plural = _("announcements")

    def __str__(self):
        return self.subject_en


class AnnouncementDelivery(models.Model):
    """One attendee's copy of an announcement: queued, then sent or failed (a failed address
    does not stop the others). No text of the attendee's is kept here."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")

    announcement = models.ForeignKey(Announcement, on_delete=models.CASCADE, related_name="deliveries")
    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["announcement", "registration"], name="announcement_delivery_once"
            )
        ]
        indexes = [models.Index(fields=["announcement", "status"], name="announcement_delivery_status")]

    def __str__(self):
        return f"{self.announcement_id}/{self.registration_id}: {self.status}"


class Reminder(models.Model):
    """A reminder sent to the confirmed attendees `days_before` the summit starts (with the time,
    the place, the badge and the private link), by `manage.py housekeeping`."""

    summit = models.ForeignKey(Summit, on_delete=models.CASCADE, related_name="reminders")
    days_before = models.PositiveSmallIntegerField(
        _("days before the summit"), validators=[MinValueValidator(1), MaxValueValidator(60)]
    )
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        ordering = ["-days_before"]
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [
            models.UniqueConstraint(fields=["summit", "days_before"], name="reminder_once_per_day")
        ]

    def __str__(self):
        return str(self.days_before)
