"""The planner's reports page: request a report (fresh data, or an earlier snapshot's data in
the other language), watch it build, download it. Works without JavaScript."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from summit.models import Summit
from summit.permissions import PLANNER, has_role
from workshops.models import ReportSnapshot
from workshops.report import services
from workshops.report.api import report_file_response


def _planner_summit(request, slug):
    summit = get_object_or_404(Summit, slug=slug)
    if not has_role(request.user, summit, PLANNER):
        raise PermissionDenied
    return summit


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def reports(request, slug):
    summit = _planner_summit(request, slug)
    if request.method == "POST":
        language = request.POST.get("language") if request.POST.get("language") in ("en", "es") else "en"
        source = None
        if request.POST.get("source"):
            source = get_object_or_404(
                ReportSnapshot, summit=summit, pk=request.POST["source"], data__isnull=False
            )
        services.request_report(
            summit,
            language=language,
            preliminary=request.POST.get("preliminary") == "on",
            source=source,
            by=request.user,
        )
        return redirect(request.path)
    snapshots = list(ReportSnapshot.objects.filter(summit=summit).defer("data")[:50])
    context = {
        "summit": summit,
        "snapshots": snapshots,
        "busy": any(
            s.status in (ReportSnapshot.Status.QUEUED, ReportSnapshot.Status.RUNNING) for s in snapshots
        ),
    }
    return render(request, "workshops/reports.html", context)


@never_cache
@login_required
def report_download(request, slug, pk):
    summit = _planner_summit(request, slug)
    return report_file_response(request, summit, pk)
