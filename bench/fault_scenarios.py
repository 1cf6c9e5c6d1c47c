"""Fault scenarios against gunicorn on PostgreSQL over loopback, each on a throwaway database.

Shared by the fault tests (tests/faults/) and bench/bench_trust_faults.py. Each scenario
returns a dict of figures; its "lost" figure counts records lost (the target is 0):
  - worker_killed_mid_registration: a gunicorn worker is SIGKILLed while a registration's
    transaction has written the registration and its preferences (paused on a row lock the
    scenario holds). Lost = half registrations + leaked seats + retries not registered.
  - postgres_restart_under_load: the local PostgreSQL cluster is stopped and started while
    registrations arrive at a steady pace. Lost = acknowledged (201) registrations missing
    from the database afterwards + duplicates + retries that fail after recovery.
  - full_disk_badge_sheet: a badge sheet is built with MEDIA_ROOT on a 16 KiB tmpfs. Lost =
    partial files left on the disk + downloads that served anything but a 409.

The restart scenario stops the real cluster that every process on this machine shares: run it
rarely (the tests do it only with SUMMIT_FAULT_TESTS=1, which CI sets).
"""

import collections
import contextlib
import http.client
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psycopg
from harness import ROOT, bench_env, fresh_database, gunicorn_process, manage

SLUG = "faults"
REGISTRATIONS = f"/api/summits/{SLUG}/registrations/"


def request(port, method, path, body=None, headers=None, timeout=15):
    """One request on a new connection: (status, body bytes); status 0 when the connection failed."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(
            method,
            path,
            body=json.dumps(body).encode() if body is not None else None,
            headers={"Content-Type": "application/json", **(headers or {})},
        )
        response = conn.getresponse()
        return response.status, response.read()
    except (OSError, http.client.HTTPException) as error:
        return 0, str(error).encode()
    finally:
        conn.close()


def registration_body(n, tag):
    return {
        "first_name": f"F{n}",
        "email": f"{tag}-{n}@example.org",
        "sector": "resident",
        "ticket_type": "community-resident",
        "group_preferences": ["housing", "transit"],
    }


def prepare(name, *, capacity=350, attendees=0, **extra_env):
    url = fresh_database(name)
    env = bench_env(url, **extra_env)
    manage(env, "migrate", "--noinput")
    manage(env, "seed_demo", "--summit", SLUG, "--attendees", str(attendees), "--capacity", str(capacity))
    return url, env


def drop_database(url):
    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def wait_until(condition, *, timeout=30, what="the condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise RuntimeError(f"timed out waiting for {what}")


def database_state(url):
    """Counts that a half-done registration or a leaked seat would change."""
    with psycopg.connect(url) as conn:
        one = lambda sql: conn.execute(sql).fetchone()[0]  # noqa: E731
        return {
            "registrations": one("SELECT count(*) FROM registrations_registration"),
            "preferences": one("SELECT count(*) FROM registrations_grouppreference"),
            "idempotency records": one("SELECT count(*) FROM registrations_idempotencyrecord"),
            "confirmed": one("SELECT count(*) FROM registrations_registration WHERE status = 'confirmed'"),
            "without preferences": one(
                "SELECT count(*) FROM registrations_registration r WHERE NOT EXISTS "
                "(SELECT 1 FROM registrations_grouppreference p WHERE p.registration_id = r.id)"
            ),
        }


def emails_in_database(url):
    with psycopg.connect(url) as conn:
        return collections.Counter(
            row[0] for row in conn.execute("SELECT email FROM registrations_registration")
        )


def worker_pids(master):
    children = Path(f"/proc/{master.pid}/task/{master.pid}/children")
    return [int(pid) for pid in children.read_text().split()] if children.exists() else []


# --- A gunicorn worker killed mid-registration ------------------------------------------------


def worker_killed_mid_registration(*, runs=3):
    url, env = prepare("summit_fault_kill", attendees=20)
    figures = collections.Counter(runs=runs)
    try:
        with gunicorn_process(env, workers=1, threads=4) as (master, port):
            with psycopg.connect(url) as conn:
                summit_id = conn.execute("SELECT id FROM summit_summit WHERE slug = %s", [SLUG]).fetchone()[0]
            for run in range(runs):
                _kill_one(url, port, master, summit_id, run, figures)
    finally:
        drop_database(url)
    figures["lost"] = (
        figures["half registrations"] + figures["leaked seats"] + figures["retries not registered"]
    )
    return dict(figures)


def _kill_one(url, port, master, summit_id, run, figures):
    before = database_state(url)
    key, body = f"kill-{run}", registration_body(run, "kill")
    answer = {}
    with psycopg.connect(url) as holder, psycopg.connect(url, autocommit=True) as watcher:
        # An uncommitted record with the request's Idempotency-Key: the request writes the
        # registration and its preferences, then waits on this row to store its own record.
        holder.execute(
            "INSERT INTO registrations_idempotencyrecord "
            "(key, scope, request_hash, status_code, response_body, created_at) "
            "VALUES (%s, %s, 'held', 201, '{}', now())",
            [key, f"registration:{summit_id}"],
        )
        client = threading.Thread(
            target=lambda: answer.update(
                status=request(port, "POST", REGISTRATIONS, body, {"Idempotency-Key": key})[0]
            )
        )
        client.start()
        victim = wait_until(
            lambda: watcher.execute(
                "SELECT pid FROM pg_stat_activity WHERE %s = ANY(pg_blocking_pids(pid))",
                [holder.info.backend_pid],
            ).fetchone(),
            what="the registration to block",
        )[0]
        written = {
            name
            for (name,) in watcher.execute(
                "SELECT c.relname FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
                "WHERE l.pid = %s AND l.mode = 'RowExclusiveLock' AND l.granted",
                [victim],
            )
        }
        if {"registrations_registration", "registrations_grouppreference"} <= written:
            figures["killed after writing"] += 1
        (worker,) = worker_pids(master)
        os.kill(worker, signal.SIGKILL)
        client.join(timeout=30)
        holder.rollback()
        wait_until(
            lambda: not watcher.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", [victim]).fetchone(),
            what="the killed worker's session to end",
        )
    figures["answered"] += answer.get("status", 0) != 0
    after = database_state(url)
    figures["half registrations"] += after["without preferences"] - before["without preferences"]
    figures["half registrations"] += after["registrations"] - before["registrations"]
    figures["leaked seats"] += after["confirmed"] - before["confirmed"]
    # gunicorn starts a new worker; the client sends the same request again.
    wait_until(
        lambda: worker_pids(master) and request(port, "GET", "/healthz")[0] == 200, what="a new worker"
    )
    status, _ = request(port, "POST", REGISTRATIONS, body, {"Idempotency-Key": key})
    registered = emails_in_database(url)[body["email"]]
    figures["retries not registered"] += status != 201 or registered != 1


# --- PostgreSQL restarted under a registration load ------------------------------------------


def cluster(action):
    version = sorted(os.listdir("/etc/postgresql"))[0]
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", action],
        check=True,
        capture_output=True,
    )


def pg_ready():
    return subprocess.run(["pg_isready", "-q", "-h", "127.0.0.1", "-p", "5432"]).returncode == 0


def postgres_restart_under_load(*, attempts=400, per_second=40, clients=8, outage_seconds=2.0):
    """Registrations at a steady `per_second` from `clients` threads; a third of the way in,
    the cluster stops for `outage_seconds` and starts again."""
    url, env = prepare("summit_fault_restart")
    results = {}
    health = []
    lock = threading.Lock()
    pending = iter(range(attempts))
    stop_probe = threading.Event()
    figures = {"attempts": attempts}
    try:
        with gunicorn_process(env, workers=2, threads=4) as (_master, port):
            started = time.monotonic()

            def client():
                while True:
                    with lock:
                        n = next(pending, None)
                    if n is None:
                        return
                    delay = started + n / per_second - time.monotonic()
                    if delay > 0:
                        time.sleep(delay)
                    status, data = request(
                        port,
                        "POST",
                        REGISTRATIONS,
                        registration_body(n, "load"),
                        {"Idempotency-Key": f"load-{n}"},
                    )
                    results[n] = (status, data)

            def probe():
                while not stop_probe.is_set():
                    health.append((time.monotonic(), request(port, "GET", "/healthz", timeout=5)[0]))
                    time.sleep(0.05)

            threads = [threading.Thread(target=client) for _ in range(clients)]
            prober = threading.Thread(target=probe)
            for thread in [*threads, prober]:
                thread.start()
            time.sleep(attempts / per_second / 3)
            down_at = time.monotonic()
            try:
                cluster("stop")
                time.sleep(outage_seconds)
                figures["healthz while down"] = request(port, "GET", "/healthz")[0]
                figures["registration while down"] = request(
                    port, "POST", REGISTRATIONS, registration_body(0, "down"), {"Idempotency-Key": "down-0"}
                )[0]
            finally:
                cluster("start")
                wait_until(pg_ready, timeout=60, what="PostgreSQL to accept connections")
            up_at = time.monotonic()
            for thread in threads:
                thread.join()
            first_ok = wait_until(
                lambda: next((t for t, s in health if t > up_at and s == 200), None), what="/healthz 200"
            )
            stop_probe.set()
            prober.join()
            figures["outage s"] = round(up_at - down_at, 1)
            figures["recovered s after start"] = round(first_ok - up_at, 1)
            figures["healthz 503 seen"] = sum(1 for _t, s in health if s == 503)
            figures["healthz after"] = request(port, "GET", "/healthz")[0]
            acknowledged = [n for n, (status, _) in results.items() if status == 201]
            figures["acknowledged"] = len(acknowledged)
            figures["errors during outage"] = attempts - len(acknowledged)
            after = [
                request(
                    port,
                    "POST",
                    REGISTRATIONS,
                    registration_body(n, "after"),
                    {"Idempotency-Key": f"after-{n}"},
                )[0]
                for n in range(20)
            ]
            figures["new registrations after"] = f"{after.count(201)}/{len(after)}"
            # Clients that got no answer retry with the same Idempotency-Key.
            retries = [
                request(
                    port,
                    "POST",
                    REGISTRATIONS,
                    registration_body(n, "load"),
                    {"Idempotency-Key": f"load-{n}"},
                )[0]
                for n, (status, _) in results.items()
                if status != 201
            ]
            figures["retries"] = len(retries)
            figures["retries failed"] = sum(1 for status in retries if status != 201)
        emails = emails_in_database(url)
        state = database_state(url)
    finally:
        stop_probe.set()
        drop_database(url)
    figures["acknowledged lost"] = sum(1 for n in acknowledged if emails[f"load-{n}@example.org"] != 1)
    figures["duplicates"] = sum(count - 1 for count in emails.values() if count > 1)
    figures["without preferences"] = state["without preferences"]
    figures["new registrations failed"] = len(after) - after.count(201)
    figures["lost"] = (
        figures["acknowledged lost"]
        + figures["duplicates"]
        + figures["retries failed"]
        + figures["without preferences"]
        + figures["new registrations failed"]
    )
    return figures


# --- A full disk while a badge sheet PDF is stored -------------------------------------------


@contextlib.contextmanager
def tiny_tmpfs(size="16k"):
    """A mounted tmpfs of `size`, or None when this process may not mount one."""
    folder = Path(tempfile.mkdtemp(prefix="summit-full-disk-"))
    mounted = (
        subprocess.run(
            ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)], capture_output=True
        ).returncode
        == 0
    )
    try:
        yield folder if mounted else None
    finally:
        if mounted:
            subprocess.run(["umount", str(folder)], check=False)
        folder.rmdir()


def full_disk_badge_sheet(*, runs=3):
    with tiny_tmpfs() as media:
        if media is None:
            return None
        # The sheet builds in the request (immediate tasks), so the answer shows the outcome.
        url, env = prepare(
            "summit_fault_disk", attendees=24, MEDIA_ROOT=str(media), TASKS_BACKEND="immediate"
        )
        figures = collections.Counter(runs=runs)
        try:
            staff = subprocess.run(
                [
                    sys.executable,
                    "manage.py",
                    "create_staff",
                    "planner@example.org",
                    "--summit",
                    SLUG,
                    "--role",
                    "planner",
                ],
                cwd=ROOT,
                env=env,
                check=True,
                capture_output=True,
                text=True,
            )
            auth = {"Authorization": f"Token {staff.stdout.strip().splitlines()[-1]}"}
            with gunicorn_process(env, workers=1, threads=2) as (_master, port):
                sheets = f"/api/summits/{SLUG}/badge-sheets/"
                for _ in range(runs):
                    status, data = request(port, "POST", sheets, {"layout": "letter-6up"}, auth, timeout=120)
                    job = json.loads(data)["id"] if status == 202 else None
                    state = (
                        json.loads(request(port, "GET", f"{sheets}{job}/", headers=auth)[1]) if job else {}
                    )
                    figures["failed jobs"] += state.get("status") == "failed"
                    download, body = request(port, "GET", f"{sheets}{job}/pdf/", headers=auth)
                    figures["downloads served"] += download == 200 or body.startswith(b"%PDF")
                    figures["downloads 409"] += download == 409
            figures["partial files left"] = sum(1 for p in media.rglob("*") if p.is_file())
        finally:
            drop_database(url)
    figures["lost"] = figures["partial files left"] + figures["downloads served"]
    return dict(figures)
