"""Purge a summit's personal data after its retention date, keeping aggregate figures.

This is the top of the import chain, so it can reach every app's data: registrations
(names, contacts, needs, badge codes, links), the door (check-ins, door links), generated
files, the organizations in stored reports, and the workshops' own personal traces."""

import logging

from django.db import transaction
from django.utils import timezone

from registrations import purge as registration_purge
from summit import audit
from summit.errors import DomainError
from summit.models import Summit
from workshops.report.services import purge_reports

logger = logging.getLogger(__name__)


def purge_personal_data(summit, *, by=None, force=False, now=None):
    """Anonymize the summit's attendees and delete what names them. Returns a dict of counts.

    Refuses (code `summit_not_over`) before the summit has ended unless `force`: a purge cannot
    be undone. Running it twice is harmless."""
    now = now or timezone.now()
    if summit.ends_at > now and not force:
        raise DomainError("summit_not_over", "The summit has not ended; use --force to purge anyway.")
    figures = registration_purge.attendance_figures(summit)
    with transaction.atomic():
        summit = Summit.objects.select_for_update(no_key=True).get(pk=summit.pk)
        if not summit.purged_at:
            summit.aggregate_figures = figures
        counts = {
            "check_ins": registration_purge.purge_door_data(summit),
            "files": registration_purge.purge_generated_files(summit),
            "registrations": registration_purge.purge_registrations(summit),
            "reports": purge_reports(summit),
        }
        summit.purged_at = now
        summit.save(update_fields=["aggregate_figures", "purged_at"])
        audit.record(
            action="summit.purge_personal_data",
            summit=summit,
            user=by,
            count=counts["registrations"],
            detail=", ".join(f"{key}={value}" for key, value in sorted(counts.items())),
        )
    logger.info("purged personal data of %s: %s", summit.slug, counts)
    return counts


def purge_due_summits(*, now=None):
    """Purge every summit whose retention date has passed (run daily)."""
    now = now or timezone.now()
    purged = []
    for summit in Summit.objects.filter(purged_at__isnull=True, ends_at__lt=now):
        if summit.retention_date < now.date():
            purge_personal_data(summit, now=now)
            purged.append(summit.slug)
    return purged
