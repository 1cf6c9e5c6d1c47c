"""Background work for registrations, run through Django's tasks API."""

from django_tasks import task

from registrations.seats import emails


@task()
def send_registration_email(registration_id, kind):
    emails.send_registration_email(registration_id, kind)
