"""The planner's badge-sheet pages: start a sheet, watch it build, download it; and the
attendee's own badge, as its QR (PNG) and whole (PDF), behind their private link.

(The attendee's badge on the manage page uses registrations.badges.codes.badge_card_html and
the include templates/registrations/_badge_card.html.)"""

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from registrations.badges.api import sheet_file_response
from registrations.badges.codes import badge_png_response
from registrations.badges.sheets import (
    DEFAULT_LAYOUT,
    LAYOUTS,
    own_badge_pdf,
    request_badge_sheet,
    resolve_selection,
)
from registrations.models import BadgeSheetJob, Registration
from registrations.search import search_by_name
from registrations.seats.links import registration_from_token
from summit.errors import DomainError
from summit.models import Summit
from summit.permissions import PLANNER, has_role


class _LoginRequired(Exception):
    pass


def _planner_summit(request, slug):
    summit = get_object_or_404(Summit, slug=slug)
    if not request.user.is_authenticated:
        raise _LoginRequired
    if not has_role(request.user, summit, PLANNER):
        raise PermissionDenied
    return summit


def planner_page(view):
    def wrapped(request, slug, *args, **kwargs):
        try:
            summit = _planner_summit(request, slug)
        except _LoginRequired:
            return redirect_to_login(request.get_full_path())
        return view(request, summit, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return never_cache(wrapped)


@require_http_methods(["GET", "POST"])
@planner_page
def badge_sheets_page(request, summit):
    """Choose layout, selection and order; start a sheet; see the latest sheets. One person's
    badge (a reprint) is found by name: `q` lists the confirmed registrations it matches."""
    data = request.POST if request.method == "POST" else request.GET
    error = None
    form = {
        "layout": data.get("layout", DEFAULT_LAYOUT),
        "selection": data.get("selection", "registration" if data.get("q") else "all"),
        "group": data.get("group", ""),
        "registration": data.get("registration", "").strip(),
        "sort": data.get("sort", "last_name"),
        "mark_printed": request.method == "GET" or bool(data.get("mark_printed")),
        "q": data.get("q", "").strip()[:100],
    }
    people, search_error = _people_named(summit, form["q"])
    if request.method == "POST":
        try:
            if form["layout"] not in LAYOUTS:
                raise DomainError("unknown_layout", _("Choose a layout."), field="layout")
            selection = form["selection"]
            group, registration = resolve_selection(
                summit,
                group_slug=form["group"] if selection == "group" else None,
                registration_id=form["registration"] if selection == "registration" else None,
            )
            if selection == "group" and group is None:
                raise DomainError("unknown_group", _("Choose a planning group."), field="group")
            if selection == "registration" and registration is None:
                raise DomainError(
                    "unknown_registration",
                    _("Find the person by name, then choose them."),
                    field="registration",
                )
            job = request_badge_sheet(
                summit,
                by=request.user,
                layout=form["layout"],
                only_unprinted=selection == "unprinted",
                group=group,
                registration=registration,
                sort=form["sort"],
                mark_printed=form["mark_printed"],
            )
            return redirect("registrations:badge-sheet", summit.slug, job.public_id)
        except DomainError as exc:
            error = exc
    context = {
        "summit": summit,
        "layouts": LAYOUTS.values(),
        "sorts": BadgeSheetJob.Sort.choices,
        "groups": summit.groups.all(),
        "jobs": BadgeSheetJob.objects.filter(summit=summit).select_related("group", "registration")[:20],
        "form": form,
        "people": people,
        "search_error": search_error,
        "error": error,
        "confirmed": Registration.objects.filter(summit=summit, status=Registration.Status.CONFIRMED).count(),
        "unprinted": Registration.objects.filter(
            summit=summit, status=Registration.Status.CONFIRMED, badge_printed_at__isnull=True
        ).count(),
    }
    status = 400 if error or (search_error and request.method == "GET") else 200
    return render(request, "registrations/badges/planner_sheets.html", context, status=status)


def _people_named(summit, query):
    """The confirmed registrations (those with a badge) whose names match `query`, at most 20,
    and the refusal of a too short query; nothing without a query."""
    if not query:
        return [], None
    confirmed = Registration.objects.filter(summit=summit, status=Registration.Status.CONFIRMED)
    try:
        found = search_by_name(confirmed, query).select_related("group")
    except DomainError as exc:
        return [], exc
    return list(found.order_by("last_name", "first_name", "id")[:20]), None


@planner_page
def badge_sheet_page(request, summit, job_id):
    """One sheet: progress while it builds (the page refreshes itself), then the download."""
    job = get_object_or_404(
        BadgeSheetJob.objects.select_related("group", "registration"), summit=summit, public_id=job_id
    )
    return render(request, "registrations/badges/planner_sheet.html", {"summit": summit, "job": job})


@planner_page
def badge_sheet_download(request, summit, job_id):
    job = get_object_or_404(BadgeSheetJob, summit=summit, public_id=job_id)
    try:
        return sheet_file_response(job, user=request.user)
    except DomainError:
        raise Http404 from None


@never_cache
def attendee_badge_png(request, token):
    """The badge QR as a PNG download, behind the attendee's private link."""
    registration = registration_from_token(token)
    if registration is None:
        raise Http404
    return badge_png_response(registration)


@never_cache
def attendee_badge_pdf(request, token):
    """The whole badge (names, group, room, QR) as a PDF download, behind the attendee's
    private link. 404 unless the registration is confirmed."""
    registration = registration_from_token(token)
    if registration is None:
        raise Http404
    try:
        pdf = own_badge_pdf(registration)
    except DomainError:
        raise Http404 from None
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Cache-Control"] = "private, no-store"
    response["Content-Disposition"] = f'attachment; filename="badge-{registration.summit.slug}.pdf"'
    return response
