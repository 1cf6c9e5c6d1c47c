"""Background work for workshops, run through Django's tasks API."""

from django_tasks import task


@task()
def build_report_task(snapshot_id):
    from workshops.models import ReportSnapshot
    from workshops.report.build import build_snapshot_pdf

    snapshot = ReportSnapshot.objects.select_related("summit").get(pk=snapshot_id)
    build_snapshot_pdf(snapshot)
