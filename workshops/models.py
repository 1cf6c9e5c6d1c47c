"""Planning groups' work: the assignment of attendees to groups (draft assignments and the
record of every engine run; the published group is `Registration.group`, copied on publish),
the framework taxonomy, recommendations, quotes, dot voting and reports."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from registrations.models import Registration
from summit.models import PlanningGroup, Sector, Summit, localized


class Reason(models.TextChoices):
    """Why someone is in their group, in words the attendee reads (codes match the engine's)."""

    FIRST_CHOICE = "first_choice", _("your first choice")
    SECOND_CHOICE_FIRST_FULL = "second_choice_first_full", _("your second choice: your first choice was full")
    THIRD_CHOICE = "third_choice", _("your third choice: your first two choices were full")
    CHOICES_FULL = "choices_full", _("the groups you chose were full")
    KEPT = "kept", _("kept in the group you already had")
    LANGUAGE = "language", _("a group held in your language")
    BALANCE = "balance", _("placed to keep the group mixed")
    UNRANKED = "unranked", _("you did not choose a group")
    LOCKED = "locked", _("set by a planner")
    MOVED = "moved", _("moved by a planner")


class AssignmentRun(models.Model):
    """One run of the engine: who asked for it, its rules, where it stands (queued and solved by
    a background task, or run at once by the command), its quality figures and solver status."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to start")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    class SolverStatus(models.TextChoices):
        OPTIMAL = "optimal", _("Proven optimal")
        NEAR_OPTIMAL = "near_optimal", _("Within the reported gap of the best possible")
        TIME_LIMIT = "time_limit", _("Stopped at the time limit")
        EMPTY = "empty", _("Nobody to assign")

    UNFINISHED = (Status.QUEUED, Status.RUNNING)

    summit = models.ForeignKey(Summit, on_delete=models.CASCADE, related_name="assignment_runs")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    # Why a run failed, as a stable code (services.failure_text puts it in words).
    error = models.CharField(_("why it failed"), max_length=40, blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    parameters = models.JSONField(_("rules and settings"), default=dict)
    figures = models.JSONField(_("quality figures"), default=dict)
    # registration id (as text) -> group slug: what this run produced, for comparing runs.
    snapshot = models.JSONField(default=dict)
    solver_status = models.CharField(
        _("solver status"), max_length=20, choices=SolverStatus.choices, blank=True
    )
    method = models.CharField(_("method"), max_length=20, blank=True)
    relaxed = models.JSONField(_("rules that gave way"), default=list)
    solve_seconds = models.FloatField(_("solve time (seconds)"), default=0)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("assignment run")
        verbose_name_plural = _("assignment runs")
        indexes = [models.Index(fields=["summit", "-created_at"])]
        constraints = [
            # One run at a time per summit: a second request while one is queued or running is
            # refused by the database itself, even when two arrive together.
            models.UniqueConstraint(
                fields=["summit"],
                condition=Q(status__in=["queued", "running"]),
                name="one_unfinished_assignment_run_per_summit",
            )
        ]

    def __str__(self):
        return f"{self.summit.slug} run {self.pk} ({self.status})"


class Assignment(models.Model):
    """The draft planning group of one confirmed attendee (published by copying to Registration.group)."""

    registration = models.OneToOneField(Registration, on_delete=models.CASCADE, related_name="assignment")
    group = models.ForeignKey(PlanningGroup, on_delete=models.CASCADE, related_name="assignments")
    locked = models.BooleanField(_("locked by a planner"), default=False)
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    locked_at = models.DateTimeField(null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=30, choices=Reason.choices)
    rank = models.PositiveSmallIntegerField(_("preference rank"), null=True, blank=True)
    run = models.ForeignKey(
        AssignmentRun, on_delete=models.SET_NULL, null=True, blank=True, related_name="assignments"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["group", "registration"]
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")

    def __str__(self):
        return f"{self.registration} → {self.group}"

    @property
    def reason_text(self):
        """The reason in the attendee's own language."""
        with translation.override(self.registration.language):
            return str(Reason(self.reason).label)


# --- The Upward Mobility Framework, shipped as versioned data (see workshops/framework.py) ---


class FrameworkVersion(models.Model):
    """One published version of the framework (e.g. "UMF-2"). Old recommendations keep pointing
    at the pillars of the version they were written against."""

    code = models.CharField(max_length=30, unique=True)
    name = models.CharField(max_length=200)
    name_es = models.CharField(max_length=200, blank=True)
    source = models.TextField(blank=True)
    is_current = models.BooleanField(default=False)
    loaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-loaded_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_current"], condition=Q(is_current=True), name="one_current_framework"
            )
        ]

    def __str__(self):
        return self.code

    @classmethod
    def current(cls):
        return cls.objects.filter(is_current=True).first()


class FrameworkItem(models.Model):
    version = models.ForeignKey(FrameworkVersion, on_delete=models.CASCADE)
    slug = models.SlugField(max_length=60)
    name = models.CharField(max_length=200)
    name_es = models.CharField(max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        abstract = True
        ordering = ["position"]

    def __str__(self):
        return self.name

    @property
    def display_name(self):
        return localized(self, "name")


class Dimension(FrameworkItem):
    class Meta(FrameworkItem.Meta):
        constraints = [models.UniqueConstraint(fields=["version", "slug"], name="dimension_slug_unique")]


class Pillar(FrameworkItem):
    class Meta(FrameworkItem.Meta):
        constraints = [models.UniqueConstraint(fields=["version", "slug"], name="pillar_slug_unique")]


class Predictor(FrameworkItem):
    pillar = models.ForeignKey(Pillar, on_delete=models.CASCADE, related_name="predictors")

    class Meta(FrameworkItem.Meta):
        constraints = [models.UniqueConstraint(fields=["version", "slug"], name="predictor_slug_unique")]


class Lever(FrameworkItem):
    class Meta(FrameworkItem.Meta):
        constraints = [models.UniqueConstraint(fields=["version", "slug"], name="lever_slug_unique")]


# --- Recommendations ---


class Recommendation(models.Model):
    """What one planning group proposes. The reference (SB25-HOU-03) is fixed when it is created."""

    class Horizon(models.TextChoices):
        SHORT = "short", _("Under 12 months")
        MEDIUM = "medium", _("1 to 3 years")
        LONG = "long", _("More than 3 years")

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        SHORTLISTED = "shortlisted", _("Shortlisted")
        ADOPTED = "adopted", _("Adopted")
        PARKED = "parked", _("Parked")

    summit = models.ForeignKey(Summit, on_delete=models.CASCADE, related_name="recommendations")
    group = models.ForeignKey(PlanningGroup, on_delete=models.PROTECT, related_name="recommendations")
    number = models.PositiveIntegerField(editable=False)
    reference = models.CharField(_("reference"), max_length=40, editable=False)
    title = models.CharField(_("title"), max_length=200)
    barrier = models.TextField(_("barrier it addresses"), max_length=4000)
    action = models.TextField(_("proposed action"), max_length=4000)
    rationale = models.TextField(_("rationale"), max_length=4000, blank=True)
    pillar = models.ForeignKey(Pillar, on_delete=models.PROTECT, related_name="recommendations")
    predictors = models.ManyToManyField(Predictor, blank=True, related_name="recommendations")
    # Which dimensions of mobility it advances: the rows of the report's coverage matrix.
    dimensions = models.ManyToManyField(Dimension, blank=True, related_name="recommendations")
    lever = models.ForeignKey(Lever, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    lead_organization = models.CharField(_("lead organization"), max_length=200, blank=True)
    partners = models.TextField(_("partners"), max_length=1000, blank=True)
    horizon = models.CharField(_("horizon"), max_length=10, choices=Horizon.choices, blank=True)
    resources = models.TextField(_("resources or funding asked"), max_length=2000, blank=True)
    success_measure = models.TextField(_("how success would be measured"), max_length=2000, blank=True)
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.DRAFT)
    merged_into = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="merged_from", editable=False
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["group__position", "group_id", "number"]
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")
        constraints = [
            models.UniqueConstraint(fields=["group", "number"], name="recommendation_number_unique"),
            models.UniqueConstraint(fields=["summit", "reference"], name="recommendation_reference_unique"),
        ]

    def __str__(self):
        return f"{self.reference} {self.title}"


class ResidentQuote(models.Model):
    """What someone said, anonymous always: no name field, on purpose. Only quotes with
    consent_to_quote appear in the report."""

    group = models.ForeignKey(PlanningGroup, on_delete=models.CASCADE, related_name="quotes")
    recommendation = models.ForeignKey(
        Recommendation, on_delete=models.CASCADE, null=True, blank=True, related_name="quotes"
    )
    text = models.TextField(_("quote"), max_length=2000)
    speaker_sector = models.CharField(_("speaker's sector"), max_length=20, choices=Sector.choices)
    is_resident = models.BooleanField(_("speaker is a resident"), default=False)
    consent_to_quote = models.BooleanField(_("speaker agreed to be quoted"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return self.text[:60]


class PaperTally(models.Model):
    """Sticky dots counted on the group's poster: anonymous, so they add to a recommendation's
    dots but never to its supporters or sector breadth. One running figure per recommendation."""

    recommendation = models.OneToOneField(
        Recommendation, on_delete=models.CASCADE, related_name="paper_tally"
    )
    dots = models.PositiveIntegerField(_("dots"))
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"{self.recommendation.reference}: {self.dots}"


# --- Dot voting ---


class VotingRound(models.Model):
    summit = models.ForeignKey(Summit, on_delete=models.CASCADE, related_name="voting_rounds")
    # Empty: the whole summit votes on the shortlist; set: that group votes on its own recommendations.
    group = models.ForeignKey(
        PlanningGroup, on_delete=models.CASCADE, null=True, blank=True, related_name="voting_rounds"
    )
    title = models.CharField(_("title"), max_length=200, blank=True)
    dots_per_person = models.PositiveSmallIntegerField(_("dots per person"), default=5)
    max_per_item = models.PositiveSmallIntegerField(_("most dots on one recommendation"), default=2)
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-opens_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")), name="round_closes_after_open"
            ),
            models.CheckConstraint(condition=Q(dots_per_person__gte=1), name="round_has_dots"),
            models.CheckConstraint(condition=Q(max_per_item__gte=1), name="round_max_per_item_positive"),
        ]

    def __str__(self):
        return self.title or f"Round {self.pk}"

    def is_open(self, now=None):
        now = now or timezone.now()
        return self.opens_at <= now < self.closes_at

    def is_closed(self, now=None):
        return (now or timezone.now()) >= self.closes_at


class Ballot(models.Model):
    """One voter in one round: the row locked while their dots change, and the database's own
    guard (dots_used <= dots_allowed) against any path that skips the lock."""

    class Source(models.TextChoices):
        ONLINE = "online", _("Own phone or kiosk")
        PAPER = "paper", _("Paper ballot")

    round = models.ForeignKey(VotingRound, on_delete=models.CASCADE, related_name="ballots")
    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="ballots")
    dots_allowed = models.PositiveSmallIntegerField()
    dots_used = models.PositiveSmallIntegerField(default=0)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.ONLINE)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["round", "registration"], name="one_ballot_per_voter"),
            models.CheckConstraint(
                condition=Q(dots_used__lte=models.F("dots_allowed")), name="ballot_within_dots"
            ),
        ]

    def __str__(self):
        return f"{self.round_id}/{self.registration_id}: {self.dots_used}/{self.dots_allowed}"


class Vote(models.Model):
    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="votes")
    recommendation = models.ForeignKey(Recommendation, on_delete=models.CASCADE, related_name="votes")
    dots = models.PositiveSmallIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["ballot", "recommendation"], name="one_vote_row_per_item"),
            models.CheckConstraint(condition=Q(dots__gte=1), name="vote_has_dots"),
        ]

    def __str__(self):
        return f"{self.recommendation_id}: {self.dots}"


# --- Reports ---


def _report_path(instance, filename):
    # Private: served only through the permission-checked download view, never a media URL.
    return f"private/reports/{instance.summit.slug}/{uuid.uuid4().hex}.pdf"


class ReportSnapshot(models.Model):
    """The frozen data of one report and the PDF made from it. The data is canonical JSON whose
    SHA-256 is stored, so the same snapshot always renders the same report."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Building")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    summit = models.ForeignKey(Summit, on_delete=models.CASCADE, related_name="report_snapshots")
    language = models.CharField(
        max_length=2, choices=[("en", _("English")), ("es", _("Spanish"))], default="en"
    )
    preliminary = models.BooleanField(default=False)
    data = models.JSONField(null=True, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    # A re-render of an earlier snapshot's data (e.g. in the other language).
    source = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    error = models.CharField(max_length=500, blank=True)
    pdf = models.FileField(upload_to=_report_path, blank=True)
    pages = models.PositiveIntegerField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.summit.slug} report {self.pk} ({self.language})"
