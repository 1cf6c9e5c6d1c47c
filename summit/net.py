"""The client's address, as trustworthy as the deployment allows, and the rate-limit buckets
built on it."""

import ipaddress

from django.conf import settings
from django_ratelimit.core import is_ratelimited


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
    """django-ratelimit key: one bucket per client address. An IPv6 client counts as its /64
    network: a subscriber is given a whole /64 and can change the last 64 bits at will."""
    address = client_ip(request)
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if ip.version == 6:
        if ip.ipv4_mapped:  # an IPv4 client seen through an IPv6 socket
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def over_limit(group, value, rate):
    """Count one use of `value` (an email address, a summit) in `group` and say whether it goes
    over `rate` ("5/h"), for limits that are not per request. The counter lives in the shared
    cache, as the per-request limits' do (django-ratelimit hashes the key: no address is stored);
    RATE_LIMITS=off turns it off."""
    if not settings.RATE_LIMITS:
        return False
    return is_ratelimited(None, group=group, key=lambda _group, _request: value, rate=rate, increment=True)
