"""Badge codes: opaque, unguessable, revocable, and nothing personal in them.

code = "S1-" + 26 base32 characters (130 bits) of HMAC-SHA256(BADGE_SECRET,
"<summit slug>|<registration public id>|<badge version>"). The code is derived, never stored:
the database keeps only its SHA-256 for lookup, so a database leak yields no usable badge.
Bumping the badge version (reissue) revokes the old code at once. The summit is part of the
message and of the lookup, so one summit's codes are useless at another.
The alphabet (A-Z, 2-7, "-") fits the QR alphanumeric mode, which keeps the symbol small.
"""

import base64
import hashlib
import hmac

from django.conf import settings
from django.db import transaction
from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _

from registrations.badges.qr import qr_data_uri, qr_png
from registrations.models import Registration
from summit import audit
from summit.errors import DomainError

PREFIX = "S1-"
CODE_CHARS = 26


def badge_code(registration):
    message = f"{registration.summit.slug}|{registration.public_id}|{registration.badge_version}".encode()
    digest = hmac.new(settings.BADGE_SECRET.encode(), message, hashlib.sha256).digest()
    return PREFIX + base64.b32encode(digest).decode()[:CODE_CHARS]


def hash_code(code):
    return hashlib.sha256(code.encode()).hexdigest()


def normalize_code(text):
    """What a scanner or a person typed, as a code: trimmed, upper-case, no spaces."""
    return "".join((text or "").split()).upper()


def set_badge_code(registration):
    """Store the hash of the registration's current code (call before saving)."""
    registration.badge_code_hash = hash_code(badge_code(registration))
    return registration


def registrations_with_code(summit, code):
    """The registrations of this summit whose current badge code is `code` (at most one; none
    for a forged, altered, revoked or other-summit code), as a queryset: the door locks it."""
    code = normalize_code(code)
    if not code.startswith(PREFIX) or len(code) != len(PREFIX) + CODE_CHARS:
        return Registration.objects.none()
    return Registration.objects.filter(summit=summit, badge_code_hash=hash_code(code))


def find_registration(summit, code):
    """The registration of this summit whose current badge code is `code`, or None
    (forged, altered, revoked or another summit's code)."""
    return registrations_with_code(summit, code).select_related("group", "ticket_type").first()


def reissue_badge(registration, *, by):
    """Give a confirmed registration a new badge code (a lost or stolen badge).

    Bumps badge_version and stores the new code's hash, so the old code finds nobody from
    this moment on; clears badge_printed_at, so the new badge counts as "not yet printed".
    Updates `registration` in place and returns it. Raises DomainError("not_confirmed").
    """
    with transaction.atomic():
        # The row lock makes two planners reissuing at once produce two versions, not one.
        locked = (
            Registration.objects.select_for_update(of=("self",))
            .select_related("summit")
            .get(pk=registration.pk)
        )
        if locked.status != Registration.Status.CONFIRMED:
            raise DomainError(
                "not_confirmed", _("Only a confirmed registration has a badge."), status_code=409
            )
        locked.badge_version += 1
        set_badge_code(locked)
        locked.badge_printed_at = None
        locked.save(update_fields=["badge_version", "badge_code_hash", "badge_printed_at", "updated_at"])
        audit.record(
            action="badges.reissue",
            summit=locked.summit,
            user=by,
            count=1,
            detail=f"registration {locked.public_id} badge version {locked.badge_version}",
        )
    for name in ("badge_version", "badge_code_hash", "badge_printed_at", "updated_at"):
        setattr(registration, name, getattr(locked, name))
    return registration


def require_badge(registration):
    """Raises DomainError("no_badge", 404) unless the registration is confirmed."""
    if registration.status != Registration.Status.CONFIRMED:
        raise DomainError("no_badge", _("Only a confirmed registration has a badge."), status_code=404)


def badge_png(registration, *, scale=10):
    """PNG bytes of the registration's badge QR (330 px square at scale 10), for the
    confirmation email and the phone. Raises DomainError("no_badge") unless confirmed."""
    require_badge(registration)
    return qr_png(badge_code(registration), scale=scale)


def badge_card_context(registration, *, png_url=None, pdf_url=None):
    """Context for `{% include "registrations/_badge_card.html" %}`: the badge on screen,
    its QR as an inline PNG (no extra request) and, when given, links to download the QR as
    a PNG and the whole badge as a PDF. Raises DomainError("no_badge") unless confirmed."""
    require_badge(registration)
    code = badge_code(registration)
    return {
        "registration": registration,
        "badge_qr_uri": qr_data_uri(code, scale=8),
        "badge_code": code,
        "badge_png_url": png_url,
        "badge_pdf_url": pdf_url,
    }


def badge_png_response(registration, *, download=True):
    """An HttpResponse with the badge QR PNG, for a view behind the attendee's private link.
    404 unless the registration is confirmed. Never cached by shared caches."""
    try:
        data = badge_png(registration)
    except DomainError:
        raise Http404 from None
    response = HttpResponse(data, content_type="image/png")
    response["Cache-Control"] = "private, no-store"
    if download:
        response["Content-Disposition"] = f'attachment; filename="badge-{registration.summit.slug}.png"'
    return response


def badge_card_html(registration, *, png_url=None, pdf_url=None):
    """The rendered `registrations/_badge_card.html` for a confirmed registration (the manage
    page's `badge_card`), or "" for anyone else."""
    from django.template.loader import render_to_string
    from django.utils.safestring import mark_safe

    try:
        context = badge_card_context(registration, png_url=png_url, pdf_url=pdf_url)
    except DomainError:
        return ""
    return mark_safe(render_to_string("registrations/_badge_card.html", context))  # noqa: S308 (our template, autoescaped)


def attach_badge_png(message, registration):
    """Attach the badge QR as badge.png to an email (the confirmation email calls this).
    Does nothing unless the registration is confirmed."""
    try:
        data = badge_png(registration)
    except DomainError:
        return False
    message.attach(f"badge-{registration.summit.slug}.png", data, "image/png")
    return True
