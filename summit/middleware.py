import time

from django.conf import settings
from django.contrib.auth import logout

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
