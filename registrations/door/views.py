"""Door pages: the volunteer's scanning page, door links (open, manage) and the planner dashboard."""

from django.conf import settings
from django.contrib.auth import login, logout
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from registrations.badges.qr import qr_data_uri
from registrations.door import services as checkin
from registrations.door.links import (
    DoorLinkError,
    bind_session,
    check_door_link,
    claim_door_link,
    create_door_link,
    door_access_allowed,
    door_link_url,
    holds_door_link,
    record_sign_out,
    revoke_door_link,
)
from registrations.models import DoorLink
from summit.models import Summit
from summit.permissions import PLANNER, VOLUNTEER, has_role


def _summit_for(request, slug, *roles):
    summit = get_object_or_404(Summit, slug=slug)
    if not request.user.is_authenticated:
        return summit, redirect_to_login(request.get_full_path())
    if not has_role(request.user, summit, *roles) or not door_access_allowed(request.user, summit):
        raise PermissionDenied
    return summit, None


@never_cache
def door_page(request, slug):
    summit, redirect_response = _summit_for(request, slug, PLANNER, VOLUNTEER)
    if redirect_response:
        return redirect_response
    strings = {
        "ok": _("Admitted"),
        "okOffline": _("Admitted (offline)"),
        "already": _("Already checked in"),
        "unknown": _("Unknown badge"),
        "notAdmitted": _("Not admitted"),
        "cancelled": _("Registration cancelled"),
        "waitlisted": _("On the waitlist, no seat"),
        "unpaid": _("Payment not completed"),
        "firstAt": _("First checked in at %(time)s by %(who)s"),
        "group": _("Group: %(group)s"),
        "room": _("Room: %(room)s"),
        "noGroup": _("No planning group yet"),
        "attention": _("Please check in with the welcome desk: this person has a need we prepared for."),
        "counts": _("%(checked_in)s of %(expected)s checked in"),
        "queued": _("%(count)s offline scans waiting to be sent"),
        "online": _("Online"),
        "offline": _("Offline: scanning against the saved door list"),
        "noList": _("Offline and no saved door list: scans cannot be checked."),
        "listSaved": _("Door list saved on this device: %(count)s badges"),
        "cameraError": _("The camera could not be started. Use the scanner field or the name search."),
        "cameraOn": _("Camera on: hold the badge's QR code in the frame."),
        "cameraOff": _("Camera off"),
        "searchShort": _("Type at least three letters of the name."),
        "noMatches": _("Nobody found with that name."),
        "checkIn": _("Check in"),
        "undone": _("Check-in undone: %(name)s"),
        "undoExpired": _("A check-in can only be undone within two minutes."),
        "nothingToUndo": _("There is no check-in of yours to undo."),
        "error": _("Something went wrong. Try again."),
        "forbidden": _("This device is no longer signed in. Ask a planner for a new door link."),
        "synced": _("Offline scans sent: %(count)s"),
        "undo": _("Undo check-in of %(name)s"),
    }
    context = {
        "summit": summit,
        "door_config": {
            "slug": summit.slug,
            "user": request.user.pk,
            "expiresAt": summit.ends_at.isoformat(),
            "urls": {
                "checkin": reverse("api-checkins", args=[summit.slug]),
                "batch": reverse("api-checkins-batch", args=[summit.slug]),
                "tap": reverse("api-checkins-tap", args=[summit.slug]),
                "undo": reverse("api-checkins-undo", args=[summit.slug]),
                "search": reverse("api-checkins-search", args=[summit.slug]),
                "list": reverse("api-door-list", args=[summit.slug]),
                "stats": reverse("api-door-stats", args=[summit.slug]),
                "wasm": _static("vendor/zxing-wasm/zxing_reader.wasm"),
            },
            "strings": strings,
            # A door link's account carries the link's label as its first name.
            "device": request.user.first_name or request.user.get_username().split("@")[0],
        },
        "counts": checkin.door_counts(summit),
        "is_planner": has_role(request.user, summit, PLANNER),
    }
    return render(request, "registrations/door.html", context)


def _static(path):
    from django.templatetags.static import static

    return static(path)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def door_link_open(request, token):
    """A door link. Opening it shows a confirm page and changes nothing: chat apps open links to
    preview them, and the preview must not claim the link. Its button (a POST, CSRF-checked) signs
    this device in as the link's volunteer, until the summit ends."""
    try:
        if request.method != "POST":
            link = check_door_link(token, session=request.session)
            if holds_door_link(link, request.session) and request.user == link.user:
                return redirect("registrations:door-page", slug=link.summit.slug)
            return render(request, "registrations/door_link_confirm.html", {"summit": link.summit})
        link = claim_door_link(token, session=request.session, device_hint=_device_hint(request))
    except DoorLinkError as exc:
        return render(request, "registrations/door_link_refused.html", {"message": exc.message}, status=403)
    login(request, link.user, backend="django.contrib.auth.backends.ModelBackend")
    # The session lives until the summit ends (or the link is revoked, which deletes it).
    request.session.set_expiry(link.summit.ends_at)
    request.session.save()
    bind_session(link, request.session.session_key)
    return redirect("registrations:door-page", slug=link.summit.slug)


def _device_hint(request):
    return request.headers.get("User-Agent", "")[:120]


@require_POST
def door_sign_out(request, slug):
    if request.user.is_authenticated:
        record_sign_out(request.user)
    logout(request)
    return render(request, "registrations/door_signed_out.html", {"slug": slug})


@never_cache
def door_links_page(request, slug):
    summit, redirect_response = _summit_for(request, slug, PLANNER)
    if redirect_response:
        return redirect_response
    created = None
    error = None
    if request.method == "POST":
        if "revoke" in request.POST:
            link = DoorLink.objects.filter(summit=summit, pk=request.POST.get("revoke")).first()
            if link is None:
                raise Http404
            revoke_door_link(link, by=request.user)
            return redirect("registrations:door-links", slug=summit.slug)
        try:
            link, token = create_door_link(
                summit=summit, label=request.POST.get("label", ""), created_by=request.user
            )
        except DoorLinkError as exc:
            error = exc.message
        else:
            url = door_link_url(token, base=request.build_absolute_uri("/"))
            created = {"link": link, "url": url, "qr": qr_data_uri(url)}
    links = DoorLink.objects.filter(summit=summit).select_related("created_by")
    return render(
        request,
        "registrations/door_links.html",
        {"summit": summit, "links": links, "created": created, "error": error, "now": timezone.now()},
    )


@never_cache
def door_dashboard_page(request, slug):
    summit, redirect_response = _summit_for(request, slug, PLANNER)
    if redirect_response:
        return redirect_response
    figures = checkin.door_dashboard(summit)
    peak = max([row["count"] for row in figures["over_time"]] or [1])
    for row in figures["over_time"]:
        row["percent"] = round(100 * row["count"] / peak)
    return render(
        request,
        "registrations/door_dashboard.html",
        {
            "summit": summit,
            "figures": figures,
            "api_url": reverse("api-door-dashboard", args=[summit.slug]),
            "refresh_seconds": 15,
            "site_url": settings.SITE_URL,
        },
    )
