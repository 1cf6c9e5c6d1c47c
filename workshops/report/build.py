"""The summit report: a frozen snapshot of the data, and the PDF made from it.

`collect_report_data` reads everything the report shows in a constant number of queries and
returns plain JSON-able data (language-neutral: both languages' names, sector codes). The
snapshot stores that data as canonical JSON with its SHA-256, so the same snapshot renders the
same PDF, in English or Spanish. Small-number suppression happens when the figures are
presented (`report_context`): any figure describing 1 to 4 people prints as "fewer than 5".
`build_snapshot_pdf` renders a snapshot and stores its PDF; the use cases that make snapshots
are in `workshops.report.services`.
"""

import datetime
import hashlib
import json
from collections import Counter, defaultdict

from django.core.files.base import ContentFile
from django.db.models import Count
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from registrations.models import Registration
from summit.models import PlanningGroup, Sector
from summit.pdf import render_pdf_counted
from workshops.attendance import attended
from workshops.models import (
    Dimension,
    FrameworkVersion,
    Lever,
    Pillar,
    Recommendation,
    ReportSnapshot,
    Vote,
    VotingRound,
)
from workshops.report.charts import bar_chart, share_bar

SCHEMA = 1
SUPPRESS_BELOW = 5
TOP_IN_SUMMARY = 5
PRIORITISED_STATES = (Recommendation.State.SHORTLISTED, Recommendation.State.ADOPTED)


# --- Collecting the data (constant number of queries) ---


def _iso(value):
    return value.isoformat() if value else None


def collect_report_data(summit, *, preliminary, now=None):
    """Everything the report shows, as plain data. Queries do not grow with the number of
    people, groups or recommendations."""
    now = now or timezone.now()
    framework = FrameworkVersion.current()
    groups = list(PlanningGroup.objects.filter(summit=summit).order_by("position", "name"))

    # Confirmed registrations and attendees by (sector, language, group): everything derives from these two.
    confirmed = Registration.objects.filter(summit=summit, status=Registration.Status.CONFIRMED)
    registered_rows = list(confirmed.values("sector", "language", "group_id").annotate(n=Count("pk")))
    attended_rows = list(attended(confirmed).values("sector", "language", "group_id").annotate(n=Count("pk")))
    organizations = list(
        attended(confirmed)
        .exclude(organization="")
        .values_list("organization", "share_with_group")
        .distinct()
    )
    distinct_orgs = {name.strip().casefold() for name, _consent in organizations}
    consenting_orgs = sorted({name.strip() for name, consent in organizations if consent}, key=str.casefold)

    recommendations = list(
        Recommendation.objects.filter(summit=summit)
        .select_related("group", "pillar", "lever", "merged_into", "paper_tally")
        .prefetch_related("predictors", "dimensions", "quotes")
        .order_by("group__position", "group__name", "number")
    )
    dimensions = list(Dimension.objects.filter(version=framework)) if framework else []
    pillars = list(Pillar.objects.filter(version=framework)) if framework else []
    levers = list(Lever.objects.filter(version=framework)) if framework else []

    rounds = list(VotingRound.objects.filter(summit=summit).order_by("opens_at", "pk"))
    closed = [r for r in rounds if r.is_closed(now)]
    # Whole-summit rounds decide the priorities when there are any; otherwise the groups' own rounds.
    ranking_rounds = [r for r in closed if r.group_id is None] or [r for r in closed if r.group_id]
    votes = list(
        Vote.objects.filter(ballot__round__in=[r.pk for r in ranking_rounds]).values_list(
            "recommendation_id", "dots", "ballot__registration_id", "ballot__registration__sector"
        )
    )

    group_slug = {g.pk: g.slug for g in groups}
    data = {
        "schema": SCHEMA,
        "taken_at": _iso(now),
        "preliminary": bool(preliminary),
        "summit": {
            "slug": summit.slug,
            "name": summit.name,
            "name_es": summit.name_es,
            "venue": summit.venue,
            "timezone": summit.timezone,
            "starts_at": _iso(summit.starts_at),
            "ends_at": _iso(summit.ends_at),
        },
        "framework": {
            "version": framework.code if framework else "",
            "name": framework.name if framework else "",
            "name_es": framework.name_es if framework else "",
            "dimensions": [{"slug": d.slug, "en": d.name, "es": d.name_es} for d in dimensions],
            "pillars": [{"slug": p.slug, "en": p.name, "es": p.name_es} for p in pillars],
            "levers": [{"slug": lv.slug, "en": lv.name, "es": lv.name_es} for lv in levers],
        },
        "participation": {
            "registered": [
                [r["sector"], r["language"], group_slug.get(r["group_id"]), r["n"]] for r in registered_rows
            ],
            "attended": [
                [r["sector"], r["language"], group_slug.get(r["group_id"]), r["n"]] for r in attended_rows
            ],
            "organizations": len(distinct_orgs),
            "consenting_organizations": consenting_orgs,
        },
        "groups": [
            {
                "slug": g.slug,
                "name": g.name,
                "name_es": g.name_es,
                "language": g.language,
                "pillar": g.pillar,
                "room": g.room,
            }
            for g in groups
        ],
        "recommendations": [_recommendation_data(rec) for rec in recommendations],
        "voting": {
            "rounds": [
                {
                    "id": r.pk,
                    "title": r.title,
                    "group": group_slug.get(r.group_id),
                    "dots_per_person": r.dots_per_person,
                    "max_per_item": r.max_per_item,
                    "closes_at": _iso(r.closes_at),
                    "closed": r in closed,
                    "counted": r in ranking_rounds,
                }
                for r in rounds
            ],
            # [recommendation id, dots, voter (anonymous index), voter's sector]
            "votes": _anonymous_votes(votes),
        },
    }
    return data


def _anonymous_votes(votes):
    """Votes with registration ids replaced by a per-snapshot index: the snapshot holds no ids
    that lead back to a person."""
    index = {}
    rows = []
    for rec_id, dots, registration_id, sector in sorted(votes):
        voter = index.setdefault(registration_id, len(index) + 1)
        rows.append([rec_id, dots, voter, sector])
    return sorted(rows)


def _recommendation_data(rec):
    tally = getattr(rec, "paper_tally", None)
    return {
        "id": rec.pk,
        "reference": rec.reference,
        "group": rec.group.slug,
        "title": rec.title,
        "barrier": rec.barrier,
        "action": rec.action,
        "rationale": rec.rationale,
        "pillar": {"slug": rec.pillar.slug, "en": rec.pillar.name, "es": rec.pillar.name_es},
        "predictors": [{"slug": p.slug, "en": p.name, "es": p.name_es} for p in rec.predictors.all()],
        "dimensions": sorted(d.slug for d in rec.dimensions.all()),
        "lever": {"slug": rec.lever.slug, "en": rec.lever.name, "es": rec.lever.name_es}
        if rec.lever
        else None,
        "lead_organization": rec.lead_organization,
        "partners": rec.partners,
        "horizon": rec.horizon,
        "resources": rec.resources,
        "success_measure": rec.success_measure,
        "state": rec.state,
        "merged_into": rec.merged_into.reference if rec.merged_into else None,
        "paper_dots": tally.dots if tally else 0,
        "quotes": [
            {"text": q.text, "sector": q.speaker_sector, "resident": q.is_resident}
            for q in rec.quotes.all()
            if q.consent_to_quote
        ],
    }


def canonical_json(data):
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def sha256_of(data):
    return hashlib.sha256(canonical_json(data)).hexdigest()


# --- Presenting: suppression, rankings, charts ---


def small(n):
    """True when a count of people must not be printed (1 to 4 people)."""
    return 0 < n < SUPPRESS_BELOW


def suppress_counts(counts):
    """Counts with small cells as None; when exactly one cell is hidden in a column whose total
    is printed, the next smallest is hidden too, so the total cannot give it away."""
    shown = [None if small(n) else n for n in counts]
    hidden = [i for i, v in enumerate(shown) if v is None]
    if len(hidden) == 1:
        others = [(n, i) for i, n in enumerate(counts) if shown[i] is not None and n > 0]
        if others:
            shown[min(others)[1]] = None
    return shown


def fmt(value):
    if value is None:
        return _("fewer than 5")
    return str(value)


def pct(part, whole):
    return round(100 * part / whole) if whole else 0


def _name(item, language):
    if language == "es":
        return item.get("es") or item.get("name_es") or item.get("en") or item.get("name") or ""
    return item.get("en") or item.get("name") or item.get("es") or item.get("name_es") or ""


def rank_recommendations(data):
    """Prioritised recommendations with their dots, supporters, sector breadth, residents' share
    and the sector-balanced rank beside the raw rank."""
    votes = data["voting"]["votes"]
    by_rec = defaultdict(list)
    dots_by_sector = Counter()
    for rec_id, dots, voter, sector in votes:
        by_rec[rec_id].append((dots, voter, sector))
        dots_by_sector[sector] += dots
    rows = []
    for rec in data["recommendations"]:
        if rec["merged_into"]:
            continue
        cast = by_rec.get(rec["id"], [])
        vote_dots = sum(d for d, _v, _s in cast)
        # Prioritised: shortlisted or adopted, or voted on in a counted round. Poster dots alone
        # do not put a recommendation on the list; they add to the dots of those on it.
        if not cast and rec["state"] not in PRIORITISED_STATES:
            continue
        supporters = {v for _d, v, _s in cast}
        supporter_sectors = {v: s for _d, v, s in cast}
        resident_supporters = sum(1 for s in supporter_sectors.values() if s == Sector.RESIDENT)
        resident_dots = sum(d for d, _v, s in cast if s == Sector.RESIDENT)
        # Each sector's dots count as a share of all that sector's dots: a sector of 20 people
        # weighs as much as a sector of 200.
        balanced = sum(d / dots_by_sector[s] for d, _v, s in cast if dots_by_sector[s])
        rows.append(
            {
                "rec": rec,
                "dots": vote_dots + rec["paper_dots"],
                "vote_dots": vote_dots,
                "paper_dots": rec["paper_dots"],
                "supporters": len(supporters),
                "sectors": len(set(supporter_sectors.values())),
                "resident_supporters": resident_supporters,
                "resident_share": pct(resident_dots, vote_dots),
                "balanced": balanced,
            }
        )
    rows.sort(key=lambda r: (-r["dots"], r["rec"]["reference"]))
    for position, row in enumerate(rows, start=1):
        row["raw_rank"] = position
    for position, row in enumerate(
        sorted(rows, key=lambda r: (-r["balanced"], r["rec"]["reference"])), start=1
    ):
        row["balanced_rank"] = position
    return rows


def _sector_label(code):
    return str(Sector(code).label) if code in Sector.values else code


def report_context(data, *, language, sha256):
    """The template's context in the active language (call inside translation.override)."""
    participation = data["participation"]
    registered = Counter()
    attended_by = Counter()
    languages_registered, languages_attended = Counter(), Counter()
    group_attended = defaultdict(Counter)
    group_languages = defaultdict(Counter)
    for sector, lang, _group, n in participation["registered"]:
        registered[sector] += n
        languages_registered[lang] += n
    for sector, lang, group, n in participation["attended"]:
        attended_by[sector] += n
        languages_attended[lang] += n
        if group:
            group_attended[group][sector] += n
            group_languages[group][lang] += n
    total_registered = sum(registered.values())
    total_attended = sum(attended_by.values())

    sectors = [code for code in Sector.values if registered[code] or attended_by[code]]
    reg_shown = suppress_counts([registered[s] for s in sectors])
    att_shown = suppress_counts([attended_by[s] for s in sectors])
    sector_rows = [
        {"label": _sector_label(s), "registered": fmt(r), "attended": fmt(a), "r": r, "a": a}
        for s, r, a in zip(sectors, reg_shown, att_shown, strict=True)
    ]
    residents = attended_by[Sector.RESIDENT]
    residents_share = (
        None if small(residents) or small(total_attended - residents) else pct(residents, total_attended)
    )

    language_codes = [code for code in ("en", "es") if languages_registered[code] or languages_attended[code]]
    lang_reg = suppress_counts([languages_registered[c] for c in language_codes])
    lang_att = suppress_counts([languages_attended[c] for c in language_codes])
    language_names = {"en": _("English"), "es": _("Spanish")}
    language_rows = [
        {"label": language_names[c], "registered": fmt(r), "attended": fmt(a), "r": r, "a": a}
        for c, r, a in zip(language_codes, lang_reg, lang_att, strict=True)
    ]

    pillars = {p["slug"]: p for p in data["framework"]["pillars"]}
    recs_by_group = defaultdict(list)
    live = [r for r in data["recommendations"] if not r["merged_into"]]
    for rec in data["recommendations"]:
        recs_by_group[rec["group"]].append(_present_recommendation(rec, language))

    groups = []
    for group in data["groups"]:
        counts = group_attended[group["slug"]]
        g_sectors = [s for s in Sector.values if counts[s]]
        shown = suppress_counts([counts[s] for s in g_sectors])
        size = sum(counts.values())
        groups.append(
            {
                "slug": group["slug"],
                "name": _name(group, language),
                "room": group["room"],
                "pillar": _name(pillars[group["pillar"]], language) if group["pillar"] in pillars else "",
                "size": fmt(None if small(size) else size),
                "composition": [
                    {"label": _sector_label(s), "count": fmt(v)}
                    for s, v in zip(g_sectors, shown, strict=True)
                ],
                "languages": ", ".join(
                    f"{language_names[c]}: {fmt(None if small(group_languages[group['slug']][c]) else group_languages[group['slug']][c])}"
                    for c in ("en", "es")
                    if group_languages[group["slug"]][c]
                ),
                "recommendations": recs_by_group[group["slug"]],
            }
        )

    ranking = rank_recommendations(data)
    presented = {rec["id"]: _present_recommendation(rec, language) for rec in data["recommendations"]}
    ranked_rows = []
    for row in ranking:
        few = row["supporters"] < SUPPRESS_BELOW
        share_hidden = (
            few or small(row["resident_supporters"]) or small(row["supporters"] - row["resident_supporters"])
        )
        ranked_rows.append(
            {
                **row,
                "item": presented[row["rec"]["id"]],
                "supporters_text": fmt(None if small(row["supporters"]) else row["supporters"]),
                "sectors_text": fmt(None if few and row["supporters"] else row["sectors"]),
                "resident_share_text": fmt(None)
                if share_hidden and row["supporters"]
                else f"{row['resident_share']} %",
            }
        )

    dimensions = data["framework"]["dimensions"]
    matrix = []
    for pillar in data["framework"]["pillars"]:
        in_pillar = [r for r in live if r["pillar"]["slug"] == pillar["slug"] and r["state"] != "parked"]
        cells = [sum(1 for r in in_pillar if d["slug"] in r["dimensions"]) for d in dimensions]
        matrix.append(
            {
                "pillar": _name(pillar, language),
                "cells": cells,
                "unstated": sum(1 for r in in_pillar if not r["dimensions"]),
                "total": len(in_pillar),
            }
        )
    gaps = [
        {"pillar": row["pillar"], "dimension": _name(d, language)}
        for row in matrix
        for d, n in zip(dimensions, row["cells"], strict=True)
        if n == 0
    ]

    quotes = [
        {
            "text": q["text"],
            "sector": _sector_label(q["sector"]),
            "resident": q["resident"],
            "reference": rec["reference"],
        }
        for rec in data["recommendations"]
        for q in rec["quotes"]
    ]
    voters = len({v for _r, _d, v, _s in data["voting"]["votes"]})
    dots_cast = sum(d for _r, d, _v, _s in data["voting"]["votes"])
    rounds = data["voting"]["rounds"]
    return {
        "data": data,
        "language": language,
        "sha256": sha256,
        "version_stamp": sha256[:12],
        "preliminary": data["preliminary"],
        "summit_name": data["summit"]["name_es"]
        if language == "es" and data["summit"]["name_es"]
        else data["summit"]["name"],
        "summit": data["summit"],
        "taken_at": datetime.datetime.fromisoformat(data["taken_at"]),
        "framework_name": data["framework"]["name_es"] if language == "es" else data["framework"]["name"],
        "framework_version": data["framework"]["version"],
        "headline": {
            "registered": fmt(None if small(total_registered) else total_registered),
            "attended": fmt(None if small(total_attended) else total_attended),
            "groups": len(data["groups"]),
            "recommendations": len(live),
            "voters": fmt(None if small(voters) else voters),
            "dots": dots_cast,
            "organizations": participation["organizations"],
            "residents_share": fmt(residents_share) if residents_share is None else f"{residents_share} %",
        },
        "top": ranked_rows[:TOP_IN_SUMMARY],
        "sector_rows": sector_rows,
        "sector_chart": bar_chart(
            [(row["label"], [v, w]) for row, v, w in zip(sector_rows, reg_shown, att_shown, strict=True)],
            series_labels=[_("Registered"), _("Attended")],
            suppressed_label=_("fewer than 5"),
        ),
        "language_rows": language_rows,
        "language_chart": bar_chart(
            [(row["label"], [v, w]) for row, v, w in zip(language_rows, lang_reg, lang_att, strict=True)],
            series_labels=[_("Registered"), _("Attended")],
            suppressed_label=_("fewer than 5"),
        ),
        "residents_chart": share_bar(
            residents_share or 0,
            label=_("Residents: %(share)s of attendees")
            % {"share": fmt(residents_share) if residents_share is None else f"{residents_share} %"},
        )
        if residents_share is not None
        else "",
        "groups": groups,
        "ranking": ranked_rows,
        "vote_chart": bar_chart(
            [(f"{row['item']['reference']} {row['item']['title']}", [row["dots"]]) for row in ranked_rows],
            series_labels=[_("Dots")],
        ),
        "voting_open": any(not r["closed"] for r in rounds),
        "counted_rounds": [r for r in rounds if r["counted"]],
        "dimensions": [_name(d, language) for d in dimensions],
        "matrix": matrix,
        "gaps": gaps,
        "quotes": quotes,
        "organizations": participation["consenting_organizations"],
        "suppress_below": SUPPRESS_BELOW,
    }


def _present_recommendation(rec, language):
    horizons = dict(Recommendation.Horizon.choices)
    states = dict(Recommendation.State.choices)
    return {
        **rec,
        "pillar_name": _name(rec["pillar"], language),
        "predictor_names": ", ".join(_name(p, language) for p in rec["predictors"]),
        "lever_name": _name(rec["lever"], language) if rec["lever"] else "",
        "horizon_name": str(horizons.get(rec["horizon"], "")),
        "state_name": str(states.get(rec["state"], rec["state"])),
        "quotes": [{**q, "sector_name": _sector_label(q["sector"])} for q in rec["quotes"]],
    }


def report_html(data, *, language, sha256):
    with translation.override(language):
        return render_to_string(
            "workshops/report/report.html", report_context(data, language=language, sha256=sha256)
        )


def render_report(data, *, language, sha256, progress=None):
    """(pdf bytes, pages) for a snapshot's data. Same data and language: the same PDF."""
    html = report_html(data, language=language, sha256=sha256)
    if progress:
        progress(30, "laying out")
    return render_pdf_counted(
        html, on_laid_out=(lambda pages: progress(80, f"{pages} pages")) if progress else None
    )


# --- Building a snapshot's PDF (the background task's work, and build_report's) ---


def build_snapshot_pdf(snapshot, *, progress=None):
    """Take the data (unless the snapshot already holds some), render, store the PDF.
    Progress goes to the snapshot row (for the planner page) and to `progress`."""

    def step(percent, label=""):
        ReportSnapshot.objects.filter(pk=snapshot.pk).update(progress=percent)
        if progress:
            progress(percent, label)

    ReportSnapshot.objects.filter(pk=snapshot.pk).update(status=ReportSnapshot.Status.RUNNING)
    try:
        if snapshot.data is None:
            data = collect_report_data(snapshot.summit, preliminary=snapshot.preliminary)
            snapshot.data, snapshot.sha256 = data, sha256_of(data)
            snapshot.save(update_fields=["data", "sha256"])
        step(10, "data")
        pdf, pages = render_report(
            snapshot.data, language=snapshot.language, sha256=snapshot.sha256, progress=step
        )
        snapshot.pdf.save("report.pdf", ContentFile(pdf), save=False)
        snapshot.pages = pages
        snapshot.status = ReportSnapshot.Status.DONE
        snapshot.progress = 100
        snapshot.finished_at = timezone.now()
        snapshot.save(update_fields=["pdf", "pages", "status", "progress", "finished_at"])
        if progress:
            progress(100, "done")
        return pdf
    except Exception as exc:
        ReportSnapshot.objects.filter(pk=snapshot.pk).update(
            status=ReportSnapshot.Status.FAILED, error=f"{type(exc).__name__}: {exc}"[:500]
        )
        raise
