"""Badge sheets are built in the background, through Django's tasks API."""

from django_tasks import task


@task()
def build_badge_sheet_task(job_id):
    from registrations.badges.sheets import run_badge_sheet_job

    job = run_badge_sheet_job(job_id)
    return job.status if job else None
