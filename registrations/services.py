"""Registration use cases: each runs in one transaction and is what views, the API,
commands and tasks call."""

from registrations.models import Registration


def seats_left(summit, *, now=None):
    """Seats not held by a confirmed registration, an unexpired payment hold or an open offer."""
    taken = Registration.objects.filter(summit=summit).holding_seats(now).count()
    return max(summit.capacity - taken, 0)
