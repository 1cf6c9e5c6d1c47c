"""Background work for registrations, run through Django's tasks API: the registration emails."""

import logging

from django.db import DatabaseError, connection, transaction
from django_tasks import task

from registrations.seats import emails
from summit.background import enqueued_in_transaction

logger = logging.getLogger(__name__)


@task()
def send_registration_email(registration_id, kind):
    emails.send_registration_email(registration_id, kind)


def queue_email(registration, kind):
    """Queue one of the registration emails (registrations.seats.emails) for the task worker.

    With the database task backend (production), the task row is written in the caller's
    transaction: it commits exactly when the change it tells of commits, and a crash between the
    two cannot lose the email. With another backend (the immediate one runs the task at once),
    it is queued after commit, so that nothing is sent for a change that is rolled back."""
    if enqueued_in_transaction(send_registration_email):
        _enqueue(registration, kind)
    else:
        transaction.on_commit(lambda: _enqueue(registration, kind))


def _enqueue(registration, kind):
    try:
        send_registration_email.enqueue(registration.pk, kind)
    except Exception as error:
        if isinstance(error, DatabaseError) and connection.in_atomic_block:
            # The task row could not be written in the caller's transaction, which has failed
            # with it: nothing of the change is kept, and the caller answers the error.
            raise
        # A mail outage must never undo or fail a registration; the link can be re-sent.
        logger.exception("could not queue the %s email for registration %s", kind, registration.pk)
