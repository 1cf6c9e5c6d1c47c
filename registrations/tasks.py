"""Background work for registrations, run through Django's tasks API."""

from django_tasks import task

from registrations import emails


@task()
def send_registration_email(registration_id, kind):
    emails.send_registration_email(registration_id, kind)


@task()
def build_badge_sheet_task(job_id):
    from registrations.badge_sheets import run_badge_sheet_job

    job = run_badge_sheet_job(job_id)
    return job.status if job else None
