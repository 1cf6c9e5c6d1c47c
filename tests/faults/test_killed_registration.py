"""A process killed in the middle of a registration leaves nothing half done.

A child process posts a registration through the real API (Idempotency-Key and all) and is
paused inside the registration's transaction on a row lock this test holds; the test then
kills it with SIGKILL (as the kernel's out-of-memory killer or a crashed gunicorn worker
would) and checks that the registration is all or nothing: killed before its COMMIT reached
the database, no registration, preference, idempotency record or seat is left; killed after,
all of it is kept. Either way the same request sent again registers the attendee once."""

import json
import signal

import psycopg
import pytest
from django.db import connection

from registrations.models import GroupPreference, IdempotencyRecord, Registration
from registrations.seats.rules import seats_left
from summit.models import PlanningGroup, Summit
from tests.factories import (
    GroupPreferenceFactory,
    PlanningGroupFactory,
    SummitFactory,
    TicketTypeFactory,
    confirmed_attendees,
)
from tests.faults.conftest import child_env, database_url, start_python, wait_until

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.postgres,
    pytest.mark.slow,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="pausing a registration on a row lock needs PostgreSQL (SQLite has no row locks)",
    ),
]

POST = """
import sys
import django
django.setup()
from django.test import Client
response = Client(HTTP_HOST="127.0.0.1").post(
    sys.argv[1], data=sys.argv[2], content_type="application/json", HTTP_IDEMPOTENCY_KEY=sys.argv[3]
)
print(response.status_code, response.content.decode(), flush=True)
"""

URL = "/api/summits/kill/registrations/"
BODY = {
    "first_name": "Killed",
    "email": "killed@example.org",
    "sector": "resident",
    "ticket_type": "community-resident",
    "group_preferences": ["housing", "transit"],
}


@pytest.fixture
def kill_summit():
    summit = SummitFactory(slug="kill", capacity=5)
    TicketTypeFactory(summit=summit, slug="community-resident")
    housing = PlanningGroupFactory(summit=summit, slug="housing")
    PlanningGroupFactory(summit=summit, slug="transit")
    for person in confirmed_attendees(summit, [("Ana", "Cruz"), ("Bo", "Li")]):
        GroupPreferenceFactory(registration=person, group=housing, rank=1)
    return summit


def counts(summit):
    return {
        "registrations": Registration.objects.count(),
        "preferences": GroupPreference.objects.count(),
        "idempotency records": IdempotencyRecord.objects.count(),
        "seats left": seats_left(Summit.objects.get(pk=summit.pk)),
    }


def waiting_on(pg, holder_pid):
    """The session blocked by `holder_pid`'s locks, with the tables it holds write locks on."""
    row = pg.execute(
        "SELECT pid FROM pg_stat_activity WHERE %s = ANY(pg_blocking_pids(pid))", [holder_pid]
    ).fetchone()
    if row is None:
        return None
    written = {
        name
        for (name,) in pg.execute(
            "SELECT c.relname FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
            "WHERE l.pid = %s AND l.mode = 'RowExclusiveLock' AND l.granted",
            [row[0]],
        )
    }
    return row[0], written


def hold_idempotency_key(holder, summit):
    # An uncommitted record with the request's key: the child's own record waits on it.
    holder.execute(
        "INSERT INTO registrations_idempotencyrecord "
        "(key, scope, request_hash, status_code, response_body, created_at) "
        "VALUES ('key-1', %s, 'held by the test', 201, '{}', now())",
        [f"registration:{summit.pk}"],
    )


def hold_row(table, row_id):
    def hold(holder, summit):
        holder.execute(f'SELECT 1 FROM "{table}" WHERE id = %s FOR UPDATE', [row_id(summit)])  # noqa: S608

    return hold


STAGES = {
    # Waiting for the seat decision (the summit row lock that registration takes): nothing written.
    "waiting for a seat": (hold_row(Summit._meta.db_table, lambda s: s.pk), set(), "nothing"),
    # Registration and preferences written, storing the idempotency record: nothing kept.
    "registration and preferences written": (
        hold_idempotency_key,
        {"registrations_registration", "registrations_grouppreference"},
        "nothing",
    ),
    # COMMIT sent and waiting (the preferences' foreign keys are checked at commit, and the
    # group row is held): the database has the whole request and commits all of it.
    "commit sent": (
        hold_row(PlanningGroup._meta.db_table, lambda s: s.groups.get(slug="housing").pk),
        {"registrations_registration", "registrations_grouppreference", "registrations_idempotencyrecord"},
        "everything",
    ),
}


@pytest.mark.parametrize("stage", list(STAGES))
def test_a_registration_killed_mid_transaction_leaves_all_or_nothing_and_no_leaked_seat(
    kill_summit, pg, stage
):
    hold, written_before_kill, kept = STAGES[stage]
    before = counts(kill_summit)
    after_one = {
        "registrations": before["registrations"] + 1,
        "preferences": before["preferences"] + 2,
        "idempotency records": before["idempotency records"] + 1,
        "seats left": before["seats left"] - 1,
    }

    with psycopg.connect(database_url()) as holder:
        hold(holder, kill_summit)
        holder_pid = holder.info.backend_pid
        child = start_python(POST, URL, json.dumps(BODY), "key-1", env=child_env())
        victim_pid, written = wait_until(
            lambda: waiting_on(pg, holder_pid), what=f"the registration to block ({stage})"
        )
        assert written_before_kill <= written
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
        holder.rollback()  # the blocked statement runs on, then finds its client gone
    wait_until(
        lambda: (
            pg.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", [victim_pid]).fetchone()[0]
            == 0
        ),
        what="the killed process's database session to end",
    )

    assert child.returncode == -signal.SIGKILL
    assert counts(kill_summit) == (before if kept == "nothing" else after_one)
    assert not Registration.objects.filter(preferences__isnull=True).exists()

    # The client never got an answer, so it sends the same request again.
    retry = start_python(POST, URL, json.dumps(BODY), "key-1", env=child_env())
    out, err = retry.communicate(timeout=60)
    assert out.split(" ", 1)[0] == "201", err[-2000:]
    registration = Registration.objects.get(email=BODY["email"])
    assert json.loads(out.split(" ", 1)[1])["id"] == str(registration.public_id)
    assert registration.status == "confirmed"
    assert list(registration.preferences.order_by("rank").values_list("group__slug", flat=True)) == [
        "housing",
        "transit",
    ]
    assert counts(kill_summit) == after_one
