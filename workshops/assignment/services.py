"""Planning-group assignment use cases: run the engine, move and lock people, publish, compare.

Each function runs in one transaction, taking the summit's row lock first so that a run, a
planner's move and a publish never interleave.

Who "needs Spanish": a registration whose language is Spanish (`Registration.language == "es"`)
is placed only in Spanish or bilingual groups; a planner can override this by locking someone.
"""

import csv
import io

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from registrations.models import GroupPreference, Registration
from registrations.seats.rules import lock_summit  # also serializes runs, moves and publishing
from summit.csvsafe import safe_cell
from summit.errors import DomainError
from summit.models import PlanningGroup
from summit.pdf import render_template_pdf
from workshops.assignment import engine
from workshops.models import Assignment, AssignmentRun, Reason


def _groups(summit):
    return list(PlanningGroup.objects.filter(summit=summit).order_by("position", "name", "pk"))


def _confirmed(summit):
    return Registration.objects.filter(summit=summit, status=Registration.Status.CONFIRMED)


def _previous_rules(summit):
    run = AssignmentRun.objects.filter(summit=summit).exclude(parameters={}).first()
    return dict(run.parameters.get("rules", {})) if run else {}


def _parse_rules(rules, summit):
    data = _previous_rules(summit) if rules is None else rules
    if not isinstance(data, dict):
        raise DomainError("invalid_rule", _("The rules must be an object."), field="rules", status_code=400)
    try:
        return engine.Rules.from_dict(data)
    except engine.AssignmentInputError as exc:
        raise DomainError(
            "invalid_rule", _("This rule has a wrong value."), field=exc.field or "rules", status_code=400
        ) from exc


def build_problem(summit, *, fresh=False):
    """The engine's input for a summit: (people, groups, registrations by person id).

    People are the confirmed registrations; each brings their ranked preferences, their planner
    lock and (unless `fresh`) their current draft group as the previous group.
    """
    groups = _groups(summit)
    slug_of = {g.pk: g.slug for g in groups}
    registrations = {str(r.pk): r for r in _confirmed(summit).order_by("pk")}
    prefs = {}
    for pref in GroupPreference.objects.filter(registration__in=[int(k) for k in registrations]).order_by(
        "registration_id", "rank"
    ):
        prefs.setdefault(str(pref.registration_id), []).append(slug_of[pref.group_id])
    current = {
        str(a.registration_id): a
        for a in Assignment.objects.filter(registration__summit=summit, registration__status="confirmed")
    }
    people = []
    for pid, reg in registrations.items():
        draft = current.get(pid)
        people.append(
            engine.Person(
                id=pid,
                sector=reg.sector,
                organization=reg.organization,
                language=reg.language,
                preferences=tuple(prefs.get(pid, ())),
                locked_group=slug_of[draft.group_id] if draft and draft.locked else None,
                previous_group=slug_of[draft.group_id] if draft and not fresh else None,
            )
        )
    engine_groups = [
        engine.Group(id=g.slug, language=g.language, min_size=g.min_size, max_size=g.max_size) for g in groups
    ]
    return people, engine_groups, registrations


def run_assignment(summit, *, by=None, dry_run=False, rules=None, fresh=False):
    """Run the engine on the summit's confirmed registrations and save the draft assignment.

    `rules`: a dict of engine rules (see workshops.assignment.engine.Rules); None reuses the last run's
    rules (or the defaults). `fresh`: ignore everyone's current draft group (no stability term).
    With `dry_run`, nothing is saved: the returned run has no primary key and carries the
    placements in `run.placements`. Locked people stay where the planner put them.
    Raises DomainError("invalid_rule" | "no_groups" | "infeasible").
    """
    engine_rules = _parse_rules(rules, summit)
    with transaction.atomic():
        lock_summit(summit)
        people, groups, registrations = build_problem(summit, fresh=fresh)
        try:
            result = engine.solve(people, groups, engine_rules)
        except engine.AssignmentInputError as exc:
            raise DomainError(exc.code, str(exc), status_code=409) from exc
        previous_run = AssignmentRun.objects.filter(summit=summit).first()
        run = AssignmentRun(
            summit=summit,
            created_by=by if by is not None and by.is_authenticated else None,
            parameters={"rules": engine_rules.as_dict(), "fresh": fresh},
            figures=result.figures,
            snapshot=result.assignment,
            status=result.status,
            method=result.method,
            relaxed=list(result.relaxed),
            solve_seconds=round(result.solve_seconds, 3),
        )
        run.placements = result.placements
        run.result = result
        run.comparison = compare_snapshots(previous_run.snapshot if previous_run else {}, run.snapshot)
        if dry_run:
            transaction.set_rollback(True)
            return run
        run.save()
        _save_placements(summit, run, result, registrations)
    return run


def _save_placements(summit, run, result, registrations):
    group_by_slug = {g.slug: g for g in PlanningGroup.objects.filter(summit=summit)}
    existing = {a.registration_id: a for a in Assignment.objects.filter(registration__summit=summit)}
    confirmed_ids = {int(pid) for pid in registrations}
    # Drafts of people no longer confirmed (cancelled, say) go.
    stale = [a.pk for reg_id, a in existing.items() if reg_id not in confirmed_ids]
    Assignment.objects.filter(pk__in=stale).delete()
    changed, created = [], []
    for pid, placement in result.placements.items():
        reg_id = int(pid)
        group = group_by_slug[placement.group_id]
        draft = existing.get(reg_id)
        reason = placement.reason
        if draft is None:
            created.append(
                Assignment(registration_id=reg_id, group=group, reason=reason, rank=placement.rank, run=run)
            )
            continue
        draft.group = group
        draft.reason = Reason.LOCKED if draft.locked else reason
        draft.rank = placement.rank
        draft.run = run
        changed.append(draft)
    Assignment.objects.bulk_create(created, batch_size=1000)
    Assignment.objects.bulk_update(changed, ["group", "reason", "rank", "run", "updated_at"], batch_size=1000)


def move_attendee(registration, group, *, by, lock=True):
    """Put a confirmed attendee in `group` (a planner's choice), locked by default so reruns keep it.

    Returns the Assignment. Raises DomainError("group_not_in_summit", "not_confirmed").
    """
    if group.summit_id != registration.summit_id:
        raise DomainError(
            "group_not_in_summit", _("This group is not part of this summit."), field="group", status_code=400
        )
    with transaction.atomic():
        lock_summit(registration.summit)
        registration = Registration.objects.get(pk=registration.pk)
        if registration.status != Registration.Status.CONFIRMED:
            raise DomainError("not_confirmed", _("Only confirmed attendees can be placed in a group."))
        rank = (
            GroupPreference.objects.filter(registration=registration, group=group)
            .values_list("rank", flat=True)
            .first()
        )
        draft, _created = Assignment.objects.update_or_create(
            registration=registration,
            defaults={
                "group": group,
                "locked": lock,
                "locked_by": by if lock else None,
                "locked_at": timezone.now() if lock else None,
                "reason": Reason.LOCKED if lock else Reason.MOVED,
                "rank": rank,
            },
        )
    return draft


def unlock(registration, *, by):
    """Let the engine place this attendee again on the next run (they stay put until then).

    Returns the Assignment. Raises DomainError("not_assigned").
    """
    with transaction.atomic():
        lock_summit(registration.summit)
        draft = Assignment.objects.filter(registration=registration).first()
        if draft is None:
            raise DomainError("not_assigned", _("This attendee has no group yet."), status_code=404)
        draft.locked = False
        draft.locked_by = None
        draft.locked_at = None
        if draft.reason == Reason.LOCKED:
            draft.reason = Reason.MOVED
        draft.save(update_fields=["locked", "locked_by", "locked_at", "reason", "updated_at"])
    return draft


def publish_assignment(summit, *, by):
    """Copy every draft group to Registration.group, the group attendees and the door see.

    Confirmed attendees without a draft group (registered after the last run) and people no
    longer confirmed lose any published group. Marks the latest run as published.
    Returns {"published", "cleared", "unassigned", "run"}. Raises DomainError("no_assignment").
    """
    with transaction.atomic():
        lock_summit(summit)
        drafts = dict(
            Assignment.objects.filter(
                registration__summit=summit, registration__status="confirmed"
            ).values_list("registration_id", "group_id")
        )
        if not drafts:
            raise DomainError("no_assignment", _("Run the assignment before publishing it."))
        registrations = list(Registration.objects.filter(summit=summit).only("pk", "group_id", "status"))
        changed, cleared, unassigned = [], 0, 0
        for reg in registrations:
            target = drafts.get(reg.pk)
            if target is None and reg.status == Registration.Status.CONFIRMED:
                unassigned += 1
            if reg.group_id != target:
                cleared += target is None
                reg.group_id = target
                changed.append(reg)
        Registration.objects.bulk_update(changed, ["group"], batch_size=1000)
        run = AssignmentRun.objects.filter(summit=summit).first()
        if run is not None:
            run.published_at = timezone.now()
            run.published_by = by if by is not None and by.is_authenticated else None
            run.save(update_fields=["published_at", "published_by"])
    return {
        "published": len(drafts),
        "changed": len(changed),
        "cleared": cleared,
        "unassigned": unassigned,
        "run": run,
    }


def compare_snapshots(before, after):
    """How `after` differs from `before` (registration id -> group slug maps)."""
    moved = sorted(
        (
            {"registration": pid, "from": before[pid], "to": group}
            for pid, group in after.items()
            if pid in before and before[pid] != group
        ),
        key=lambda m: int(m["registration"]) if m["registration"].isdigit() else m["registration"],
    )
    return {
        "moved": len(moved),
        "joined": sum(1 for pid in after if pid not in before),
        "left": sum(1 for pid in before if pid not in after),
        "kept": sum(1 for pid, group in after.items() if before.get(pid) == group),
        "moves": moved,
    }


def compare_with_previous(run):
    """The run compared with the run before it: who moved, who joined or left, figure changes."""
    previous = (
        AssignmentRun.objects.filter(summit=run.summit, created_at__lte=run.created_at)
        .exclude(pk=run.pk)
        .filter(pk__lt=run.pk)
        .first()
    )
    comparison = compare_snapshots(previous.snapshot if previous else {}, run.snapshot)
    comparison["previous_run"] = previous.pk if previous else None
    if previous:
        comparison["figures"] = {
            key: {
                "before": previous.figures.get(key, {}).get("share"),
                "after": run.figures.get(key, {}).get("share"),
            }
            for key in ("first_choice", "top_three", "unranked")
        }
    return comparison


def reason_text(code, *, language):
    """A reason code in words, in the given language."""
    with translation.override(language):
        return str(Reason(code).label)


# --------------------------------------------------------------------------------------------
# Rosters


def group_roster(group, *, draft=False):
    """Who is in a group: names and organizations of those who agreed to share them, and a count
    of the others (never named). Uses the published group unless `draft`.

    Returns {"group", "named": [(name, organization)], "not_named": int, "total": int}.
    """
    if draft:
        registrations = Registration.objects.filter(
            assignment__group=group, status=Registration.Status.CONFIRMED
        )
    else:
        registrations = Registration.objects.filter(group=group, status=Registration.Status.CONFIRMED)
    rows = list(
        registrations.order_by("first_name", "last_name", "pk").values_list(
            "first_name", "last_name", "organization", "share_with_group"
        )
    )
    named = [(f"{first} {last}".strip(), org) for first, last, org, share in rows if share]
    return {"group": group, "named": named, "not_named": len(rows) - len(named), "total": len(rows)}


def roster_csv(group, *, draft=False):
    roster = group_roster(group, draft=draft)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_("Name"), _("Organization")])
    for name, organization in roster["named"]:
        writer.writerow([safe_cell(name), safe_cell(organization)])
    if roster["not_named"]:
        writer.writerow(
            [_("%(count)d more (not named by their choice)") % {"count": roster["not_named"]}, ""]
        )
    return out.getvalue()


def roster_pdf(group, *, draft=False):
    roster = group_roster(group, draft=draft)
    return render_template_pdf(
        "workshops/roster_pdf.html", {"roster": roster, "group": group, "summit": group.summit}
    )
