"""The registration email is queued in the registration's own transaction.

In production the task queue is a table of the same database (django-tasks-db): the row that
asks the worker for the confirmation or waitlist email commits with the registration, or not at
all. Nothing is lost between the two, and nothing is sent for a registration that was undone.
The email says what the registration is when the worker sends it."""

import pytest
from django.core import mail
from django_tasks_db.models import DBTaskResult

from registrations.models import Registration

pytestmark = pytest.mark.django_db

URL = "/api/summits/sb25/registrations/"


@pytest.fixture
def database_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def payload(**overrides):
    return {
        "first_name": "Rosa",
        "email": "rosa@example.org",
        "sector": "resident",
        "ticket_type": "community-resident",
        **overrides,
    }


def run_queued_tasks():
    for task in DBTaskResult.objects.order_by("enqueued_at"):
        task.task.call(*task.args_kwargs["args"], **task.args_kwargs["kwargs"])


def test_a_confirmed_registration_commits_with_its_confirmation_queued(api, summit, database_tasks):
    response = api.post(URL, payload(), format="json")

    assert response.status_code == 201
    registration = Registration.objects.get(email="rosa@example.org")
    assert registration.status == "confirmed"
    assert [task.args_kwargs["args"] for task in DBTaskResult.objects.all()] == [
        [registration.pk, "confirmed"]
    ]
    assert mail.outbox == []  # the worker sends it, not the request

    run_queued_tasks()

    assert [message.subject for message in mail.outbox] == [
        "You are registered for Santa Barbara Mobility Summit"
    ]
    assert any(name == "summit.ics" for name, _content, _type in mail.outbox[0].attachments)


def test_a_waitlisted_registration_gets_the_waitlist_email(api, summit, database_tasks):
    summit.capacity = 0
    summit.save()

    assert api.post(URL, payload(), format="json").json()["status"] == "waitlisted"
    run_queued_tasks()

    assert [message.subject for message in mail.outbox] == [
        "You are on the waitlist for Santa Barbara Mobility Summit"
    ]


@pytest.mark.django_db(transaction=True)
def test_a_registration_refused_at_its_seat_decision_leaves_no_email_queued(api, summit, database_tasks):
    assert api.post(URL, payload(email="first@example.org"), format="json").status_code == 201
    DBTaskResult.objects.all().delete()
    summit.ticket_types.update(active=False)  # taken off sale a moment ago

    response = api.post(URL, payload(), format="json")

    assert response.status_code == 400
    assert not Registration.objects.filter(email="rosa@example.org").exists()
    assert not DBTaskResult.objects.exists()
