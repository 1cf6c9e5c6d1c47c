"""Attendees' private links: signed, need no account, revocable by bumping link_version."""

import uuid

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from registrations.models import Registration

SALT = "summit.registrations.manage"
UNSUBSCRIBE_SALT = "summit.registrations.unsubscribe"


def manage_token(registration):
    return signing.dumps(
        {"r": str(registration.public_id), "v": registration.link_version}, salt=SALT, compress=True
    )


def registration_from_token(token):
    """The registration this private link belongs to, or None (tampered, revoked, purged, or its
    summit is past its retention date: a link is good until then, as the data it opens is)."""
    try:
        payload = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return None
    if not isinstance(payload, dict):
        return None
    registration = (
        Registration.objects.select_related("summit", "ticket_type", "group")
        .filter(public_id=payload.get("r"))
        .first()
        if _is_uuid(payload.get("r"))
        else None
    )
    if registration is None or registration.link_version != payload.get("v"):
        return None
    if registration.summit.retention_date < timezone.now().date():
        return None
    return registration


def _is_uuid(value):
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


def manage_path(registration):
    return reverse("registrations:manage", kwargs={"token": manage_token(registration)})


def manage_url(registration):
    return settings.SITE_URL + manage_path(registration)


def unsubscribe_path(registration):
    """The one-click link that stops announcements (never the emails about one's registration).
    It does not change with the private link, so that an old announcement's link still works."""
    token = signing.dumps(str(registration.public_id), salt=UNSUBSCRIBE_SALT)
    return reverse("registrations:unsubscribe", kwargs={"token": token})


def unsubscribe_url(registration):
    return settings.SITE_URL + unsubscribe_path(registration)


def registration_from_unsubscribe_token(token):
    try:
        public_id = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    if not _is_uuid(public_id):
        return None
    return Registration.objects.select_related("summit").filter(public_id=public_id).first()
