"""Who attended: the one place that knows how attendance is recorded (a CheckIn at the door)."""

from registrations.models import Registration


def attended(queryset):
    """Narrow a Registration queryset to the people who attended (checked in at the door)."""
    return queryset.filter(check_in__isnull=False)


def checked_in_ids(summit):
    return set(attended(Registration.objects.filter(summit=summit)).values_list("pk", flat=True))


def is_checked_in(registration):
    return attended(Registration.objects.filter(pk=registration.pk)).exists()
