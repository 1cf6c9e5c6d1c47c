"""The client's address, as trustworthy as the deployment allows."""

from django.conf import settings


def client_ip(request):
    """The address of the client that made this request.

    With TRUSTED_PROXY_COUNT = n > 0, each of our n proxies appended the address it saw to
    X-Forwarded-For, so the client is the n-th entry from the right; anything to the left of it
    was written by the client and is ignored. With 0, the socket address is the client.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    forwarded = [
        part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()
    ]
    if len(forwarded) >= count:
        return forwarded[-count]
    return forwarded[0] if forwarded else remote


def ratelimit_key(group, request):
    """django-ratelimit key: one bucket per client address."""
    return client_ip(request)
