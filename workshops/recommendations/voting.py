"""Dot voting: rounds, ballots and votes.

The rule that matters ("no one spends more dots than the round gives them") is held by the
database: every change of a voter's dots first locks that voter's Ballot row, and the row's
CHECK constraint (dots_used <= dots_allowed) refuses anything that slips past. Results stay
hidden until the round closes.
"""

import datetime

from django.db import IntegrityError, transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from registrations.badges.codes import find_registration
from registrations.models import Registration
from summit.errors import DomainError
from workshops.attendance import is_checked_in
from workshops.models import Ballot, Recommendation, Vote, VotingRound

VOTABLE_IN_GROUP_ROUND = (
    Recommendation.State.SUBMITTED,
    Recommendation.State.SHORTLISTED,
    Recommendation.State.ADOPTED,
)
VOTABLE_IN_SUMMIT_ROUND = (Recommendation.State.SHORTLISTED, Recommendation.State.ADOPTED)


class VotingError(DomainError):
    pass


def open_round(
    summit, *, closes_at, group=None, opens_at=None, dots_per_person=5, max_per_item=2, title="", by=None
):
    opens_at = opens_at or timezone.now()
    if closes_at <= opens_at:
        raise VotingError(
            "invalid", _("A round must close after it opens."), field="closes_at", status_code=400
        )
    if dots_per_person < 1 or max_per_item < 1:
        raise VotingError(
            "invalid", _("Give each person at least one dot."), field="dots_per_person", status_code=400
        )
    if group is not None and group.summit_id != summit.pk:
        raise VotingError(
            "invalid", _("That group belongs to another summit."), field="group", status_code=400
        )
    return VotingRound.objects.create(
        summit=summit,
        group=group,
        title=title,
        opens_at=opens_at,
        closes_at=closes_at,
        dots_per_person=dots_per_person,
        max_per_item=max_per_item,
        created_by=by if by is not None and by.is_authenticated else None,
    )


def close_round(voting_round, *, now=None):
    """Close now (results become visible). Closing a closed round changes nothing."""
    now = now or timezone.now()
    if voting_round.closes_at > now:
        voting_round.closes_at = max(now, voting_round.opens_at + datetime.timedelta(microseconds=1))
        voting_round.save(update_fields=["closes_at"])
    return voting_round


def eligible_recommendations(voting_round):
    queryset = Recommendation.objects.filter(summit=voting_round.summit, merged_into__isnull=True)
    if voting_round.group_id:
        return queryset.filter(group=voting_round.group_id, state__in=VOTABLE_IN_GROUP_ROUND)
    return queryset.filter(state__in=VOTABLE_IN_SUMMIT_ROUND)


def rounds_for(registration, *, now=None):
    """Open rounds this attendee may vote in."""
    now = now or timezone.now()
    return (
        VotingRound.objects.filter(summit=registration.summit_id, opens_at__lte=now, closes_at__gt=now)
        .filter(Q(group__isnull=True) | Q(group=registration.group_id))
        .select_related("group")
        .order_by("closes_at", "pk")
    )


def check_voter(voting_round, registration):
    if registration is None or registration.summit_id != voting_round.summit_id:
        raise VotingError("unknown_voter", _("We do not recognise this badge."), status_code=404)
    if registration.status != Registration.Status.CONFIRMED or not is_checked_in(registration):
        raise VotingError(
            "not_checked_in", _("Only people checked in at the summit can vote."), status_code=403
        )
    if voting_round.group_id and registration.group_id != voting_round.group_id:
        raise VotingError("other_group", _("This round is for another planning group."), status_code=403)


def _check_open(voting_round, now=None):
    now = now or timezone.now()
    if now < voting_round.opens_at:
        raise VotingError("round_not_open", _("Voting has not started yet."))
    if voting_round.is_closed(now):
        raise VotingError("round_closed", _("Voting has closed."))


def _locked_ballot(voting_round, registration, *, source, by=None):
    ballot, _created = Ballot.objects.get_or_create(
        round=voting_round,
        registration=registration,
        defaults={
            "dots_allowed": voting_round.dots_per_person,
            "source": source,
            "entered_by": by if by is not None and by.is_authenticated else None,
        },
    )
    # The voter's row lock: every change to one person's dots in this round queues here.
    return Ballot.objects.select_for_update().get(pk=ballot.pk)


def set_dots(voting_round, *, registration, recommendation, dots, now=None):
    """Put `dots` (0 to max_per_item) of this voter's dots on one recommendation.
    Raises VotingError: round_not_open / round_closed, not_checked_in, other_group,
    not_on_ballot, too_many_on_item, no_dots_left, voted_on_paper."""
    _check_open(voting_round, now)
    check_voter(voting_round, registration)
    if not eligible_recommendations(voting_round).filter(pk=recommendation.pk).exists():
        raise VotingError(
            "not_on_ballot", _("This recommendation is not part of this round."), field="recommendation"
        )
    if dots < 0 or dots > voting_round.max_per_item:
        raise VotingError(
            "too_many_on_item",
            _("At most %(max)d dots on one recommendation.") % {"max": voting_round.max_per_item},
            field="dots",
            status_code=400 if dots < 0 else 409,
        )
    try:
        with transaction.atomic():
            ballot = _locked_ballot(voting_round, registration, source=Ballot.Source.ONLINE)
            if ballot.source == Ballot.Source.PAPER:
                raise VotingError("voted_on_paper", _("This person's paper ballot is already counted."))
            vote = Vote.objects.filter(ballot=ballot, recommendation=recommendation).first()
            delta = dots - (vote.dots if vote else 0)
            if ballot.dots_used + delta > ballot.dots_allowed:
                raise VotingError("no_dots_left", _("You have used all your dots."), field="dots")
            if dots == 0 and vote:
                vote.delete()
            elif vote:
                vote.dots = dots
                vote.save(update_fields=["dots"])
            elif dots:
                Vote.objects.create(ballot=ballot, recommendation=recommendation, dots=dots)
            ballot.dots_used += delta
            ballot.save(update_fields=["dots_used", "updated_at"])
    except IntegrityError as exc:  # the CHECK constraint: a path that skipped the lock
        raise VotingError("no_dots_left", _("You have used all your dots."), field="dots") from exc
    return ballot


@transaction.atomic
def record_paper_ballot(voting_round, *, code, allocations, by=None):
    """Count one paper ballot, identified by the badge code printed on it.
    `allocations` maps recommendation ids to dots. The whole ballot counts or none of it;
    a person who already voted (online or on paper) is refused: nobody votes twice."""
    if timezone.now() < voting_round.opens_at:
        raise VotingError("round_not_open", _("Voting has not started yet."))
    registration = find_registration(voting_round.summit, code)
    check_voter(voting_round, registration)
    allocations = {int(k): int(v) for k, v in allocations.items() if int(v) != 0}
    eligible = dict(
        eligible_recommendations(voting_round).filter(pk__in=allocations).values_list("pk", "reference")
    )
    for rec_id, dots in allocations.items():
        if rec_id not in eligible:
            raise VotingError(
                "not_on_ballot",
                _("A recommendation on this ballot is not part of this round."),
                field="votes",
            )
        if dots < 0 or dots > voting_round.max_per_item:
            raise VotingError(
                "too_many_on_item",
                _("At most %(max)d dots on one recommendation.") % {"max": voting_round.max_per_item},
                field="votes",
            )
    total = sum(allocations.values())
    if total > voting_round.dots_per_person:
        raise VotingError("no_dots_left", _("This ballot has more dots than the round gives."), field="votes")
    ballot = _locked_ballot(voting_round, registration, source=Ballot.Source.PAPER, by=by)
    if ballot.dots_used or ballot.source != Ballot.Source.PAPER or ballot.votes.exists():
        raise VotingError("already_voted", _("This person has already voted in this round."))
    Vote.objects.bulk_create(
        [Vote(ballot=ballot, recommendation_id=rec_id, dots=dots) for rec_id, dots in allocations.items()]
    )
    ballot.dots_used = total
    ballot.save(update_fields=["dots_used", "updated_at"])
    return ballot


def my_dots(voting_round, registration):
    """{recommendation id: dots} and dots left for one voter (for their own ballot page)."""
    ballot = Ballot.objects.filter(round=voting_round, registration=registration).first()
    if ballot is None:
        return {}, voting_round.dots_per_person, None
    mine = dict(ballot.votes.values_list("recommendation_id", "dots"))
    return mine, ballot.dots_allowed - ballot.dots_used, ballot.source


def round_results(voting_round, *, now=None):
    """Dots and distinct supporters per recommendation, best first. Hidden until the round closes."""
    if not voting_round.is_closed(now):
        raise VotingError("results_hidden", _("Results are shown when the round closes."), status_code=409)
    rows = (
        eligible_recommendations(voting_round)
        .annotate(
            dots=Sum("votes__dots", filter=Q(votes__ballot__round=voting_round), default=0),
            supporters=Count("votes__ballot", filter=Q(votes__ballot__round=voting_round), distinct=True),
        )
        .select_related("group")
        .order_by("-dots", "reference")
    )
    return list(rows)
