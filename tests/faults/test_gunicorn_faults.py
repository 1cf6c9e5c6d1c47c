"""PostgreSQL restarted under a registration load: every registration the client was told
about (201) is in the database afterwards, /healthz says 503 while the database is down and
200 after, and the same gunicorn processes register people again without a restart.

This stops and starts the machine's real PostgreSQL cluster, which other processes share, so
it runs only when SUMMIT_FAULT_TESTS=1 (CI sets it), once, in the PostgreSQL pass."""

import os
import shutil
import sys
from pathlib import Path

import pytest
from django.db import connection, connections

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

from fault_scenarios import postgres_restart_under_load, worker_killed_mid_registration  # noqa: E402

on_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="runs in the PostgreSQL pass, against gunicorn on PostgreSQL"
)


@pytest.mark.slow
@pytest.mark.postgres
@on_postgres
def test_a_gunicorn_worker_killed_mid_registration_leaves_no_half_registration_and_no_leaked_seat():
    figures = worker_killed_mid_registration(runs=2)

    assert figures["killed after writing"] == 2
    assert figures["answered"] == 0
    assert (figures["half registrations"], figures["leaked seats"], figures["retries not registered"]) == (
        0,
        0,
        0,
    )


@pytest.fixture
def reconnect_afterwards(django_db_blocker):
    """The restart cut this test process's own database connections too: drop them, so the
    tests that run next connect afresh."""
    yield
    with django_db_blocker.unblock():
        connections.close_all()


@pytest.mark.slow
@pytest.mark.postgres
@pytest.mark.pg_restart
@on_postgres
@pytest.mark.skipif(
    os.environ.get("SUMMIT_FAULT_TESTS") != "1",
    reason="restarts the shared PostgreSQL: set SUMMIT_FAULT_TESTS=1",
)
@pytest.mark.skipif(
    not shutil.which("pg_ctlcluster") or not Path("/etc/postgresql").is_dir(),
    reason="needs the local PostgreSQL cluster",
)
def test_postgres_restarted_under_load_loses_no_acknowledged_registration_and_recovers_without_a_restart(
    reconnect_afterwards,
):
    figures = postgres_restart_under_load(attempts=300, per_second=40, outage_seconds=2.0)

    assert figures["acknowledged lost"] == 0, figures
    assert figures["duplicates"] == 0, figures
    assert figures["without preferences"] == 0, figures
    assert figures["healthz while down"] == 503, figures
    assert figures["registration while down"] == 503, figures
    assert figures["healthz after"] == 200, figures
    assert figures["new registrations failed"] == 0, figures
    assert figures["retries failed"] == 0, figures
