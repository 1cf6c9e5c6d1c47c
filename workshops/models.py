"""Planning-group assignment: the draft assignment of each confirmed attendee and the record of
every run of the engine. The published group is `Registration.group` (copied on publish)."""

from django.conf import settings
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from registrations.models import Registration
from summit.models import PlanningGroup, Summit


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
    """One run of the engine: who ran it, its rules, its quality figures and solver status."""

    class Status(models.TextChoices):
        OPTIMAL = "optimal", _("Proven optimal")
        NEAR_OPTIMAL = "near_optimal", _("Within the reported gap of the best possible")
        TIME_LIMIT = "time_limit", _("Stopped at the time limit")
        EMPTY = "empty", _("Nobody to assign")

    summit = models.ForeignKey(Summit, on_delete=models.CASCADE, related_name="assignment_runs")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    parameters = models.JSONField(_("rules and settings"), default=dict)
    figures = models.JSONField(_("quality figures"), default=dict)
    # registration id (as text) -> group slug: what this run produced, for comparing runs.
    snapshot = models.JSONField(default=dict)
    status = models.CharField(_("solver status"), max_length=20, choices=Status.choices)
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
