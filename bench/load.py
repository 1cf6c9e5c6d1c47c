"""Load scenarios for Summit under gunicorn on PostgreSQL, over loopback only.

  python bench/load.py burst   # 1,000 registration attempts paced over 60 s at 350 seats
  python bench/load.py rush    # 3,500 badge scans from 32 door scanners, as fast as they go
  python bench/load.py all

Each scenario makes a throwaway PostgreSQL database (BENCH_PG, default
postgres://postgres@127.0.0.1:5432), migrates and seeds it, starts gunicorn on a free
loopback port (RATE_LIMITS=off, tasks queued for a worker as in production), drives it from
plain threads with keep-alive connections, and prints throughput, p50/p99 latency, errors and
what must never happen: seats oversold, acknowledged registrations missing, badges admitted
twice. Every run is bounded: a fixed number of requests and a hard time limit.

Options: --attempts/--seconds/--capacity/--clients for the burst, --scans/--scanners for
the rush, --workers/--threads for gunicorn (default 2 x 8 on a 2-core machine).
"""

import argparse
import collections
import http.client
import json
import os
import statistics
import sys
import threading
import time
import uuid

from harness import bench_env, fresh_database, gunicorn, manage, percentile, table

HOST = "127.0.0.1"  # loopback only: this script never sends load anywhere else
HARD_LIMIT_S = 300  # no scenario runs longer than this, whatever the options


class Client:
    """One keep-alive HTTP connection; reconnects after an error."""

    def __init__(self, port, headers=None):
        self.port, self.headers = port, {"Content-Type": "application/json", **(headers or {})}
        self.conn = http.client.HTTPConnection(HOST, port, timeout=30)

    def post(self, path, body, headers=None):
        started = time.perf_counter()
        try:
            self.conn.request(
                "POST", path, body=json.dumps(body).encode(), headers={**self.headers, **(headers or {})}
            )
            response = self.conn.getresponse()
            status, data = response.status, response.read()
        except (OSError, http.client.HTTPException) as error:
            self.conn.close()
            self.conn = http.client.HTTPConnection(HOST, self.port, timeout=30)
            status, data = 0, str(error).encode()
        return status, data, (time.perf_counter() - started) * 1000

    def close(self):
        self.conn.close()


def drive(jobs, *, clients, send, pace=None, limit=HARD_LIMIT_S):
    """Run `send(client_index, job) -> (status, data, ms)` for every job from `clients` threads.
    With `pace` (seconds between job starts), job i starts no earlier than i * pace.
    Returns (wall seconds, [(job, status, data, ms)])."""
    pending = iter(enumerate(jobs))
    lock = threading.Lock()
    results = []
    started = time.monotonic()
    deadline = started + limit

    def worker(index):
        local = []
        while time.monotonic() < deadline:
            with lock:
                item = next(pending, None)
            if item is None:
                break
            n, job = item
            if pace:
                delay = started + n * pace - time.monotonic()
                if delay > 0:
                    time.sleep(delay)
            local.append((job, *send(index, job)))
        with lock:
            results.extend(local)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.monotonic() - started, results


def latency_figures(results, wall):
    latencies = [ms for *_rest, ms in results]
    return {
        "requests": len(results),
        "wall s": round(wall, 1),
        "req/s": round(len(results) / wall, 1) if wall else 0,
        "p50 ms": round(statistics.median(latencies), 1) if latencies else float("nan"),
        "p99 ms": round(percentile(latencies, 99), 1),
    }


# --- Registration burst ------------------------------------------------------------------------


def registration_burst(*, attempts=1000, seconds=60.0, capacity=350, clients=32, workers=2, threads=8):
    import psycopg

    url = fresh_database("summit_load_burst")
    env = bench_env(url)
    manage(env, "migrate", "--noinput")
    manage(env, "seed_demo", "--summit", "burst", "--attendees", "0", "--capacity", str(capacity))
    path = "/api/summits/burst/registrations/"
    jobs = [
        {
            "first_name": f"P{n}",
            "email": f"burst-{n}@example.org",
            "sector": "resident",
            "ticket_type": "community-resident",
            "group_preferences": ["housing", "transit"],
        }
        for n in range(attempts)
    ]
    with gunicorn(env, workers=workers, threads=threads) as port:
        pool = [Client(port) for _ in range(clients)]
        wall, results = drive(
            jobs,
            clients=clients,
            pace=seconds / attempts,
            send=lambda i, body: pool[i].post(path, body, {"Idempotency-Key": body["email"]}),
        )
        for client in pool:
            client.close()
    answers = collections.Counter(
        json.loads(data)["status"] if status == 201 else f"HTTP {status}"
        for _body, status, data, _ms in results
    )
    acknowledged = {body["email"] for body, status, _data, _ms in results if status == 201}
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "SELECT r.email, r.status FROM registrations_registration r "
            "JOIN summit_summit s ON s.id = r.summit_id WHERE s.slug = 'burst'"
        ).fetchall()
    stored = collections.Counter(email for email, _status in rows)
    confirmed = sum(1 for _email, status in rows if status == "confirmed")
    return {
        "scenario": f"registration burst: {attempts} attempts in {seconds:g} s, {capacity} seats, {clients} clients",
        **latency_figures(results, wall),
        "errors": sum(1 for _b, status, _d, _ms in results if status != 201),
        "confirmed": confirmed,
        "waitlisted": answers.get("waitlisted", 0),
        "oversold": max(confirmed - capacity, 0),
        "acknowledged lost": sum(1 for email in acknowledged if stored[email] != 1),
        "duplicates": sum(count - 1 for count in stored.values() if count > 1),
        "unsent (time limit)": attempts - len(results),
    }


# --- Door rush ---------------------------------------------------------------------------------


def _seed_door(url, registrations, scanners):
    """A summit under way with `registrations` confirmed badges and one volunteer per scanner.
    Returns (badge codes, tokens)."""
    os.environ.update(bench_env(url, DJANGO_SETTINGS_MODULE="summit.settings"))
    import django

    django.setup()
    import datetime

    from django.utils import timezone

    from registrations.badges.codes import badge_code, set_badge_code
    from registrations.models import Registration
    from summit.models import PlanningGroup, Summit, TicketType
    from summit.services import create_staff

    now = timezone.now()
    summit = Summit.objects.create(
        slug="rush",
        name="Door rush",
        starts_at=now - datetime.timedelta(hours=1),
        ends_at=now + datetime.timedelta(hours=8),
        capacity=registrations,
    )
    ticket = TicketType.objects.create(summit=summit, slug="resident", name="Resident")
    groups = [
        PlanningGroup.objects.create(summit=summit, slug=f"g{n}", name=f"Group {n}", room=f"Room {n}")
        for n in range(10)
    ]
    people = []
    for n in range(registrations):
        person = Registration(
            summit=summit,
            ticket_type=ticket,
            status=Registration.Status.CONFIRMED,
            first_name=f"Person{n}",
            last_name=f"Rush{n}",
            email=f"rush-{n}@example.org",
            sector="resident",
            group=groups[n % len(groups)],
            confirmed_at=now,
            public_id=uuid.uuid4(),
        )
        set_badge_code(person)
        people.append(person)
    Registration.objects.bulk_create(people, batch_size=500)
    tokens = [
        create_staff(email=f"scanner{n}@example.org", summit=summit, role="volunteer")[1]
        for n in range(scanners)
    ]
    from django.db import connections

    connections.close_all()
    return [badge_code(person) for person in people], tokens


def door_rush(*, scans=3500, scanners=32, workers=2, threads=8):
    """Every badge scanned once, as fast as `scanners` devices can, in a shuffled order."""
    import random

    import psycopg

    url = fresh_database("summit_load_rush")
    env = bench_env(url)
    manage(env, "migrate", "--noinput")
    codes, tokens = _seed_door(url, scans, scanners)
    random.Random(7).shuffle(codes)
    path = "/api/summits/rush/checkins/"
    with gunicorn(env, workers=workers, threads=threads) as port:
        pool = [Client(port, {"Authorization": f"Token {token}"}) for token in tokens]
        wall, results = drive(
            codes,
            clients=scanners,
            send=lambda i, code: pool[i].post(path, {"code": code, "device": f"scanner {i}"}),
        )
        for client in pool:
            client.close()
    answers = collections.Counter()
    oks = collections.Counter()
    for code, status, data, _ms in results:
        try:
            result = json.loads(data).get("result")
        except ValueError:
            result = None
        answers[result or f"HTTP {status}"] += 1
        if result == "ok":
            oks[code] += 1
    with psycopg.connect(url) as conn:
        stored = conn.execute("SELECT count(*) FROM registrations_checkin").fetchone()[0]
    return {
        "scenario": f"door rush: {scans} scans, {scanners} scanners",
        **latency_figures(results, wall),
        "errors": sum(1 for _c, status, _d, _ms in results if status not in (200, 201)),
        "admitted": answers.get("ok", 0),
        "check-ins stored": stored,
        "double admissions": sum(count - 1 for count in oks.values() if count > 1),
        "unsent (time limit)": scans - len(results),
    }


COLUMNS = ["scenario", "requests", "wall s", "req/s", "p50 ms", "p99 ms", "errors"]


def print_figures(rows):
    table(COLUMNS, [[row[c] for c in COLUMNS] for row in rows])
    for row in rows:
        rest = {k: v for k, v in row.items() if k not in COLUMNS}
        print(f"\n{row['scenario']}: " + ", ".join(f"{k} {v}" for k, v in rest.items()))


def failures(row):
    """What must never happen (the same for every run): errors, oversold seats, lost or
    duplicated registrations, double admissions, requests left unsent."""
    keys = [
        "errors",
        "oversold",
        "acknowledged lost",
        "duplicates",
        "double admissions",
        "unsent (time limit)",
    ]
    return sum(row.get(key, 0) for key in keys)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("scenario", choices=["burst", "rush", "all"])
    parser.add_argument("--attempts", type=int, default=1000)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--capacity", type=int, default=350)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--scans", type=int, default=3500)
    parser.add_argument("--scanners", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args(argv)
    if not (0 < args.attempts <= 20000 and 0 < args.scans <= 20000 and 0 <= args.seconds <= 240):
        parser.error("bounded runs only: at most 20,000 requests and 240 s of pacing")
    rows = []
    if args.scenario in ("burst", "all"):
        rows.append(
            registration_burst(
                attempts=args.attempts,
                seconds=args.seconds,
                capacity=args.capacity,
                clients=args.clients,
                workers=args.workers,
                threads=args.threads,
            )
        )
    if args.scenario in ("rush", "all"):
        rows.append(
            door_rush(scans=args.scans, scanners=args.scanners, workers=args.workers, threads=args.threads)
        )
    print_figures(rows)
    return 1 if any(failures(row) for row in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
