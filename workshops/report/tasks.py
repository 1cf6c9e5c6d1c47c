"""Background work for the report, run through Django's tasks API.

The worker finds a task by its module path (`workshops.report.tasks.build_report_task`).
"""

from django_tasks import task

from workshops.models import ReportSnapshot
from workshops.report.build import build_snapshot_pdf


@task()
def build_report_task(snapshot_id):
    snapshot = ReportSnapshot.objects.select_related("summit").get(pk=snapshot_id)
    build_snapshot_pdf(snapshot)
