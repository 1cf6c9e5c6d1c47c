import logging
import time

from django.conf import settings
from django.contrib.auth import logout
from django.db import DatabaseError
from django.http import HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from summit.models import Summit
from summit.timezones import activate_summit_time_zone

logger = logging.getLogger(__name__)

SESSION_KEY = "summit_last_seen"
EXEMPT_FLAG = "summit_door_device"


class StaffIdleTimeoutMiddleware:
    """Signs a staff member out after STAFF_IDLE_TIMEOUT seconds without a request, so a
    laptop left open at the venue does not stay signed in. Door devices (sessions flagged by
    a door link) are exempt: their session ends with the summit or when the link is revoked."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not request.session.get(EXEMPT_FLAG):
            now = int(time.time())
            last_seen = request.session.get(SESSION_KEY)
            if last_seen is not None and now - last_seen > settings.STAFF_IDLE_TIMEOUT:
                logout(request)
            elif last_seen is None or now - last_seen > 60:
                # Written at most once a minute, to keep session writes off hot paths.
                request.session[SESSION_KEY] = now
        return self.get_response(request)


class SummitTimeZoneMiddleware:
    """A summit's pages (`/summits/<slug>/...`) show times, and read times typed into their forms,
    in the summit's time zone (API requests keep the default, UTC). The summit-scoped admin activates
    the zone of the summit its page is about (summit.admin); whatever a request activates ends
    with it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with timezone.override(None):  # UTC unless this request's page belongs to a summit
            return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        slug = view_kwargs.get("slug")
        if not slug or not request.resolver_match.route.startswith("summits/"):
            return
        try:
            name = Summit.objects.filter(slug=slug).values_list("timezone", flat=True).first()
        except DatabaseError:
            return  # the view meets the outage too and answers 503 (DatabaseUnavailableMiddleware)
        if name:
            activate_summit_time_zone(request, name)


class DatabaseUnavailableMiddleware:
    """While the database is down (a restart, a failover), answer 503 with Retry-After instead
    of a 500: clients and load balancers know to try again, and the request changed nothing
    (its transaction never committed). Django reconnects on its own once the database is back
    (CONN_HEALTH_CHECKS), so no restart of the app is needed."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from django.db import InterfaceError, OperationalError

        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        logger.warning("database unavailable for %s %s: %s", request.method, request.path, exception)
        detail = _("The service is briefly unavailable. Please try again in a few seconds.")
        if request.path.startswith(("/api/", "/webhooks/")):
            response = JsonResponse({"code": "service_unavailable", "detail": detail}, status=503)
        else:
            response = HttpResponse(detail, status=503, content_type="text/plain; charset=utf-8")
        response["Retry-After"] = "5"
        return response


class RefuseNulMiddleware:
    """Refuses a query string or form field holding a NUL character with a 400 before any view
    reads it. Nobody types one, and PostgreSQL can neither store nor compare text that holds one
    (it would be a 500 wherever a raw parameter reaches a query). JSON bodies are checked field by
    field by the serializers, which name the field."""

    FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._has_nul(request):
            return self._refuse(request)
        return self.get_response(request)

    def _has_nul(self, request):
        if _nul_in(request.GET):
            return True
        if request.method == "POST" and request.content_type in self.FORM_TYPES:
            from django.core.exceptions import RequestDataTooBig

            try:
                # Read the raw body first, so the form is parsed from that copy and a view that
                # reads the raw bytes after us (Stripe's webhook verifies its signature over
                # them) still can: parsing a multipart form straight from the stream would make
                # request.body raise RawPostDataException there. A body too big to keep is never
                # read here, so the stream stays whole for the view too.
                request.body  # noqa: B018
                return _nul_in(request.POST)
            except RequestDataTooBig:
                return False  # the view answers that one
        return False

    def _refuse(self, request):
        from django.http import HttpResponseBadRequest, JsonResponse
        from django.utils.translation import gettext as _

        message = _("Please remove control or text-direction characters.")
        if request.path.startswith(("/api/", "/webhooks/")):
            return JsonResponse({"code": "invalid_characters", "detail": message}, status=400)
        return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")


def _nul_in(query_dict):
    return any(
        "\x00" in key or any("\x00" in value for value in values) for key, values in query_dict.lists()
    )
