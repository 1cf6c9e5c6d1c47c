"""Sending an announcement: each attendee gets the text of their language, with a one-click
unsubscribe (RFC 8058). Run by tasks.send_announcement_task."""

import logging

from django.core.mail import EmailMultiAlternatives, get_connection
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext_lazy as _

from registrations.models import Announcement, AnnouncementDelivery
from registrations.seats.links import unsubscribe_url

logger = logging.getLogger(__name__)


def deliver_announcement(announcement_id):
    """Send every delivery of the announcement still queued, one by one; a failed address is
    marked failed and the others go on. Safe to run again (a requeued task sends what is left)."""
    announcement = Announcement.objects.select_related("summit").filter(pk=announcement_id).first()
    if announcement is None:
        return 0, 0
    sent = failed = 0
    queued = AnnouncementDelivery.objects.filter(
        announcement=announcement, status=AnnouncementDelivery.Status.QUEUED
    ).select_related("registration")
    connection = get_connection()  # one SMTP session for them all, reopened after a failure
    for delivery in queued.iterator(chunk_size=200):
        registration = delivery.registration
        if not registration.email or registration.unsubscribed_at:
            delivery.status = AnnouncementDelivery.Status.FAILED
        else:
            try:
                message = announcement_email(announcement, registration)
                message.connection = connection
                message.send()
            except Exception:
                logger.exception(
                    "announcement %s to registration %s failed", announcement.pk, registration.pk
                )
                delivery.status = AnnouncementDelivery.Status.FAILED
                connection.close()
            else:
                delivery.status = AnnouncementDelivery.Status.SENT
                delivery.sent_at = timezone.now()
        delivery.save(update_fields=["status", "sent_at"])
        if delivery.status == AnnouncementDelivery.Status.SENT:
            sent += 1
        else:
            failed += 1
    connection.close()
    Announcement.objects.filter(pk=announcement.pk).update(finished_at=timezone.now())
    return sent, failed


def announcement_email(announcement, registration):
    """The announcement in the attendee's language, with the one-click unsubscribe of RFC 8058
    (headers and a link)."""
    language = registration.language if registration.language in ("en", "es") else "en"
    subject = getattr(announcement, f"subject_{language}") or announcement.subject_en
    body = getattr(announcement, f"body_{language}") or announcement.body_en
    summit = announcement.summit
    url = unsubscribe_url(registration)
    with translation.override(language):
        footer = str(
            _("You get this because you registered for %(summit)s. To stop these announcements: %(url)s")
            % {"summit": summit.display_name, "url": url}
        )
        text = f"{body.strip()}\n\n--\n{footer}\n"
        html = render_to_string(
            "registrations/email/base.html",
            {
                "registration": registration,
                "summit_name": summit.display_name,
                "subject": subject,
                "body": escape(text),
            },
        )
    message = EmailMultiAlternatives(
        subject,
        text,
        to=[registration.email],
        headers={"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"},
    )
    message.attach_alternative(html, "text/html")
    return message
