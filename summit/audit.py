"""Append-only audit log helpers: who did what, when, to how many; never the personal data."""

from summit.models import AuditEvent


def record(*, action, summit=None, user=None, count=None, detail="", device=""):
    return AuditEvent.objects.create(
        action=action,
        summit=summit,
        user=user if user is not None and user.is_authenticated else None,
        count=count,
        detail=detail[:500],
        device=device[:120],
    )
