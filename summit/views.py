from django.contrib.auth import views as auth_views
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.cache import never_cache

from summit.models import StaffRole, Summit


@never_cache
def healthz(request):
    """Liveness with a database round trip: 200 when the database answers, 503 when not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any database failure means "not healthy", never a 500 page
        return JsonResponse({"status": "error", "database": type(exc).__name__}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def _wants_json(request):
    return request.path.startswith(("/api/", "/webhooks/"))


def handler400(request, exception=None):
    if _wants_json(request):
        return JsonResponse(
            {"code": "bad_request", "detail": _("The request could not be understood.")}, status=400
        )
    return defaults.bad_request(request, exception)


def handler403(request, exception=None):
    if _wants_json(request):
        return JsonResponse({"code": "permission_denied", "detail": _("You may not do this.")}, status=403)
    return defaults.permission_denied(request, exception)


def handler404(request, exception=None):
    if _wants_json(request):
        return JsonResponse({"code": "not_found", "detail": _("Not found.")}, status=404)
    return defaults.page_not_found(request, exception)


def handler500(request):
    if _wants_json(request):
        return JsonResponse(
            {"code": "server_error", "detail": _("Something went wrong on our side.")}, status=500
        )
    return defaults.server_error(request)


def home(request):
    """Upcoming summits, each linking to its registration page."""
    summits = Summit.objects.filter(ends_at__gte=timezone.now()).order_by("starts_at")[:20]
    return render(request, "summit/home.html", {"summits": summits})


# Each role's own page, best first: someone with several roles at a summit lands on the first.
# Pages of the other apps are named, not imported (summit imports neither registrations nor workshops).
LANDING_PAGES = {
    StaffRole.Role.PLANNER: lambda role: reverse("planner-groups", args=[role.summit.slug]),
    StaffRole.Role.FACILITATOR: lambda role: reverse(
        "workshops-facilitate", args=[role.summit.slug, role.group.slug]
    ),
    StaffRole.Role.NAVIGATOR: lambda role: reverse("registrations:assisted", args=[role.summit.slug]),
    StaffRole.Role.VOLUNTEER: lambda role: reverse("registrations:door-page", args=[role.summit.slug]),
}


def staff_landing_url(user):
    """Where a staff member lands after signing in: their own page (planner: the summit's planner
    page; facilitator: their group's; navigator: assisted registration; volunteer: the door) at
    the summit they work at next (or, when all are over, the latest). Superusers with no role go
    to the admin; anyone else to the summit list."""
    now = timezone.now()
    roles = [
        role
        for role in StaffRole.objects.filter(user=user).select_related("summit", "group")
        if role.role in LANDING_PAGES and (role.role != StaffRole.Role.FACILITATOR or role.group_id)
    ]
    if not roles:
        return reverse("admin:index") if user.is_superuser else reverse("home")
    order = list(LANDING_PAGES)

    def rank(role):
        summit = role.summit
        if summit.ends_at >= now:  # upcoming or under way: the soonest first
            when = (0, summit.starts_at.timestamp())
        else:  # all over: the latest first
            when = (1, -summit.starts_at.timestamp())
        return when, summit.pk, order.index(role.role)

    first = min(roles, key=rank)
    return LANDING_PAGES[first.role](first)


class StaffLoginView(auth_views.LoginView):
    """The one sign-in page for staff. A safe `next` wins; otherwise each lands on their own page."""

    template_name = "summit/login.html"
    redirect_authenticated_user = True

    def get_default_redirect_url(self):
        return staff_landing_url(self.request.user)
