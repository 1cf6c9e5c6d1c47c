"""Attendee emails: HTML and plain text, in the attendee's language, with the summit's times
in its own timezone. Built here, sent by the task in tasks.py.

Anyone can type any address into the registration form, and Summit never learns that an address
is its owner's: so no email carries text the registrant typed (it greets "Hello,"), and the
emails a form post sends are limited per address and per summit."""

import datetime
import functools
import logging
import zoneinfo

import icalendar
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template import Context
from django.template.loader import get_template, render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext_lazy as _

from registrations.badges.codes import attach_badge_png
from registrations.models import Registration
from registrations.seats import links
from summit.net import over_limit

logger = logging.getLogger(__name__)

SUBJECTS = {
    "confirmed": _("You are registered for %(summit)s"),
    "waitlisted": _("You are on the waitlist for %(summit)s"),
    "seat_offered": _("A seat is free for you at %(summit)s"),
    "offer_expired": _("Your seat offer for %(summit)s has expired"),
    "cancelled": _("Your registration for %(summit)s is cancelled"),
    "already_registered": _("Your registration for %(summit)s"),
    "manage_link": _("Your private link for %(summit)s"),
    "reminder": _("See you soon at %(summit)s"),
}

# What an anonymous form post sends (registering, "send me my link"). A confirmation that
# follows a payment or a claimed offer counts too: the limit per address leaves room for it.
FORM_KINDS = {"confirmed", "waitlisted", "already_registered", "manage_link"}


def render_text(template_name, context):
    """A plain-text template rendered without HTML escaping: an O'Brien or a "<3" in a name reads
    as typed in the text part. (The HTML part escapes that text when it embeds it.)"""
    template = get_template(template_name).template
    return template.render(Context(context, autoescape=False))


def summit_when(summit):
    """'Saturday, March 7, 2026, 8:30 a.m. – 4:30 p.m.' in the active language and the summit's timezone."""
    starts = timezone.localtime(summit.starts_at, summit.tz)
    ends = timezone.localtime(summit.ends_at, summit.tz)
    start_text = formats.date_format(starts, "DATETIME_FORMAT")
    if starts.date() == ends.date():
        return f"{start_text} – {formats.time_format(ends, 'TIME_FORMAT')}"
    return f"{start_text} – {formats.date_format(ends, 'DATETIME_FORMAT')}"


@functools.lru_cache(maxsize=32)
def _vtimezone(name, year):
    """The VTIMEZONE block for a zone, built once per process (it is slow to compute)."""
    probe = icalendar.Calendar()
    event = icalendar.Event()
    event.add("dtstart", datetime.datetime(year, 6, 1, tzinfo=zoneinfo.ZoneInfo(name)))
    probe.add_component(event)
    probe.add_missing_timezones()
    return probe.walk("VTIMEZONE")[0].to_ical()


def calendar_invite(registration):
    summit = registration.summit
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Summit//summit//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    event = icalendar.Event()
    event.add("uid", f"{registration.public_id}@summit")
    event.add("dtstamp", timezone.now())
    event.add("dtstart", timezone.localtime(summit.starts_at, summit.tz))
    event.add("dtend", timezone.localtime(summit.ends_at, summit.tz))
    event.add("summary", summit.display_name)
    if summit.venue:
        event.add("location", summit.venue)
    event.add("url", settings.SITE_URL + reverse("registrations:summit", kwargs={"slug": summit.slug}))
    calendar.add_component(icalendar.Timezone.from_ical(_vtimezone(summit.timezone, summit.starts_at.year)))
    calendar.add_component(event)
    return calendar.to_ical()


def build_registration_email(registration, kind):
    with translation.override(registration.language or "en"):
        summit = registration.summit
        context = {
            "registration": registration,
            "summit": summit,
            "summit_name": summit.display_name,
            "when": summit_when(summit),
            "manage_url": links.manage_url(registration),
            "offer_expires": formats.date_format(
                timezone.localtime(registration.offer_expires_at, summit.tz), "DATETIME_FORMAT"
            )
            if registration.offer_expires_at
            else "",
            "kind": kind,
        }
        subject = str(SUBJECTS[kind] % {"summit": summit.display_name})
        text = render_text(f"registrations/email/{kind}.txt", context)
        html = render_to_string(
            "registrations/email/base.html", {**context, "body": escape(text), "subject": subject}
        )
        message = EmailMultiAlternatives(subject, text, to=[registration.email])
        message.attach_alternative(html, "text/html")
        if kind == "confirmed":
            message.attach(
                "summit.ics", calendar_invite(registration), "text/calendar; method=PUBLISH; charset=UTF-8"
            )
        if kind in ("confirmed", "reminder"):
            attach_badge_png(message, registration)
        return message


def send_registration_email(registration_id, kind):
    """Send one registration email now. False when it was not sent: the registration is gone or
    has no email, or a form email went over a limit (logged; the registration is untouched)."""
    registration = (
        Registration.objects.select_related("summit", "ticket_type", "group")
        .filter(pk=registration_id)
        .first()
    )
    if registration is None or not registration.email:
        return False
    if kind in FORM_KINDS:
        reached = _limit_reached(registration, kind)
        if reached:
            logger.warning(
                "%s email for registration %s not sent: the limit %s is reached",
                kind,
                registration.pk,
                reached,
            )
            return False
    build_registration_email(registration, kind).send()
    return True


def _limit_reached(registration, kind):
    """Count this email against its limits, narrowest first (an address flooded does not use up
    the summit's allowance); the name of the first limit it goes over, or None."""
    address = registration.email.lower()
    if kind == "already_registered" and over_limit(
        "email:already_registered", address, f"{settings.ALREADY_REGISTERED_EMAILS_PER_ADDRESS}/h"
    ):
        return "per address"
    if over_limit("email:address", address, f"{settings.REGISTRATION_EMAILS_PER_ADDRESS}/h"):
        return "per address"
    if over_limit(
        "email:summit", str(registration.summit_id), f"{settings.REGISTRATION_EMAILS_PER_SUMMIT}/h"
    ):
        return "per summit"
    return None
