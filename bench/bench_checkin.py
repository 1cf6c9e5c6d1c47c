"""Check-in API under load: p50/p99 latency, throughput, errors and double admissions.

Starts gunicorn as the README deploys it (`--workers 4`: four sync workers, each serving one request
at a time and closing the connection after it) on a free loopback port against a PostgreSQL bench
database, migrates it, seeds 3,500 confirmed registrations and one volunteer token per scanner, then
runs scanners as threads, each with its own HTTP/1.1 connection (kept alive when the server allows):
  - 6 scanners, 3,500 scans (each badge once);
  - 32 scanners, 3,500 scans (each badge once);
  - 32 scanners, 3,500 scans of 1,750 badges, each scanned twice at about the same time by two
    scanners (exactly one `ok` per badge expected).
Target: p99 < 50 ms at 6 scanners, zero errors, zero double admissions. RATE_LIMITS=off.
Env: BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/summit_bench_checkin),
BENCH_WORKERS (default 4), BENCH_WORKER_CLASS (default sync; `gthread` keeps connections alive
and runs BENCH_THREADS threads per worker, default 2), BENCH_ONLY (a comma-separated subset of the
runs by number, e.g. `1` for the 6-scanner run alone).
"""

import http.client
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/summit_bench_checkin")
REGISTRATIONS = 3500
SLUG = "bench-door"
WORKERS = os.environ.get("BENCH_WORKERS", "4")
THREADS = os.environ.get("BENCH_THREADS", "2")
WORKER_CLASS = os.environ.get("BENCH_WORKER_CLASS", "sync")
ONLY = {int(n) for n in os.environ.get("BENCH_ONLY", "").split(",") if n.strip()}
ENV = {
    **os.environ,
    "DATABASE_URL": DATABASE_URL,
    "DEBUG": "0",
    "SECRET_KEY": "bench-secret-key-not-for-production-4Tq8Wm2Zx7Rk5Ys",
    "BADGE_SECRET": "bench-badge-secret-not-for-production-9Lp3Vn6Hc1Jd",
    "ALLOWED_HOSTS": "127.0.0.1,localhost",
    "RATE_LIMITS": "off",
    "SECURE_SSL_REDIRECT": "0",
    "CONN_MAX_AGE": "60",
    "LOG_LEVEL": "WARNING",
    "PYTHONPATH": str(ROOT),
    "DJANGO_SETTINGS_MODULE": "summit.settings",
}


def recreate_database():
    import psycopg
    from psycopg import sql

    name = DATABASE_URL.rsplit("/", 1)[1]
    admin_url = DATABASE_URL.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def seed(scanners):
    import datetime

    from django.utils import timezone

    from registrations.badges.codes import badge_code, set_badge_code
    from registrations.models import Registration
    from summit.models import PlanningGroup, Summit, TicketType
    from summit.services import create_staff

    now = timezone.now()
    summit = Summit.objects.create(
        slug=SLUG,
        name="Bench Summit",
        starts_at=now - datetime.timedelta(hours=1),
        ends_at=now + datetime.timedelta(hours=8),
        capacity=REGISTRATIONS,
    )
    ticket = TicketType.objects.create(summit=summit, slug="resident", name="Resident")
    groups = [
        PlanningGroup.objects.create(summit=summit, slug=f"g{n}", name=f"Group {n}", room=f"Room {n}")
        for n in range(10)
    ]
    people = []
    for n in range(REGISTRATIONS):
        registration = Registration(
            summit=summit,
            ticket_type=ticket,
            status=Registration.Status.CONFIRMED,
            first_name=f"Person{n}",
            last_name=f"Bench{n}",
            email=f"p{n}@example.org",
            sector="resident",
            group=groups[n % len(groups)],
            confirmed_at=now,
            public_id=uuid.uuid4(),
        )
        set_badge_code(registration)
        people.append(registration)
    Registration.objects.bulk_create(people, batch_size=500)
    codes = [badge_code(person) for person in people]
    tokens = [
        create_staff(email=f"scanner{n}@example.org", summit=summit, role="volunteer")[1]
        for n in range(scanners)
    ]
    return summit, codes, tokens


def reset_check_ins(summit):
    from registrations.models import CheckIn, ScanLog

    CheckIn.objects.filter(summit=summit).delete()
    ScanLog.objects.filter(summit=summit).delete()


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(port):
    workers, threads = WORKERS, THREADS
    process = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "summit.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--worker-class",
            WORKER_CLASS,
            "--workers",
            workers,
            *(["--threads", threads] if WORKER_CLASS == "gthread" else []),
            "--keep-alive",
            "30",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=ENV,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return process
        except OSError:
            time.sleep(0.2)
    process.terminate()
    raise SystemExit("gunicorn did not start")


def _cpu_seconds(pid):
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def cpu_snapshot(server):
    """CPU seconds so far (Linux /proc; None elsewhere): gunicorn's workers; and all processes except
    ours (workers, this client, PostgreSQL), to tell whether the machine was quiet during a run."""
    try:
        workers = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
        server_cpu = sum(_cpu_seconds(pid) for pid in workers)
        postgres_cpu = 0.0
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                if stat.read_text().split("(", 1)[1].startswith("postgres)"):
                    postgres_cpu += _cpu_seconds(stat.parent.name)
            except (OSError, IndexError):
                continue
        ticks = [int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
        busy = (sum(ticks) - ticks[3] - ticks[4]) / os.sysconf("SC_CLK_TCK")  # all but idle and iowait
        client_cpu = sum(os.times()[:2])
        return {"server": server_cpu, "other": busy - server_cpu - postgres_cpu - client_cpu}
    except (OSError, ValueError, IndexError):
        return None


def run(port, tokens, work, scanners):
    """`work`: list of codes; scanner i takes items i, i+scanners, ... Returns figures."""
    latencies = []
    answers = []
    errors = []
    lock = threading.Lock()
    barrier = threading.Barrier(scanners + 1)

    def scanner(index):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        headers = {"Authorization": f"Token {tokens[index]}", "Content-Type": "application/json"}
        mine = work[index::scanners]
        local_lat, local_ans, local_err = [], [], []
        barrier.wait()
        for code in mine:
            body = json.dumps({"code": code, "nonce": uuid.uuid4().hex, "device": f"scanner {index}"})
            started = time.perf_counter()
            try:
                conn.request("POST", f"/api/summits/{SLUG}/checkins/", body=body, headers=headers)
                response = conn.getresponse()
                payload = response.read()
                elapsed = time.perf_counter() - started
                result = json.loads(payload).get("result")
                if response.status not in (200, 201) or result not in ("ok", "already_checked_in"):
                    local_err.append(f"{response.status} {payload[:80]!r}")
                local_lat.append(elapsed)
                local_ans.append((code, result))
            except (OSError, http.client.HTTPException, ValueError) as exc:
                local_err.append(repr(exc))
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.close()
        with lock:
            latencies.extend(local_lat)
            answers.extend(local_ans)
            errors.extend(local_err)

    threads = [threading.Thread(target=scanner, args=(i,)) for i in range(scanners)]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    oks = {}
    for code, result in answers:
        if result == "ok":
            oks[code] = oks.get(code, 0) + 1
    latencies.sort()
    return {
        "scans": len(work),
        "wall": wall,
        "p50": statistics.median(latencies) * 1000 if latencies else float("nan"),
        "p99": latencies[max(0, int(len(latencies) * 0.99) - 1)] * 1000 if latencies else float("nan"),
        "max": latencies[-1] * 1000 if latencies else float("nan"),
        "throughput": len(latencies) / wall if wall else 0,
        "errors": len(errors),
        "error_sample": errors[:3],
        "ok": sum(oks.values()),
        "double": sum(count - 1 for count in oks.values() if count > 1),
    }


def main():
    recreate_database()
    os.environ.update(ENV)
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=ENV, check=True
    )
    import django

    django.setup()
    from registrations.models import CheckIn

    summit, codes, tokens = seed(32)
    port = free_port()
    server = start_gunicorn(port)
    rows = []
    try:
        random.seed(7)
        # Warm-up: open connections and import everything in each worker.
        run(port, tokens, random.sample(codes, 64), 8)
        reset_check_ins(summit)
        plans = [
            ("6 scanners, each badge once", 6, random.sample(codes, len(codes)), len(codes)),
            ("32 scanners, each badge once", 32, random.sample(codes, len(codes)), len(codes)),
        ]
        half = random.sample(codes, len(codes) // 2)
        # Each badge twice, the two scans adjacent so that two scanners send them at about the same time.
        twice = [code for code in half for _ in range(2)]
        plans.append(("32 scanners, each badge twice at once", 32, twice, len(half)))
        plans = [plan for number, plan in enumerate(plans, 1) if not ONLY or number in ONLY]
        for label, scanners, work, expected_ok in plans:
            reset_check_ins(summit)
            before = cpu_snapshot(server)
            figures = run(port, tokens, work, scanners)
            after = cpu_snapshot(server)
            figures["cpu_ms"] = figures["other_load"] = float("nan")
            if before and after:
                figures["cpu_ms"] = (after["server"] - before["server"]) * 1000 / len(work)
                figures["other_load"] = (
                    (after["other"] - before["other"]) / (figures["wall"] * os.cpu_count()) * 100
                )
            stored = CheckIn.objects.filter(summit=summit).count()
            figures["ok_expected"] = expected_ok
            figures["stored"] = stored
            rows.append((label, figures))
    finally:
        server.terminate()
        server.wait(timeout=10)

    print(
        "| run | scans | p50 ms | p99 ms | max ms | scans/s | server CPU ms/scan | other load % | errors "
        "| ok answers | check-ins stored | double admissions |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    failed = False
    for label, f in rows:
        print(
            f"| {label} | {f['scans']} | {f['p50']:.1f} | {f['p99']:.1f} | {f['max']:.1f} | "
            f"{f['throughput']:.0f} | {f['cpu_ms']:.1f} | {f['other_load']:.0f} | {f['errors']} | {f['ok']}/{f['ok_expected']} | {f['stored']} | {f['double']} |"
        )
        if f["errors"] or f["double"] or f["ok"] != f["ok_expected"] or f["stored"] != f["ok_expected"]:
            failed = True
            if f["error_sample"]:
                print(f"\nerrors in {label!r}: {f['error_sample']}")
    setup = (
        f"gunicorn {WORKER_CLASS} {WORKERS} workers{f' x {THREADS} threads' if WORKER_CLASS == 'gthread' else ''}, "
        f"PostgreSQL, CONN_MAX_AGE=60, {REGISTRATIONS} confirmed registrations."
    )
    print(
        "(server CPU: gunicorn workers' CPU per scan; other load: CPU used by processes other than the "
        "server, this client and PostgreSQL, as a share of all cores: above a few % the run was not quiet.)"
    )
    six = next((f for label, f in rows if label.startswith("6 scanners")), None)
    if six is not None:
        met = "met" if six["p99"] < 50 else "NOT met"
        print(f"\nTarget at 6 scanners: p99 < 50 ms ({met}: {six['p99']:.1f} ms); {setup}")
    else:
        print(f"\n{setup}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
