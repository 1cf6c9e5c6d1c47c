"""Idempotency-Key support for POST endpoints: a retried request gets the first answer and
creates nothing new; the same key with another body is refused."""

import datetime
import hashlib
import json

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from registrations.models import IdempotencyRecord
from summit.errors import DomainError

KEEP_FOR = datetime.timedelta(hours=48)  # at least the promised 24 hours
MAX_KEY_LENGTH = 255


def request_fingerprint(data):
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()


def _check_key(key):
    if len(key) > MAX_KEY_LENGTH or not key.isprintable():
        raise DomainError(
            "invalid_idempotency_key",
            _("The Idempotency-Key header is too long or not printable."),
            status_code=400,
        )


def replay(scope, key, fingerprint):
    """The stored (status, body) for this key, or None. Raises when the body differs."""
    _check_key(key)
    record = IdempotencyRecord.objects.filter(scope=scope, key=key).first()
    if record is None:
        return None
    if record.request_hash != fingerprint:
        raise DomainError(
            "idempotency_key_reused",
            _("This Idempotency-Key was already used with a different request."),
            status_code=422,
        )
    return record.status_code, record.response_body


def remember(scope, key, fingerprint, status_code, body):
    """Store the answer in the caller's transaction. Raises IntegrityError when a concurrent
    request with the same key stored first (the caller rolls back and replays that one)."""
    with transaction.atomic():
        IdempotencyRecord.objects.create(
            scope=scope, key=key, request_hash=fingerprint, status_code=status_code, response_body=body
        )


def run_once(scope, key, data, action):
    """Run `action() -> (status, body)` at most once per key, in one transaction with the
    record of its answer; `data` is the request's body (the same key with another body is
    refused)."""
    if not key:
        return action()
    fingerprint = request_fingerprint(data)
    stored = replay(scope, key, fingerprint)
    if stored is not None:
        return stored
    try:
        with transaction.atomic():
            status_code, body = action()
            if status_code < 500:
                remember(scope, key, fingerprint, status_code, body)
            return status_code, body
    except IntegrityError:
        stored = replay(scope, key, fingerprint)
        if stored is None:
            raise
        return stored


def purge_expired(now=None):
    cutoff = (now or timezone.now()) - KEEP_FOR
    return IdempotencyRecord.objects.filter(created_at__lt=cutoff).delete()[0]
