"""CSV and JSON exports of recommendations and votes (planners only; the API logs each one).
Votes carry the voter's sector and an anonymous per-export number, never who voted."""

import json

from summit.csvsafe import to_csv
from workshops.models import Recommendation, Vote

RECOMMENDATION_FIELDS = [
    "reference",
    "group",
    "title",
    "barrier",
    "action",
    "rationale",
    "pillar",
    "predictors",
    "dimensions",
    "lever",
    "lead_organization",
    "partners",
    "horizon",
    "resources",
    "success_measure",
    "state",
    "merged_into",
    "paper_dots",
    "vote_dots",
]
VOTE_FIELDS = ["round", "round_title", "round_group", "reference", "dots", "voter", "voter_sector", "source"]


def recommendation_rows(summit):
    recommendations = (
        Recommendation.objects.filter(summit=summit)
        .select_related("group", "pillar", "lever", "merged_into", "paper_tally")
        .prefetch_related("predictors", "dimensions", "votes")
        .order_by("group__position", "group__name", "number")
    )
    for rec in recommendations:
        tally = getattr(rec, "paper_tally", None)
        yield {
            "reference": rec.reference,
            "group": rec.group.slug,
            "title": rec.title,
            "barrier": rec.barrier,
            "action": rec.action,
            "rationale": rec.rationale,
            "pillar": rec.pillar.slug,
            "predictors": [p.slug for p in rec.predictors.all()],
            "dimensions": [d.slug for d in rec.dimensions.all()],
            "lever": rec.lever.slug if rec.lever else "",
            "lead_organization": rec.lead_organization,
            "partners": rec.partners,
            "horizon": rec.horizon,
            "resources": rec.resources,
            "success_measure": rec.success_measure,
            "state": rec.state,
            "merged_into": rec.merged_into.reference if rec.merged_into else "",
            "paper_dots": tally.dots if tally else 0,
            "vote_dots": sum(v.dots for v in rec.votes.all()),
        }


def vote_rows(summit):
    votes = (
        Vote.objects.filter(ballot__round__summit=summit)
        .select_related("recommendation", "ballot__round__group", "ballot__registration")
        .order_by("ballot__round_id", "ballot__registration_id", "recommendation__reference")
    )
    voters = {}
    for vote in votes:
        ballot = vote.ballot
        yield {
            "round": ballot.round_id,
            "round_title": ballot.round.title,
            "round_group": ballot.round.group.slug if ballot.round.group_id else "",
            "reference": vote.recommendation.reference,
            "dots": vote.dots,
            "voter": voters.setdefault(ballot.registration_id, len(voters) + 1),
            "voter_sector": ballot.registration.sector,
            "source": ballot.source,
        }


def as_csv(rows, fields):
    def cells(row):
        return ["; ".join(v) if isinstance(v, list) else v for v in (row[f] for f in fields)]

    return to_csv(fields, (cells(row) for row in rows))


def as_json(rows):
    rows = list(rows)
    return json.dumps(rows, ensure_ascii=False, indent=1), len(rows)


EXPORTS = {
    "recommendations": (recommendation_rows, RECOMMENDATION_FIELDS),
    "votes": (vote_rows, VOTE_FIELDS),
}


def export(summit, *, what, fmt):
    """(body, count) of one export; `what` is recommendations or votes, `fmt` csv or json."""
    rows_of, fields = EXPORTS[what]
    rows = rows_of(summit)
    return as_csv(rows, fields) if fmt == "csv" else as_json(rows)
