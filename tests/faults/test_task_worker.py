"""Emails and badge sheets run in a background worker, after the registration is committed:
a worker that fails or dies never undoes a registration, and its task is retried or shown
as failed, never left running forever."""

import datetime
import signal
import socket
import threading

import pytest
from django.db import connection
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from registrations.badges.sheets import fail_interrupted_badge_sheets
from registrations.models import BadgeSheetJob, Registration
from summit.background import recover_stalled_tasks
from tests.factories import confirmed_attendees
from tests.faults.conftest import child_env, start_python, wait_until

URL = "/api/summits/sb25/registrations/"
BODY = {
    "first_name": "Rosa",
    "email": "rosa@example.org",
    "sector": "resident",
    "ticket_type": "community-resident",
}

WORKER = """
import sys
from django.core.management import execute_from_command_line
execute_from_command_line(["manage.py", "db_worker", "--batch", "--no-startup-delay", "--no-reload", "-v", "0"])
"""


@pytest.fixture
def database_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def closed_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # nothing listens here once the socket is closed


@pytest.mark.django_db
def test_a_registration_is_kept_when_its_email_cannot_be_sent(
    summit, api, settings, closed_port, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", closed_port, False

    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(URL, BODY, format="json")

    assert response.status_code == 201
    assert Registration.objects.get(email="rosa@example.org").status == "confirmed"


@pytest.mark.django_db
def test_a_registration_is_kept_when_the_task_queue_is_unreachable(
    summit, api, database_tasks, django_capture_on_commit_callbacks, monkeypatch
):
    from django_tasks_db.backend import DatabaseBackend

    def queue_down(*args, **kwargs):
        raise ConnectionError("task queue unreachable")

    monkeypatch.setattr(DatabaseBackend, "enqueue", queue_down)  # the outside world: the queue

    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(URL, BODY, format="json")

    assert response.status_code == 201
    assert Registration.objects.get(email="rosa@example.org").status == "confirmed"


@pytest.mark.django_db
def test_a_task_whose_worker_died_is_requeued_and_failed_after_three_tries(
    summit, api, database_tasks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        api.post(URL, BODY, format="json")
    task = DBTaskResult.objects.get()
    later = timezone.now() + datetime.timedelta(hours=1)

    for attempt in (1, 2):
        task.claim(f"worker-{attempt}")  # ... and the worker dies
        assert recover_stalled_tasks(now=later) == (1, 0)
        task.refresh_from_db()
        assert task.status == TaskResultStatus.READY
    task.claim("worker-3")
    assert recover_stalled_tasks(now=timezone.now()) == (0, 0)  # still within its time: left alone
    assert recover_stalled_tasks(now=later) == (0, 1)

    task.refresh_from_db()
    assert task.status == TaskResultStatus.FAILED
    assert task.exception_class_path == "summit.background.WorkerLost"
    assert task.worker_ids == ["worker-1", "worker-2", "worker-3"]
    assert Registration.objects.get(email="rosa@example.org").status == "confirmed"


@pytest.mark.django_db
def test_a_badge_sheet_whose_worker_died_is_shown_as_failed(summit, planner_api):
    confirmed_attendees(summit, [("Ana", "Cruz")])
    now = timezone.now()
    stalled = BadgeSheetJob.objects.create(
        summit=summit,
        layout="letter-6up",
        total=1,
        status="running",
        started_at=now - datetime.timedelta(hours=1),
    )
    building = BadgeSheetJob.objects.create(
        summit=summit, layout="letter-6up", total=1, status="running", started_at=now
    )

    assert fail_interrupted_badge_sheets(now=now) == 1

    status = planner_api.get(f"/api/summits/sb25/badge-sheets/{stalled.public_id}/").json()
    assert (status["status"], status["error"]) == ("failed", "interrupted")
    assert planner_api.get(f"/api/summits/sb25/badge-sheets/{stalled.public_id}/pdf/").status_code == 409
    building.refresh_from_db()
    assert building.status == "running"


class BlackHoleSMTP:
    """A mail server that accepts connections and never says a word."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen()
        self.port = self.sock.getsockname()[1]
        self.accepted = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                self.accepted.append(self.sock.accept()[0])
            except OSError:
                return

    def close(self):
        for conn in self.accepted:
            conn.close()
        self.sock.close()


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgres
@pytest.mark.slow
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the worker process shares the test database on PostgreSQL only"
)
def test_an_email_worker_killed_mid_send_leaves_the_registration_and_the_email_goes_on_retry(
    summit, api, database_tasks
):
    response = api.post(URL, BODY, format="json")  # committed: the email is queued on commit
    assert response.status_code == 201
    task = DBTaskResult.objects.get()
    smtp = BlackHoleSMTP()
    try:
        worker = start_python(
            WORKER,
            env=child_env(
                TASKS_BACKEND="database",
                EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
                EMAIL_HOST="127.0.0.1",
                EMAIL_PORT=str(smtp.port),
                EMAIL_USE_TLS="0",
                EMAIL_TIMEOUT="120",
            ),
        )
        wait_until(lambda: smtp.accepted, what="the worker to connect to the mail server")
        task.refresh_from_db()
        assert task.status == TaskResultStatus.RUNNING
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=30)
    finally:
        smtp.close()

    task.refresh_from_db()
    assert task.status == TaskResultStatus.RUNNING  # nobody will finish it...
    assert Registration.objects.get(email="rosa@example.org").status == "confirmed"
    assert recover_stalled_tasks(older_than=datetime.timedelta(0)) == (1, 0)  # ... until recovered

    retry = start_python(
        WORKER,
        env=child_env(
            TASKS_BACKEND="database", EMAIL_BACKEND="django.core.mail.backends.console.EmailBackend"
        ),
    )
    out, err = retry.communicate(timeout=60)
    assert retry.returncode == 0, err[-2000:]
    task.refresh_from_db()
    assert task.status == TaskResultStatus.SUCCESSFUL
    assert len(task.worker_ids) == 2
    assert out.count("To: rosa@example.org") == 1  # the console mail backend prints what it sends
