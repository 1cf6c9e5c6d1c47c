"""Attendee pages: registration, thank-you, private manage link, send-my-link, assisted registration."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_ratelimit.core import is_ratelimited

from registrations import purge
from registrations.badges.codes import badge_card_html
from registrations.models import Registration
from registrations.seats import links, rules, services
from registrations.seats.forms import EmailLinkForm, RegistrationForm
from registrations.seats.language import activate_attendee_language
from registrations.seats.serializers import RegistrationInputSerializer
from summit.errors import DomainError
from summit.models import Summit
from summit.net import ratelimit_key
from summit.permissions import NAVIGATOR, PLANNER, has_role

LINK_FORM_RATE = "10/m"


def _limited(request, group, rate):
    return settings.RATE_LIMITS and is_ratelimited(
        request, group=group, key=ratelimit_key, rate=rate, method="POST", increment=True
    )


def _submit_registration(request, summit, form, *, email_required=True, registered_by=None):
    """Validate with the API's serializer and register; returns (registration, error message).

    A registered email answers the public form as a new registration would (a stand-in: see
    services.register_attendee). Staff registering someone are told instead, on the email field:
    they would otherwise be shown a confirmation and private link that lead nowhere."""
    serializer = RegistrationInputSerializer(
        data=form.as_input(), context={"summit": summit}, email_required=email_required
    )
    if not serializer.is_valid():
        form.add_serializer_errors(serializer.errors)
        return None, None
    try:
        registration, created = services.register_attendee(
            summit, data=serializer.validated_data, registered_by=registered_by
        )
    except DomainError as error:
        if error.field:
            form.add_serializer_errors({error.field: [str(error.message)]})
            return None, None
        return None, str(error.message)
    if not created and registered_by is not None:
        form.add_serializer_errors(
            {"email": [_("This email already has a registration. We sent its owner their private link.")]}
        )
        return None, None
    return registration, None


@never_cache
@require_http_methods(["GET", "POST"])
def summit_page(request, slug):
    activate_attendee_language(request)
    summit = get_object_or_404(Summit.objects.prefetch_related("groups", "ticket_types"), slug=slug)
    state = summit.registration_state()
    form = RegistrationForm(
        request.POST or None, summit=summit, initial={"language": translation.get_language()}
    )
    error = None
    status = 200
    if request.method == "POST" and state == "open":
        if _limited(request, "registration", "30/m"):
            error, status = (
                _("Too many attempts from this connection. Please wait a minute and try again."),
                429,
            )
        else:
            registration, error = _submit_registration(request, summit, form)
            if registration is not None:
                checkout_url = getattr(registration, "checkout_url", None)
                if checkout_url:
                    return redirect(checkout_url)
                return redirect(thanks_path(registration))
            status = 400 if error is None else 409
    context = {
        "summit": summit,
        "form": form,
        "state": state,
        "error": error,
        "seats_left": rules.seats_left(summit),
    }
    return render(request, "registrations/summit.html", context, status=status)


THANKS_SALT = "summit.registrations.thanks"
THANKS_MAX_AGE = 3600  # seconds: the page right after registering, not a status page to bookmark


def thanks_path(registration):
    """The thanks page, told what the registration came to (its status and waitlist place),
    signed so that no link can make the page say an outcome nobody had. Nothing personal is in
    it; a stand-in for a known email (services.register_attendee) gets the page a new
    registration would."""
    outcome = signing.dumps(
        {"status": registration.status, "position": rules.waitlist_position(registration)}, salt=THANKS_SALT
    )
    path = reverse("registrations:thanks", kwargs={"slug": registration.summit.slug})
    return f"{path}?{urlencode({'r': outcome})}"


def _thanks_outcome(value):
    """thanks_path's {status, position}, or {} when there is none (or it is old or forged)."""
    try:
        outcome = signing.loads(value, salt=THANKS_SALT, max_age=THANKS_MAX_AGE)
    except signing.BadSignature:
        return {}
    return outcome if isinstance(outcome, dict) else {}


@never_cache
def thanks(request, slug):
    activate_attendee_language(request)
    summit = get_object_or_404(Summit, slug=slug)
    outcome = _thanks_outcome(request.GET.get("r", ""))
    context = {
        "summit": summit,
        "status": outcome.get("status"),
        "position": outcome.get("position"),
    }
    return render(request, "registrations/thanks.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
def send_link(request, slug):
    activate_attendee_language(request)
    summit = get_object_or_404(Summit, slug=slug)
    form = EmailLinkForm(request.POST or None)
    sent = False
    status = 200
    if request.method == "POST":
        if _limited(request, "manage_link", LINK_FORM_RATE):
            form.add_error(
                None, _("Too many attempts from this connection. Please wait a minute and try again.")
            )
            status = 429
        elif form.is_valid():
            services.send_manage_link(summit, email=form.cleaned_data["email"])
            sent = True
        else:
            status = 400
    return render(
        request, "registrations/send_link.html", {"summit": summit, "form": form, "sent": sent}, status=status
    )


def _registration_or_404(token):
    registration = links.registration_from_token(token)
    if registration is None:
        raise Http404(_("This link is not valid. Ask for a new one from the summit page."))
    return registration


@never_cache
@require_http_methods(["GET", "POST"])
def manage(request, token):
    registration = _registration_or_404(token)
    activate_attendee_language(request, registration)
    summit = registration.summit
    message = error = None
    status = 200
    edit_form = None
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "cancel":
                if request.POST.get("confirm") != "yes":
                    error, status = _("Tick the box to confirm that you want to cancel."), 400
                else:
                    registration = services.cancel_registration(registration)
                    message = _("Your registration is cancelled.")
            elif action == "delete":
                if request.POST.get("confirm") != "yes":
                    error, status = _("Tick the box to confirm that you want to delete your data."), 400
                else:
                    purge.delete_own_registration(registration)
                    return render(request, "registrations/deleted.html", {"summit": summit})
            elif action == "claim":
                registration = services.claim_offer(registration)
                checkout_url = getattr(registration, "checkout_url", None)
                if checkout_url:
                    return redirect(checkout_url)
                message = _("The seat is yours. You are registered.")
            elif action == "edit":
                edit_form, registration, message, status = _edit(request, registration)
            else:
                error, status = _("Unknown action."), 400
        except DomainError as exc:
            error, status = str(exc.message), exc.status_code
        registration = links.registration_from_token(token) or registration
    if edit_form is None:
        edit_form = _edit_form(registration)
    context = {
        "summit": summit,
        "registration": registration,
        "form": edit_form,
        "message": message,
        "error": error,
        "position": rules.waitlist_position(registration),
        "preferences": [p.group for p in registration.preferences.select_related("group")],
        "token": token,
        "badge_card": badge_card_html(
            registration,
            png_url=reverse("registrations:badge-png", kwargs={"token": token}),
            pdf_url=reverse("registrations:badge-pdf", kwargs={"token": token}),
        ),
    }
    return render(request, "registrations/manage.html", context, status=status)


def _edit_form(registration, data=None):
    prefs = {f"pref_{p.rank}": p.group.slug for p in registration.preferences.select_related("group")}
    initial = {name: getattr(registration, name) for name in Registration.PROFILE_FIELDS}
    initial.update(prefs)
    initial["ticket_type"] = registration.ticket_type.slug
    form = RegistrationForm(data, summit=registration.summit, initial=initial)
    for name in ("ticket_type", "promo_code", "cannot_afford"):
        form.fields.pop(name, None)
    return form


def _edit(request, registration):
    form = _edit_form(registration, request.POST)
    payload = form.as_input()
    payload["ticket_type"] = registration.ticket_type.slug
    serializer = RegistrationInputSerializer(data=payload, context={"summit": registration.summit})
    if not serializer.is_valid():
        form.add_serializer_errors(serializer.errors)
        return form, registration, None, 400
    data = dict(serializer.validated_data)
    data.pop("ticket_type", None)
    data.pop("promo_code", None)
    try:
        registration = services.update_registration(registration, data=data)
    except DomainError as exc:
        form.add_serializer_errors({exc.field or "__all__": [str(exc.message)]})
        return form, registration, None, exc.status_code
    return None, registration, _("Your changes are saved."), 200


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def assisted_registration(request, slug):
    """A planner or community navigator registers a resident, who may have no email, and
    prints or shows the confirmation with the private link."""
    summit = get_object_or_404(Summit.objects.prefetch_related("groups", "ticket_types"), slug=slug)
    if not has_role(request.user, summit, PLANNER, NAVIGATOR):
        raise PermissionDenied
    form = RegistrationForm(
        request.POST or None,
        summit=summit,
        email_required=False,
        initial={"language": translation.get_language()},
    )
    error = None
    status = 200
    if request.method == "POST":
        registration, error = _submit_registration(
            request, summit, form, email_required=False, registered_by=request.user
        )
        if registration is not None:
            return render(
                request,
                "registrations/assisted_done.html",
                {
                    "summit": summit,
                    "registration": registration,
                    "manage_url": links.manage_url(registration),
                    "position": rules.waitlist_position(registration),
                    "badge_card": badge_card_html(registration),
                },
            )
        status = 400 if error is None else 409
    return render(
        request,
        "registrations/assisted.html",
        {"summit": summit, "form": form, "error": error},
        status=status,
    )


def registration_for_staff(request, summit, public_id):
    return get_object_or_404(Registration, summit=summit, public_id=public_id)
