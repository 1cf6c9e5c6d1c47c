from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.cache import never_cache

from summit.models import Summit


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
