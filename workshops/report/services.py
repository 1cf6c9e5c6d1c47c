"""The report's use cases: freeze a snapshot of the data now, or queue a report for the
background task to build.

Imports go one way: services -> tasks -> build. The task builds the PDF with
`build.build_snapshot_pdf`, which is also what the build_report command calls after
`freeze_snapshot`.
"""

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
