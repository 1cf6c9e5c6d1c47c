"""Background work for announcements."""

from django_tasks import task

from registrations.announcements import delivery


@task()
def send_announcement_task(announcement_id):
    delivery.deliver_announcement(announcement_id)
