"""Door links: one link signs one device in as a volunteer at one summit.

A planner creates a link (page or `door_link` command); it carries a random token of which only
the SHA-256 is stored. Each link has an account of its own (a volunteer StaffRole at that summit,
no password, no API token), so opening the link logs the device into that account until the
summit ends, and revoking the link deactivates that account and deletes its session: that device,
and no other, is signed out. The first device to claim a link holds it; another device claiming the
same link later is refused (a forwarded link does not make a second door device).

Opening the link only checks it (`check_door_link`): chat apps open a link to preview it, and that
must not claim it for the app's server. The device claims it with the confirm page's button
(`claim_door_link`, a POST).
"""

import hashlib
import logging
import secrets

from django.contrib.auth import get_user_model
from django.contrib.sessions.backends.base import SessionBase
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from registrations.models import DoorLink, DoorLinkEvent
from summit.errors import DomainError
from summit.models import StaffRole

logger = logging.getLogger(__name__)


# Door link accounts are recognizable by name, so other staff need no extra query per request.
DOOR_USER_SUFFIX = "@door.invalid"


class DoorLinkError(DomainError):
    pass


def _hash(token):
    return hashlib.sha256(token.encode()).hexdigest()


def door_link_url(token, *, base):
    return f"{base.rstrip('/')}{reverse('registrations:door-link-open', args=[token])}"


@transaction.atomic
def create_door_link(*, summit, label="", created_by=None, now=None):
    """Create a door link and return (link, token). The token is shown once: only its hash is kept."""
    now = now or timezone.now()
    if now >= summit.ends_at:
        raise DoorLinkError("summit_ended", _("This summit has ended; door links are no longer possible."))
    count = DoorLink.objects.filter(summit=summit).count() + 1
    label = (label or "").strip()[:80] or _("Door device %(number)s") % {"number": count}
    token = secrets.token_urlsafe(32)
    user = get_user_model()(
        username=f"door-{summit.pk}-{secrets.token_hex(8)}{DOOR_USER_SUFFIX}",
        first_name=label[:150],
    )
    user.set_unusable_password()
    user.save()
    StaffRole.objects.create(user=user, summit=summit, role=StaffRole.Role.VOLUNTEER)
    link = DoorLink.objects.create(
        summit=summit, label=label, token_hash=_hash(token), user=user, created_by=created_by
    )
    DoorLinkEvent.objects.create(link=link, action=DoorLinkEvent.Action.CREATED, by=created_by)
    logger.info("door link %s created for %s", link.pk, summit.slug)
    return link, token


def _find(token, *, for_update=False):
    links = DoorLink.objects.select_related("summit", "user")
    if for_update:
        links = links.select_for_update()
    link = links.filter(token_hash=_hash(token or "")).first()
    if link is None:
        raise DoorLinkError("invalid_link", _("This door link is not valid."), status_code=404)
    return link


def _refusal(link, session, now):
    """Why this session may not claim the link, as a DoorLinkError; None if it may."""
    if link.revoked_at is not None:
        return DoorLinkError("link_revoked", _("This door link was revoked. Ask a planner for a new one."))
    if now >= link.summit.ends_at:
        return DoorLinkError("summit_ended", _("This summit has ended."))
    if link.session_key and link.session_key != session.session_key and _session_alive(link):
        return DoorLinkError(
            "link_used",
            _("This door link is already in use on another device. Ask a planner for a new one."),
        )
    return None


def check_door_link(token, *, session, now=None):
    """The link a device opened, checked and not claimed: writes nothing, so a link preview (a
    chat app's server opening the link) leaves it free. Raises DoorLinkError as claim_door_link."""
    link = _find(token)
    refusal = _refusal(link, session, now or timezone.now())
    if refusal is not None:
        raise refusal
    return link


def holds_door_link(link, session):
    """True when this session already holds the link (the device opens it again)."""
    return bool(link.session_key) and link.session_key == session.session_key


def claim_door_link(token, *, session, now=None, device_hint=""):
    """The device claims the link for its session (the confirm page's button).
    Returns the link; the caller logs the session into `link.user` and sets the session to expire
    at the summit's end. Raises DoorLinkError `invalid_link`, `link_revoked`, `summit_ended` or
    `link_used` (already claimed by another device)."""
    now = now or timezone.now()
    with transaction.atomic():
        # The lock makes "first device claims the link" hold when two devices claim it at once.
        link = _find(token, for_update=True)
        refusal = _refusal(link, session, now)
        if refusal is not None:
            DoorLinkEvent.objects.create(
                link=link, action=DoorLinkEvent.Action.REFUSED, detail=f"{refusal.code} {device_hint}"[:200]
            )
            logger.warning("door link %s refused: %s", link.pk, refusal.code)
        else:
            link.opened_at = link.opened_at or now
            link.save(update_fields=["opened_at"])
            DoorLinkEvent.objects.create(
                link=link, action=DoorLinkEvent.Action.OPENED, by=link.user, detail=device_hint[:200]
            )
            logger.info("door link %s opened on a device", link.pk)
    # Raised after the transaction, so the refusal stays in the audit log.
    if refusal is not None:
        raise refusal
    return link


def bind_session(link, session_key):
    """Remember which session holds the link, so revoking it can end exactly that session."""
    DoorLink.objects.filter(pk=link.pk).update(session_key=session_key or "")


def _session_alive(link):
    from importlib import import_module

    from django.conf import settings

    store = import_module(settings.SESSION_ENGINE).SessionStore
    return store().exists(link.session_key)


@transaction.atomic
def revoke_door_link(link, *, by=None, now=None):
    """Revoke a door link: its account is deactivated and its session deleted, so the device is
    signed out at its next request. Idempotent."""
    now = now or timezone.now()
    link = DoorLink.objects.select_for_update().select_related("user").get(pk=link.pk)
    if link.revoked_at is None:
        link.revoked_at = now
        link.save(update_fields=["revoked_at"])
        DoorLinkEvent.objects.create(link=link, action=DoorLinkEvent.Action.REVOKED, by=by)
        logger.info("door link %s revoked", link.pk)
    link.user.is_active = False
    link.user.save(update_fields=["is_active"])
    if link.session_key:
        _delete_session(link.session_key)
    return link


def _delete_session(session_key):
    from importlib import import_module

    from django.conf import settings

    store: SessionBase = import_module(settings.SESSION_ENGINE).SessionStore(session_key)
    store.delete(session_key)


def record_sign_out(user):
    link = DoorLink.objects.filter(user=user).first()
    if link is not None:
        DoorLinkEvent.objects.create(link=link, action=DoorLinkEvent.Action.SIGNED_OUT, by=user)
        DoorLink.objects.filter(pk=link.pk).update(session_key="")


def door_access_allowed(user, summit, now=None):
    """False for a door link's account once its link is revoked or its summit has ended
    (its session should be gone already; this is the second lock on the door)."""
    if not user.get_username().endswith(DOOR_USER_SUFFIX):
        return True
    link = DoorLink.objects.filter(user=user).select_related("summit").first()
    if link is None:
        return False
    return link.summit_id == summit.pk and link.is_active(now)
