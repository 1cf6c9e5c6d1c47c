"""Planner pages for the planning-group assignment, and group rosters (session login)."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from registrations.models import Registration
from registrations.search import search_by_name
from summit import audit
from summit.errors import DomainError
from summit.models import PlanningGroup, Sector, Summit
from summit.permissions import FACILITATOR, PLANNER, facilitated_group_ids, has_role
from workshops.assignment import services
from workshops.models import Assignment, AssignmentRun

SECTOR_LABELS = dict(Sector.choices)


def _planner_summit(request, slug):
    summit = get_object_or_404(Summit, slug=slug)
    if not has_role(request.user, summit, PLANNER):
        raise PermissionDenied
    return summit


def _group_rows(summit, groups, figures):
    """Per group: size, bounds and sector mix as percentages for bars (with the numbers as text)."""
    detail = {g["id"]: g for g in figures.get("groups_detail", [])}
    drafts = (
        Assignment.objects.filter(registration__summit=summit, registration__status="confirmed")
        .select_related("registration", "group")
        .order_by("registration__first_name", "registration__last_name", "registration__pk")
    )
    people = {}
    for draft in drafts:
        people.setdefault(draft.group_id, []).append(draft)
    rows = []
    for group in groups:
        members = people.get(group.pk, [])
        size = len(members)
        sectors = {}
        for draft in members:
            sectors[draft.registration.sector] = sectors.get(draft.registration.sector, 0) + 1
        mix = [
            {
                "sector": sector,
                "label": SECTOR_LABELS.get(sector, sector),
                "count": count,
                "percent": round(100 * count / size, 1) if size else 0,
            }
            for sector, count in sorted(sectors.items(), key=lambda kv: (-kv[1], kv[0]))
        ]
        rows.append(
            {
                "group": group,
                "size": size,
                "fill_percent": min(100, round(100 * size / group.max_size, 1)) if group.max_size else 0,
                "mix": mix,
                "people": members,
                "figures": detail.get(group.slug, {}),
                "violations": detail.get(group.slug, {}).get("violations", []),
            }
        )
    return rows


@login_required
@require_http_methods(["GET", "POST"])
def planner_groups(request, slug):
    summit = _planner_summit(request, slug)
    if request.method == "POST":
        return _planner_action(request, summit)
    groups = list(PlanningGroup.objects.filter(summit=summit).order_by("position", "name"))
    query = request.GET.get("q", "").strip()[:100]
    found, search_error = _people_named(summit, query)
    runs = AssignmentRun.objects.filter(summit=summit).select_related("created_by")
    newest = runs.first()
    latest = runs.filter(status=AssignmentRun.Status.DONE).first()
    figures = latest.figures if latest else {}
    context = {
        "pct": _percentages(figures),
        "summit": summit,
        "groups": groups,
        "rows": _group_rows(summit, groups, figures),
        "run": latest,
        # The newest run while it is queued or running (the page refreshes itself), or failed.
        "pending": newest if newest and newest.status in AssignmentRun.UNFINISHED else None,
        "failed": newest if newest and newest.status == AssignmentRun.Status.FAILED else None,
        "failure": services.failure_text(newest.error) if newest else "",
        "figures": figures,
        "comparison": services.compare_with_previous(latest) if latest else None,
        "unassigned": Registration.objects.filter(
            summit=summit, status="confirmed", assignment__isnull=True
        ).count(),
        "query": query,
        "found": found,
        "search_error": search_error,
    }
    return render(request, "workshops/planner_groups.html", context, status=400 if search_error else 200)


def _people_named(summit, query):
    """The confirmed attendees whose names match `query` (at most 20), each with their draft
    group (or None), and the refusal of a too short query; nothing without a query."""
    if not query:
        return [], None
    confirmed = Registration.objects.filter(summit=summit, status="confirmed")
    try:
        found = search_by_name(confirmed, query).select_related("assignment__group")
    except DomainError as exc:
        return [], exc
    return [
        {"registration": registration, "draft": getattr(registration, "assignment", None)}
        for registration in found.order_by("first_name", "last_name", "pk")[:20]
    ], None


def _pct(value, digits=1):
    return "—" if value is None else f"{100 * value:.{digits}f}%"


def _percentages(figures):
    """Shares from the run's figures, formatted for people."""
    if not figures:
        return {}
    limits = figures.get("limits", {})
    return {
        "first": _pct(figures["first_choice"]["share"]),
        "top3": _pct(figures["top_three"]["share"]),
        "unranked": _pct(figures["unranked"]["share"]),
        "gap": _pct(figures.get("solver", {}).get("gap"), 2),
        "floor": _pct(limits.get("resident_floor")),
        "resident_share": _pct(limits.get("resident_share")),
        "ceiling": _pct(limits.get("sector_ceiling")),
        "org_cap": limits.get("org_cap") or "—",
    }


def _planner_action(request, summit):
    action = request.POST.get("action")
    try:
        if action == "run":
            services.request_assignment_run(summit, by=request.user, fresh=request.POST.get("fresh") == "1")
            messages.success(
                request, _("The assignment is running: this page shows its figures when it is done.")
            )
        elif action in ("move", "unlock"):
            registration = (
                get_object_or_404(Registration, summit=summit, public_id=request.POST.get("registration", ""))
                if _is_uuid(request.POST.get("registration"))
                else None
            )
            if registration is None:
                messages.error(request, _("Choose an attendee."))
            elif action == "unlock":
                services.unlock(registration, by=request.user)
                messages.success(request, _("%(name)s is unlocked.") % {"name": registration})
            else:
                group = PlanningGroup.objects.filter(
                    summit=summit, slug=request.POST.get("group", "")
                ).first()
                if group is None:
                    messages.error(request, _("Choose a planning group."))
                else:
                    services.move_attendee(
                        registration, group, by=request.user, lock=request.POST.get("lock") != "0"
                    )
                    messages.success(
                        request,
                        _("%(name)s is now in %(group)s.")
                        % {"name": registration, "group": group.display_name},
                    )
        elif action == "publish":
            outcome = services.publish_assignment(summit, by=request.user)
            messages.success(
                request,
                _("Published: %(count)d attendees can now see their group.")
                % {"count": outcome["published"]},
            )
        else:
            messages.error(request, _("Unknown action."))
    except DomainError as exc:
        messages.error(request, str(exc.message))
    page = reverse("planner-groups", args=[summit.slug])
    query = request.POST.get("q", "").strip()[:100]
    return redirect(f"{page}?{urlencode({'q': query})}" if query else page)


def _is_uuid(value):
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


def _roster_group(request, slug, group_slug):
    summit = get_object_or_404(Summit, slug=slug)
    group = get_object_or_404(PlanningGroup, summit=summit, slug=group_slug)
    planner = has_role(request.user, summit, PLANNER)
    if not planner and not (
        has_role(request.user, summit, FACILITATOR)
        and group.pk in facilitated_group_ids(request.user, summit)
    ):
        raise PermissionDenied
    # Planners may look at the draft before publishing; facilitators see the published group only.
    draft = planner and request.GET.get("draft") == "1"
    return group, draft


def _roster_download(request, group, draft, *, content, content_type, kind):
    # A roster names people: each download is in the audit log, as exports are.
    audit.record(
        action=f"workshops.roster_{kind}",
        summit=group.summit,
        user=request.user,
        detail=f"group {group.slug}" + (" (draft)" if draft else ""),
    )
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="roster-{group.slug}.{kind}"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
def roster_csv(request, slug, group_slug):
    group, draft = _roster_group(request, slug, group_slug)
    content = services.roster_csv(group, draft=draft)
    return _roster_download(
        request, group, draft, content=content, content_type="text/csv; charset=utf-8", kind="csv"
    )


@login_required
def roster_pdf(request, slug, group_slug):
    group, draft = _roster_group(request, slug, group_slug)
    content = services.roster_pdf(group, draft=draft)
    return _roster_download(
        request, group, draft, content=content, content_type="application/pdf", kind="pdf"
    )
