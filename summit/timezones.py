"""Times in the summit's own time zone. Stored times are UTC; a summit's staff pages, its admin
pages and their forms show times, and read the times typed in, in the summit's zone
(SummitTimeZoneMiddleware and the summit-scoped admin activate it), and say which zone it is."""

import zoneinfo

from babel.dates import get_timezone_name
from django.utils import timezone, translation


def zone_label(name):
    """The zone's everyday name in the active language ("Pacific Time", "hora del Pacífico"),
    or its own name where it has none (UTC)."""
    if name == "UTC" or name.startswith("Etc/"):
        return name
    locale = translation.to_locale(translation.get_language() or "en")
    return get_timezone_name(zoneinfo.ZoneInfo(name), locale=locale)


def activate_summit_time_zone(request, name):
    """Until the end of this request, show times and read form input in zone `name` (a summit's
    `timezone`), and let templates say which zone (`summit_time_zone`). None changes nothing."""
    if not name:
        return
    try:
        zone = zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return  # the summit's field is validated; a bad value only leaves the page in UTC
    timezone.activate(zone)
    request.summit_time_zone = name


def time_zone(request):
    """Context processor: `summit_time_zone`, the label of the summit zone a page's times are in."""
    name = getattr(request, "summit_time_zone", None)
    return {"summit_time_zone": zone_label(name)} if name else {}
