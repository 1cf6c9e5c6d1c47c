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


def find_registration(summit, code):
    """The registration of this summit whose current badge code is `code`, or None
    (forged, altered, revoked or another summit's code)."""
    from registrations.models import Registration

    code = normalize_code(code)
    if not code.startswith(PREFIX) or len(code) != len(PREFIX) + CODE_CHARS:
        return None
    return (
        Registration.objects.select_related("group", "ticket_type")
        .filter(summit=summit, badge_code_hash=hash_code(code))
        .first()
    )
