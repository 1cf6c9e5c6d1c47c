"""Planning-group assignment use cases: run the engine, move and lock people, publish, compare.

Each function runs in one transaction, taking the summit's row lock first so that a run, a
planner's move and a publish never interleave.

Pages and the API queue a run (`request_assignment_run`) for a background task
(`run_assignment_task`), so no web worker waits for the solver; the run's status goes from
queued to running to done or failed. The `assign_groups` command runs at once
(`run_assignment`).

Who "needs Spanish": a registration whose language is Spanish (`Registration.language == "es"`)
is placed only in Spanish or bilingual groups; a planner can override this by locking someone.
"""

import csv
import io
import logging

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_tasks import task

from registrations.models import GroupPreference, Registration
from summit.background import STALLED_AFTER
from summit.csvsafe import safe_cell
from summit.errors import DomainError
from summit.models import PlanningGroup
from summit.pdf import render_template_pdf
from workshops.assignment import engine
from workshops.models import Assignment, AssignmentRun, Reason

logger = logging.getLogger(__name__)

Status = AssignmentRun.Status

# Why a run failed, by its stable code (`AssignmentRun.error`), in words for planners.
FAILURES = {
    "no_groups": gettext_lazy("There are confirmed attendees but no planning groups: add groups first."),
    "infeasible": gettext_lazy(
        "No assignment fits, even with every rule relaxed: check the groups' sizes and the locks."
    ),
    "interrupted": gettext_lazy("The run did not finish (the background worker stopped). Run it again."),
}
OTHER_FAILURE = gettext_lazy(
    "The solver could not finish this run. Run it again; if it fails again, tell the technical team."
)


def failure_text(code):
    """A failed run's reason in words, in the active language ("" for a run that did not fail)."""
    return str(FAILURES.get(code, OTHER_FAILURE)) if code else ""


def lock_assignments(summit):
    """Serialize the summit's runs, moves and publishing until the transaction ends: they queue on
    its planning groups' rows. Not on the summit's row, which is the seat rules' lock: a solve of
    up to its time limit would hold every registration and cancellation at this summit behind it.
    NO KEY UPDATE, so that a new group preference's foreign-key check is not held either."""
    list(
        PlanningGroup.objects.filter(summit=summit)
        .order_by("pk")
        .select_for_update(no_key=True)
        .values_list("pk")
    )


def _groups(summit):
    return list(PlanningGroup.objects.filter(summit=summit).order_by("position", "name", "pk"))


def _confirmed(summit):
    return Registration.objects.filter(summit=summit, status=Registration.Status.CONFIRMED)


def _done_runs(summit):
    return AssignmentRun.objects.filter(summit=summit, status=Status.DONE)


def _previous_rules(summit):
    run = _done_runs(summit).exclude(parameters={}).first()
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


def _user(by):
    return by if by is not None and by.is_authenticated else None


def _solve(run, engine_rules):
    """Solve the run's summit under its rules and fill in the run's figures (not saved).
    Call with the summit locked. Returns (result, registrations by person id)."""
    people, groups, registrations = build_problem(run.summit, fresh=run.parameters["fresh"])
    try:
        result = engine.solve(people, groups, engine_rules)
    except engine.AssignmentInputError as exc:
        raise DomainError(exc.code, str(exc), status_code=409) from exc
    previous_run = _done_runs(run.summit).exclude(pk=run.pk).first()
    run.figures = result.figures
    run.snapshot = result.assignment
    run.solver_status = result.status
    run.method = result.method
    run.relaxed = list(result.relaxed)
    run.solve_seconds = round(result.solve_seconds, 3)
    run.placements = result.placements
    run.result = result
    run.comparison = compare_snapshots(previous_run.snapshot if previous_run else {}, run.snapshot)
    return result, registrations


def run_assignment(summit, *, by=None, dry_run=False, rules=None, fresh=False):
    """Run the engine now on the summit's confirmed registrations and save the draft assignment
    (the command's way; pages and the API queue a run with request_assignment_run).

    `rules`: a dict of engine rules (see workshops.assignment.engine.Rules); None reuses the last run's
    rules (or the defaults). `fresh`: ignore everyone's current draft group (no stability term).
    With `dry_run`, nothing is saved: the returned run has no primary key and carries the
    placements in `run.placements`. Locked people stay where the planner put them.
    Raises DomainError("invalid_rule" | "no_groups" | "infeasible").
    """
    engine_rules = _parse_rules(rules, summit)
    run = AssignmentRun(
        summit=summit,
        created_by=_user(by),
        parameters={"rules": engine_rules.as_dict(), "fresh": fresh},
        status=Status.DONE,
        started_at=timezone.now(),
    )
    with transaction.atomic():
        lock_assignments(summit)
        result, registrations = _solve(run, engine_rules)
        run.finished_at = timezone.now()
        if dry_run:
            transaction.set_rollback(True)
            return run
        run.save()
        _save_placements(summit, run, result, registrations)
    return run


def request_assignment_run(summit, *, by, rules=None, fresh=False):
    """Queue a run for the background task: checks the rules now, records the run as queued and
    enqueues `run_assignment_task` once that is committed. A run still queued or running for
    the summit refuses another, unless its worker died (see fail_interrupted_assignment_runs).
    Returns the queued run. Raises DomainError("invalid_rule" | "already_running").
    """
    engine_rules = _parse_rules(rules, summit)
    fail_interrupted_assignment_runs(summit=summit)
    try:
        with transaction.atomic():
            run = AssignmentRun.objects.create(
                summit=summit,
                created_by=_user(by),
                parameters={"rules": engine_rules.as_dict(), "fresh": fresh},
                status=Status.QUEUED,
            )
            transaction.on_commit(lambda: run_assignment_task.enqueue(run.pk))
    except IntegrityError:  # one_unfinished_assignment_run_per_summit
        raise DomainError(
            "already_running",
            _("An assignment run is already under way for this summit: wait for its figures."),
            status_code=409,
        ) from None
    return run


@task()
def run_assignment_task(run_id):
    """The background task that solves a queued run (run_queued_assignment)."""
    run = run_queued_assignment(run_id)
    return run.status if run else None


def run_queued_assignment(run_id):
    """Solve a queued run: marks it running (committed at once, so the page shows it), then in
    one transaction solves, saves the draft groups and marks it done; a solve the engine refuses
    (no groups, infeasible) marks it failed with the reason's code. Safe to call twice: only a
    queued run is solved. Returns the run, or None when it was not queued.
    """
    claimed = AssignmentRun.objects.filter(pk=run_id, status=Status.QUEUED).update(
        status=Status.RUNNING, started_at=timezone.now()
    )
    if not claimed:
        return None
    try:
        with transaction.atomic():
            # The run's row stays locked while it solves: fail_interrupted_assignment_runs skips
            # locked rows, so a live run is never taken for one whose worker died.
            run = AssignmentRun.objects.select_for_update().get(pk=run_id)  # this row only
            if run.status != Status.RUNNING:  # failed as interrupted between the claim and the lock
                return run
            lock_assignments(run.summit)
            result, registrations = _solve(run, engine.Rules.from_dict(run.parameters["rules"]))
            run.status, run.finished_at = Status.DONE, timezone.now()
            run.save()
            _save_placements(run.summit, run, result, registrations)
    except Exception as exc:
        refused = isinstance(exc, DomainError | engine.AssignmentInputError)
        if not refused:
            logger.exception("assignment run %s failed", run_id)
        AssignmentRun.objects.filter(pk=run_id, status=Status.RUNNING).update(
            status=Status.FAILED,
            error=(exc.code if refused else "crashed")[:40],
            finished_at=timezone.now(),
        )
        if not refused:
            raise
    return AssignmentRun.objects.get(pk=run_id)


def fail_interrupted_assignment_runs(*, summit=None, older_than=STALLED_AFTER, now=None):
    """Mark as failed ("interrupted") the runs whose worker died: still running `older_than`
    after they started (a solve stops at its time limit, two minutes by default), or still
    queued that long after they were asked for (no worker took them). A run that is solving
    holds its row's lock and is skipped. Its requeued task then does nothing; the planner runs
    it again. Returns how many were failed."""
    now = now or timezone.now()
    cutoff = now - older_than
    runs = AssignmentRun.objects.filter(status__in=AssignmentRun.UNFINISHED)
    if summit is not None:
        runs = runs.filter(summit=summit)
    with transaction.atomic():
        stale = list(
            runs.filter(
                Q(status=Status.RUNNING, started_at__lt=cutoff)
                | Q(status=Status.QUEUED, created_at__lt=cutoff)
            )
            .select_for_update(skip_locked=True)
            .values_list("pk", flat=True)
        )
        return AssignmentRun.objects.filter(pk__in=stale, status__in=AssignmentRun.UNFINISHED).update(
            status=Status.FAILED, error="interrupted", finished_at=now
        )


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
        lock_assignments(registration.summit)
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
        lock_assignments(registration.summit)
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
        lock_assignments(summit)
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
        run = _done_runs(summit).first()
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
        _done_runs(run.summit)
        .filter(created_at__lte=run.created_at)
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
