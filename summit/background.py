"""Background tasks whose worker died.

The database task worker (django_tasks_db, `manage.py db_worker`) marks a task RUNNING when
it claims it and SUCCESSFUL or FAILED when it ends. A worker killed mid-task (SIGKILL, out of
memory, a lost machine) never gets to the end, so its task would stay RUNNING forever and
never run. `recover_stalled_tasks` puts such tasks back in the queue, or marks them FAILED
once they have been tried `max_attempts` times. Every task must therefore be safe to run
again: an email may at worst be sent twice; a badge sheet job or an assignment run left
RUNNING is failed by its own app (registrations.badges.sheets.fail_interrupted_badge_sheets,
run by recover_tasks; workshops.assignment.services.fail_interrupted_assignment_runs, run by
housekeeping and whenever a planner asks for a new run), and its requeued task does nothing.
"""

import datetime

from django.db import connection, transaction
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db import DatabaseBackend
from django_tasks_db.models import DBTaskResult

STALLED_AFTER = datetime.timedelta(minutes=30)  # longer than any task of ours runs
MAX_ATTEMPTS = 3


class WorkerLost(Exception):
    """Recorded as the error of a task whose worker died each time it ran it."""


def recover_stalled_tasks(*, older_than=STALLED_AFTER, max_attempts=MAX_ATTEMPTS, now=None):
    """Requeue tasks claimed more than `older_than` ago and still RUNNING; fail those already
    claimed `max_attempts` times. Returns (requeued, failed). Run it periodically."""
    now = now or timezone.now()
    requeued = failed = 0
    with transaction.atomic():
        stalled = DBTaskResult.objects.select_for_update(skip_locked=True).filter(
            status=TaskResultStatus.RUNNING, started_at__lt=now - older_than
        )
        for task in stalled:
            if len(task.worker_ids) >= max_attempts:
                task.status = TaskResultStatus.FAILED
                task.finished_at = now
                task.exception_class_path = f"{WorkerLost.__module__}.{WorkerLost.__qualname__}"
                task.traceback = (
                    f"WorkerLost: the worker running this task stopped without finishing it "
                    f"{len(task.worker_ids)} times (workers {', '.join(task.worker_ids)})."
                )
                task.save(update_fields=["status", "finished_at", "exception_class_path", "traceback"])
                failed += 1
            else:
                task.status = TaskResultStatus.READY
                task.save(update_fields=["status"])
                requeued += 1
    return requeued, failed


def enqueued_in_transaction(task):
    """Does `task.enqueue()` here write its row in the caller's open transaction (the database
    task backend, production)? Then it commits exactly with the change it is about. Otherwise
    (the immediate backend runs a task at once) the caller queues it after commit."""
    return isinstance(task.get_backend(), DatabaseBackend) and connection.in_atomic_block
