"""The planner's messages page, and the attendee's one-click unsubscribe."""

from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from registrations.announcements import services
from registrations.announcements.delivery import announcement_email
from registrations.announcements.forms import AnnouncementForm
from registrations.badges.views import planner_page
from registrations.models import Announcement, Registration
from registrations.seats.language import activate_attendee_language
from registrations.seats.links import registration_from_unsubscribe_token
from summit.errors import DomainError


@require_http_methods(["GET", "POST"])
@planner_page
def announcements_page(request, summit):
    """Write once in both languages, pick the audience, preview (count and both texts), send."""
    form = AnnouncementForm(request.POST or None, summit=summit)
    preview = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                audience, count = services.preview(summit, form.audience())
                if request.POST.get("action") == "send":
                    announcement = services.send_announcement(
                        summit, texts=form.texts(), audience=audience, by=request.user
                    )
                    return redirect(f"{request.path}?sent={announcement.pk}")
                preview = {"count": count, "texts": _preview_texts(summit, form.texts())}
            except DomainError as error:
                form.add_error(
                    error.field.removeprefix("audience.") if error.field else None, str(error.message)
                )
        if form.errors:
            status = 400
    announcements = services.with_counts(summit.announcements.all())[:20]
    return render(
        request,
        "registrations/announcements/page.html",
        {
            "summit": summit,
            "form": form,
            "preview": preview,
            "announcements": announcements,
            "sending": any(a.finished_at is None for a in announcements),
            "just_sent": request.GET.get("sent", ""),
            "reminders": summit.reminders.all(),
        },
        status=status,
    )


def _preview_texts(summit, texts):
    """Each language's email as an attendee would read it (a stand-in attendee: no one's data)."""
    previews = []
    for language in ("en", "es"):
        stand_in = Registration(summit=summit, language=language, email="attendee@example.org")
        message = announcement_email(Announcement(summit=summit, **texts), stand_in)  # not saved
        previews.append({"language": language, "subject": message.subject, "body": message.body})
    return previews


@csrf_exempt  # RFC 8058: mail clients POST "List-Unsubscribe=One-Click" with no form of ours
@never_cache
@require_http_methods(["GET", "POST"])
def unsubscribe_page(request, token):
    """GET asks (a link scanner must not unsubscribe anyone); POST stops the announcements."""
    registration = registration_from_unsubscribe_token(token)
    if registration is None:
        raise Http404
    activate_attendee_language(request, registration)
    if request.method == "POST":
        if request.POST.get("action") == "resubscribe":
            services.resubscribe(registration)
            done = "resubscribed"
        else:
            services.unsubscribe(registration)
            done = "unsubscribed"
    else:
        done = ""
    return render(
        request,
        "registrations/announcements/unsubscribe.html",
        {"summit": registration.summit, "done": done, "unsubscribed": done == "unsubscribed"},
    )
