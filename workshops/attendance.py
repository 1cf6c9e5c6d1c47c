"""Who attended: the one place that knows how attendance is recorded.

TODO(lead): at merge with the door check-in branch, `Registration.checkin` (CheckIn's
OneToOneField reverse accessor) exists and these functions use it. Until then (this branch
alone) a confirmed registration counts as attended, so the report and voting work and test.
Once CheckIn is merged, delete the fallback branch.
"""

from registrations.models import Registration


def checkin_recorded():
    return hasattr(Registration, "checkin")


def attended(queryset):
    """Narrow a Registration queryset to the people who attended (checked in at the door)."""
    if checkin_recorded():
        return queryset.filter(checkin__isnull=False)
    return queryset.filter(status=Registration.Status.CONFIRMED)  # fallback until CheckIn merges


def checked_in_ids(summit):
    return set(attended(Registration.objects.filter(summit=summit)).values_list("pk", flat=True))


def is_checked_in(registration):
    return attended(Registration.objects.filter(pk=registration.pk)).exists()
