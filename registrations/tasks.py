"""Background work of the registrations app (run inline in the demo and tests, by a
database-backed worker in production)."""

from django_tasks import task


@task()
def build_badge_sheet_task(job_id):
    from registrations.badge_sheets import run_badge_sheet_job

    job = run_badge_sheet_job(job_id)
    return job.status if job else None
