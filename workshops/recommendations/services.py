"""Use cases for recommendations, resident quotes and paper dot tallies.

Each function runs in one transaction and returns what it changed. Permission checks live in
the views and API (who may act on which group); these functions enforce the data's rules.
"""

import re

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from summit.errors import DomainError
from summit.models import PlanningGroup
from summit.permissions import PLANNER, facilitated_group_ids, has_role
from workshops.models import PaperTally, Recommendation, ResidentQuote

FACILITATOR_STATES = {Recommendation.State.DRAFT, Recommendation.State.SUBMITTED}
EDITABLE_FIELDS = (
    "title",
    "barrier",
    "action",
    "rationale",
    "pillar",
    "lever",
    "lead_organization",
    "partners",
    "horizon",
    "resources",
    "success_measure",
    "state",
)


class RecommendationError(DomainError):
    pass


def may_work_on_group(user, group):
    """A planner of the group's summit, or a facilitator of that very group."""
    if has_role(user, group.summit, PLANNER):
        return True
    return group.pk in facilitated_group_ids(user, group.summit)


def group_codes(summit):
    """Three-letter codes for the summit's groups (housing -> HOU); clashes get a digit."""
    codes, taken = {}, set()
    for group in PlanningGroup.objects.filter(summit=summit).order_by("position", "pk"):
        letters = re.sub(r"[^A-Za-z0-9]", "", group.slug).upper() or "GRP"
        code, suffix = letters[:3], 2
        while code in taken:
            code = f"{letters[:2]}{suffix}"
            suffix += 1
        taken.add(code)
        codes[group.pk] = code
    return codes


def summit_code(summit):
    return re.sub(r"[^A-Za-z0-9]", "", summit.slug).upper()[:8] or "SUMMIT"


def _check_state(state, *, by, group):
    # by=None: the system itself (commands, the demo seed), which may set any state.
    if (
        state
        and state not in FACILITATOR_STATES
        and by is not None
        and not has_role(by, group.summit, PLANNER)
    ):
        raise RecommendationError(
            "state_planner_only",
            _("Only a planner can shortlist, adopt or park a recommendation."),
            field="state",
            status_code=403,
        )


@transaction.atomic
def create_recommendation(*, group, data, by=None):
    """Create a recommendation in `group` with the next reference (SB25-HOU-03).
    `data` holds model values (pillar, lever as objects; predictors, dimensions as lists)."""
    data = dict(data)
    predictors = data.pop("predictors", [])
    dimensions = data.pop("dimensions", [])
    _check_state(data.get("state"), by=by, group=group)
    # Lock the group row: two facilitators saving at once must not get the same number.
    group = PlanningGroup.objects.select_for_update(of=("self",)).select_related("summit").get(pk=group.pk)
    number = (Recommendation.objects.filter(group=group).aggregate(n=Max("number"))["n"] or 0) + 1
    reference = f"{summit_code(group.summit)}-{group_codes(group.summit)[group.pk]}-{number:02d}"
    recommendation = Recommendation.objects.create(
        summit=group.summit,
        group=group,
        number=number,
        reference=reference,
        created_by=by if by is not None and by.is_authenticated else None,
        **data,
    )
    recommendation.predictors.set(predictors)
    recommendation.dimensions.set(dimensions)
    return recommendation


@transaction.atomic
def update_recommendation(recommendation, *, data, by=None):
    data = dict(data)
    predictors = data.pop("predictors", None)
    dimensions = data.pop("dimensions", None)
    _check_state(data.get("state"), by=by, group=recommendation.group)
    if recommendation.merged_into_id:
        raise RecommendationError(
            "merged", _("This recommendation was merged into another one."), status_code=409
        )
    for field, value in data.items():
        if field in EDITABLE_FIELDS:
            setattr(recommendation, field, value)
    recommendation.save()
    if predictors is not None:
        recommendation.predictors.set(predictors)
    if dimensions is not None:
        recommendation.dimensions.set(dimensions)
    return recommendation


@transaction.atomic
def set_state(recommendation, *, state, by=None):
    return update_recommendation(recommendation, data={"state": state}, by=by)


@transaction.atomic
def merge_recommendations(*, keep, duplicates, by=None):
    """Fold duplicates into `keep`: their quotes and paper dots move over; each duplicate is
    parked and points at `keep`. Refused once people have voted on a duplicate."""
    duplicates = [d for d in duplicates if d.pk != keep.pk]
    if not duplicates:
        raise RecommendationError(
            "nothing_to_merge",
            _("Choose at least one other recommendation."),
            field="duplicates",
            status_code=400,
        )
    for duplicate in duplicates:
        if duplicate.summit_id != keep.summit_id:
            raise RecommendationError(
                "other_summit",
                _("Only recommendations of the same summit can be merged."),
                field="duplicates",
            )
        if duplicate.votes.exists():
            raise RecommendationError(
                "has_votes",
                _("%(reference)s already has votes; it can no longer be merged.")
                % {"reference": duplicate.reference},
                field="duplicates",
            )
    ids = [d.pk for d in duplicates]
    ResidentQuote.objects.filter(recommendation_id__in=ids).update(recommendation=keep)
    moved = sum(PaperTally.objects.filter(recommendation_id__in=ids).values_list("dots", flat=True))
    if moved:
        tally, _created = PaperTally.objects.get_or_create(recommendation=keep, defaults={"dots": 0})
        tally.dots += moved
        tally.save(update_fields=["dots", "updated_at"])
        PaperTally.objects.filter(recommendation_id__in=ids).delete()
    Recommendation.objects.filter(pk__in=ids).update(merged_into=keep, state=Recommendation.State.PARKED)
    keep.refresh_from_db()
    return keep


@transaction.atomic
def add_quote(*, group, text, speaker_sector, is_resident=False, consent_to_quote=False, recommendation=None):
    if recommendation is not None and recommendation.group_id != group.pk:
        raise RecommendationError(
            "other_group", _("That recommendation belongs to another group."), field="recommendation"
        )
    return ResidentQuote.objects.create(
        group=group,
        recommendation=recommendation,
        text=text,
        speaker_sector=speaker_sector,
        is_resident=is_resident,
        consent_to_quote=consent_to_quote,
    )


@transaction.atomic
def set_paper_tally(recommendation, *, dots, by=None):
    """Record the dots counted on the poster for this recommendation (replaces the figure)."""
    if dots < 0:
        raise RecommendationError("invalid", _("Dots cannot be negative."), field="dots", status_code=400)
    tally, _created = PaperTally.objects.update_or_create(
        recommendation=recommendation,
        defaults={"dots": dots, "entered_by": by if by is not None and by.is_authenticated else None},
    )
    return tally
