"""The report's use cases: freeze a snapshot of the data now, queue a report for the
background task to build, or take attendees' organizations out of the stored reports (purge).

Imports go one way: services -> tasks -> build. The task builds the PDF with
`build.build_snapshot_pdf`, which is also what the build_report command calls after
`freeze_snapshot`.
"""

from functools import partial

from django.db import transaction

from workshops.models import ReportSnapshot
from workshops.report.build import collect_report_data, sha256_of
from workshops.report.tasks import build_report_task


@transaction.atomic
def freeze_snapshot(summit, *, language="en", preliminary=False, by=None, now=None):
    """Take the data now and store it as a snapshot (no PDF yet)."""
    data = collect_report_data(summit, preliminary=preliminary, now=now)
    return ReportSnapshot.objects.create(
        summit=summit,
        language=language,
        preliminary=preliminary,
        data=data,
        sha256=sha256_of(data),
        status=ReportSnapshot.Status.QUEUED,
        created_by=by if by is not None and by.is_authenticated else None,
    )


def request_report(summit, *, language="en", preliminary=False, source=None, by=None):
    """A queued snapshot whose PDF a background task builds. With `source`, the new snapshot
    re-renders that snapshot's data (e.g. in the other language) instead of taking fresh data."""
    snapshot = ReportSnapshot.objects.create(
        summit=summit,
        language=language,
        preliminary=source.preliminary if source else preliminary,
        data=source.data if source else None,
        sha256=source.sha256 if source else "",
        source=source,
        created_by=by if by is not None and by.is_authenticated else None,
    )
    build_report_task.enqueue(snapshot.pk)
    return snapshot


@transaction.atomic
def purge_reports(summit):
    """Take the attendees' organizations (the only text from registrations that a report's data
    holds) out of every stored report of the summit; returns how many changed.

    Called by the purge, in its transaction. Each changed snapshot keeps its figures (the count
    of organizations too), gets its new SHA-256, and loses its PDF: on commit the old file is
    deleted and the background task rebuilds the PDF from the stripped data."""
    changed = 0
    for snapshot in ReportSnapshot.objects.select_for_update().filter(summit=summit, data__isnull=False):
        participation = snapshot.data.get("participation") or {}
        if not participation.get("consenting_organizations"):
            continue  # none listed (or taken after an earlier purge): nothing to rebuild
        participation["consenting_organizations"] = []
        participation["organizations_purged"] = True
        snapshot.sha256 = sha256_of(snapshot.data)
        fields = ["data", "sha256"]
        if snapshot.pdf:
            transaction.on_commit(partial(snapshot.pdf.storage.delete, snapshot.pdf.name))
            transaction.on_commit(partial(build_report_task.enqueue, snapshot.pk))
            snapshot.pdf, snapshot.pages = "", None
            snapshot.status, snapshot.progress = ReportSnapshot.Status.QUEUED, 0
            fields += ["pdf", "pages", "status", "progress"]
        snapshot.save(update_fields=fields)
        changed += 1
    return changed
